/**
 * The script every preview page loads first (protocol.ts): the preview's service worker serves
 * this function's source. A service worker never sees WebSocket, and the page may reach nothing
 * but its own origin; so it puts in the page a `WebSocket` that reaches the program's servers
 * through the worker and the playground. In the preview frame it also tells the playground
 * which page is shown, for the address bar.
 *
 * Its source runs alone in the page: it may use only globals, never what this module imports
 * (types aside).
 */
import type { PreviewShown, PreviewSocketRequest, SocketToPage, SocketToServer } from './protocol';

export function installPageScript(): void {
  const page = /^\/preview\/([A-Za-z0-9_-]+)\/(\d{1,5})(\/.*)?$/.exec(location.pathname);
  if (!page) return;
  const token = page[1];
  const pagePort = Number(page[2]);
  const prefix = `/preview/${token}/${pagePort}`;
  const LOOPBACK = /^(?:127\.0\.0\.1|localhost|\[::1\]|0\.0\.0\.0)$/i;
  const STATES = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;
  const live = new Set<PreviewWebSocket>();
  const failure = (what: string, why: string, name: string) =>
    new DOMException(`Failed to ${what} 'WebSocket': ${why}`, name);

  class PreviewWebSocket extends EventTarget {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readonly url: string;
    readyState: number = STATES.CONNECTING;
    bufferedAmount = 0;
    protocol = '';
    extensions = '';
    private kind: BinaryType = 'blob';
    private channel: MessagePort | null = null;
    /** Sends go in order, a Blob's after it is read. */
    private sending: Promise<void> = Promise.resolve();
    /** The `on…` properties' listeners (set below). */
    readonly handlers: Record<string, EventListener | null> = {};

    constructor(url: string | URL, protocols: string | string[] = []) {
      super();
      const parsed = new URL(String(url), location.href);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
        parsed.protocol = parsed.protocol === 'http:' ? 'ws:' : 'wss:';
      }
      if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
        throw failure(
          'construct',
          `The URL's scheme must be either 'ws' or 'wss'. '${parsed.protocol.slice(0, -1)}' is not allowed.`,
          'SyntaxError',
        );
      }
      if (parsed.hash) {
        throw failure('construct', `The URL contains a fragment identifier.`, 'SyntaxError');
      }
      const asked = typeof protocols === 'string' ? [protocols] : [...protocols];
      if (
        new Set(asked).size !== asked.length ||
        asked.some((p) => !/^[!#-'*+.0-9A-Z^-z|~-]+$/.test(p))
      ) {
        throw failure('construct', 'The subprotocol is invalid or duplicated.', 'SyntaxError');
      }
      this.url = parsed.href;
      live.add(this);
      // The page's own host is its server's (a page on https makes wss: the preview's, not
      // the program's doing); 127.0.0.1 and localhost are the run's network, which has no TLS.
      let port = 0;
      let target = parsed.pathname + parsed.search;
      if (parsed.host === location.host) {
        port = pagePort;
        if (target.startsWith(prefix + '/')) target = target.slice(prefix.length);
      } else if (LOOPBACK.test(parsed.hostname) && parsed.protocol === 'ws:') {
        port = Number(parsed.port || 80);
      }
      const worker = navigator.serviceWorker?.controller;
      if (!port || !worker) {
        setTimeout(() => this.closed({ code: 1006, reason: '', wasClean: false, failed: true }));
        return;
      }
      const { port1, port2 } = new MessageChannel();
      this.channel = port1;
      port1.onmessage = ({ data }: MessageEvent<SocketToPage>) => this.receive(data);
      const request: PreviewSocketRequest = {
        socket: { token, port, target, protocols: asked, pagePort },
      };
      worker.postMessage(request, [port2]);
    }

    get binaryType(): BinaryType {
      return this.kind;
    }

    set binaryType(kind: BinaryType) {
      if (kind === 'blob' || kind === 'arraybuffer') this.kind = kind;
    }

    send(data: string | Blob | ArrayBuffer | ArrayBufferView): void {
      if (this.readyState === STATES.CONNECTING) {
        throw failure('execute', 'Still in CONNECTING state.', 'InvalidStateError');
      }
      const size =
        typeof data === 'string'
          ? new TextEncoder().encode(data).length
          : data instanceof Blob
            ? data.size
            : data.byteLength;
      this.bufferedAmount += size;
      if (this.readyState !== STATES.OPEN) return; // as a browser: counted, never sent
      const copy = (): Promise<SocketToServer> | SocketToServer => {
        if (typeof data === 'string') return { text: data };
        if (data instanceof Blob) return data.arrayBuffer().then((binary) => ({ binary }));
        if (data instanceof ArrayBuffer) return { binary: data.slice(0) };
        const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        return { binary: view.slice().buffer };
      };
      const message = copy();
      this.sending = this.sending.then(async () => this.post(await message));
    }

    close(code?: number, reason = ''): void {
      if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) {
        throw failure(
          'execute',
          `The close code must be either 1000, or between 3000 and 4999. ${code} is neither.`,
          'InvalidAccessError',
        );
      }
      if (new TextEncoder().encode(reason).length > 123) {
        throw failure(
          'execute',
          'The close reason must not be greater than 123 UTF-8 bytes.',
          'SyntaxError',
        );
      }
      if (this.readyState >= STATES.CLOSING) return;
      this.readyState = STATES.CLOSING;
      this.sending = this.sending.then(() => this.post({ close: { code, reason } }));
    }

    /** The page is going away: its sockets close as a browser closes them (1001). */
    leave(): void {
      if (this.readyState >= STATES.CLOSING) return;
      this.readyState = STATES.CLOSING;
      this.post({ close: { code: 1001, reason: '' } });
    }

    private post(message: SocketToServer): void {
      const transfer = 'binary' in message ? [message.binary] : [];
      this.channel?.postMessage(message, transfer);
    }

    private receive(data: SocketToPage): void {
      if ('open' in data) {
        if (this.readyState !== STATES.CONNECTING) return;
        this.readyState = STATES.OPEN;
        this.protocol = data.open.protocol;
        this.extensions = data.open.extensions;
        this.dispatchEvent(new Event('open'));
      } else if ('message' in data) {
        if (this.readyState !== STATES.OPEN) return;
        const payload =
          typeof data.message === 'string' || this.kind === 'arraybuffer'
            ? data.message
            : new Blob([data.message]);
        const origin = new URL(this.url).origin;
        this.dispatchEvent(new MessageEvent('message', { data: payload, origin }));
      } else if ('sent' in data) {
        this.bufferedAmount = Math.max(0, this.bufferedAmount - data.sent);
      } else this.closed(data.closed);
    }

    private closed(how: Extract<SocketToPage, { closed: unknown }>['closed']): void {
      if (this.readyState === STATES.CLOSED) return;
      this.readyState = STATES.CLOSED;
      live.delete(this);
      this.channel?.close();
      if (how.failed) this.dispatchEvent(new Event('error'));
      const { code, reason, wasClean } = how;
      this.dispatchEvent(new CloseEvent('close', { code, reason, wasClean }));
    }
  }

  // The constants on instances too, and the `on…` handler properties.
  for (const [name, value] of Object.entries(STATES)) {
    Object.defineProperty(PreviewWebSocket.prototype, name, { value, enumerable: true });
  }
  for (const type of ['open', 'message', 'error', 'close']) {
    type Handlers = { handlers: Record<string, EventListener | null> } & EventTarget;
    Object.defineProperty(PreviewWebSocket.prototype, `on${type}`, {
      configurable: true,
      enumerable: true,
      get(this: Handlers) {
        return this.handlers[type] ?? null;
      },
      set(this: Handlers, handler: unknown) {
        const old = this.handlers[type];
        if (old) this.removeEventListener(type, old);
        this.handlers[type] = typeof handler === 'function' ? (handler as EventListener) : null;
        if (this.handlers[type]) this.addEventListener(type, this.handlers[type]);
      },
    });
  }
  Object.defineProperty(PreviewWebSocket, 'name', { value: 'WebSocket' });
  Object.defineProperty(globalThis, 'WebSocket', {
    value: PreviewWebSocket,
    writable: true,
    configurable: true,
  });
  addEventListener('pagehide', () => {
    for (const socket of live) socket.leave();
  });
  // The preview frame's own page (its parent is the playground, of another origin; a frame in
  // a preview page has a parent of this one).
  let framedByPlayground = false;
  try {
    framedByPlayground = parent !== window && !parent.location.href;
  } catch {
    framedByPlayground = true;
  }
  if (framedByPlayground) {
    const path = location.pathname.slice(prefix.length) || '/';
    const shown: PreviewShown = {
      shown: { token, port: pagePort, path: path + location.search + location.hash },
    };
    navigator.serviceWorker?.controller?.postMessage(shown);
  }
}
