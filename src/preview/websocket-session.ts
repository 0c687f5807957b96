/**
 * The playground's side of a preview page's WebSocket (protocol.ts): a TCP connection into the
 * kernel's network, the opening handshake, then RFC 6455 frames (websocket-frames.ts) between
 * the page's messages and the server, as a browser speaks it. The handshake and the framing
 * are done here, not in the page, so a page can speak nothing but WebSocket through it.
 */
import type { Kernel } from '../kernel-client';
import { encodeRequest, ResponseReader } from './http';
import { Link } from './link';
import type { PreviewSocketRequest, SocketToPage, SocketToServer } from './protocol';
import {
  acceptFor,
  CloseCode,
  closePayload,
  encodeFrame,
  FrameReader,
  handshakeKey,
  Opcode,
} from './websocket-frames';

/** How long the server may take to answer the handshake, or a close frame with its own. */
export const SOCKET_WAIT_MS = 5000;

type Target = PreviewSocketRequest['socket'];

const TOKEN = /^[!#-'*+.0-9A-Z^-z|~-]+$/;

/** Whether `data` is a WebSocket this page opens: checked, as a request is (broker.ts). */
export function isPreviewSocketRequest(data: unknown): data is PreviewSocketRequest {
  const s = (data as PreviewSocketRequest | null)?.socket;
  const port = (n: unknown) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 65535;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.token === 'string' &&
    port(s.port) &&
    port(s.pagePort) &&
    typeof s.target === 'string' &&
    s.target.startsWith('/') &&
    !/[\s\0]/.test(s.target) &&
    Array.isArray(s.protocols) &&
    s.protocols.every((p) => typeof p === 'string' && TOKEN.test(p))
  );
}

/** Every WebSocket the page has open, so a new run can end them. */
export class SocketSessions {
  private readonly open = new Set<() => void>();

  constructor(private readonly kernel: () => Kernel | null) {}

  start(target: Target, page: MessagePort): void {
    const session = new Session(target, page, () => this.open.delete(end));
    const end = () => session.abandon();
    this.open.add(end);
    void session.connect(this.kernel());
  }

  /** The run ended or a new one began. */
  closeAll(): void {
    for (const end of [...this.open]) end();
  }
}

class Session {
  private state: 'connecting' | 'open' | 'closing' | 'closed' = 'connecting';
  private link: Link | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly target: Target,
    private readonly page: MessagePort,
    private readonly ended: () => void,
  ) {
    page.onmessage = ({ data }: MessageEvent<SocketToServer>) => this.fromPage(data);
  }

  async connect(kernel: Kernel | null): Promise<void> {
    const link = kernel ? await Link.open(kernel, this.target.port) : null;
    if (typeof link !== 'object' || link === null) return this.fail();
    if (this.state === 'closed') return link.close(); // the page gave up meanwhile
    this.link = link;
    const key = handshakeKey();
    const accept = await acceptFor(key);
    if ((this.state as string) === 'closed') return; // the page gave up meanwhile
    this.timer = setTimeout(() => this.fail(), SOCKET_WAIT_MS);
    const frames = new FrameReader({
      message: (data) => {
        if (typeof data === 'string') this.toPage({ message: data });
        else this.toPage({ message: data.buffer as ArrayBuffer }, [data.buffer as ArrayBuffer]);
      },
      ping: (payload) => this.send(Opcode.Pong, payload),
      close: (code, reason) => {
        // The server's close: answered with the same code, as RFC 6455 §5.5.1 asks.
        if (this.state === 'open') this.send(Opcode.Close, closePayload(code, ''));
        this.finish(code, reason, true);
      },
      error: (code) => {
        this.send(Opcode.Close, closePayload(code, ''));
        this.fail();
      },
    });
    const handshake = new ResponseReader({
      head: ({ status, headers }) => {
        const get = (name: string) =>
          headers.find(([n]) => n.toLowerCase() === name)?.[1].trim() ?? null;
        const protocol = get('sec-websocket-protocol') ?? '';
        const agreed =
          status === 101 &&
          get('upgrade')?.toLowerCase() === 'websocket' &&
          /\bupgrade\b/i.test(get('connection') ?? '') &&
          get('sec-websocket-accept') === accept &&
          (protocol === '' || this.target.protocols.includes(protocol)) &&
          !get('sec-websocket-extensions');
        if (!agreed) return this.fail();
        clearTimeout(this.timer);
        this.state = 'open';
        this.toPage({ open: { protocol, extensions: '' } });
      },
      // After a 101 every byte is frames, until the connection ends.
      body: (data) => frames.push(data),
      done: () => this.finish(CloseCode.Abnormal, '', false),
      error: () => this.fail(),
    });
    link.listen((message) => {
      if (!('data' in message)) return handshake.end();
      link.send({ read: message.data.length }); // the page takes what comes: no window here
      handshake.push(message.data);
    });
    const headers: [string, string][] = [
      ['Upgrade', 'websocket'],
      ['Sec-WebSocket-Key', key],
      ['Sec-WebSocket-Version', '13'],
      ['Origin', `http://127.0.0.1:${this.target.pagePort}`],
    ];
    if (this.target.protocols.length) {
      headers.push(['Sec-WebSocket-Protocol', this.target.protocols.join(', ')]);
    }
    const request = { method: 'GET', target: this.target.target, headers, body: null };
    link.send({ data: encodeRequest(request, `127.0.0.1:${this.target.port}`, 'Upgrade') });
  }

  /** A new run: the socket goes as when its server goes. */
  abandon(): void {
    this.finish(CloseCode.Abnormal, '', false);
  }

  private fromPage(data: SocketToServer): void {
    if (this.state === 'connecting') {
      if ('close' in data) this.fail(); // closed before it opened: it fails, as a browser's
      return;
    }
    if (this.state !== 'open') return;
    if ('text' in data) {
      const bytes = new TextEncoder().encode(data.text);
      this.send(Opcode.Text, bytes);
      this.toPage({ sent: bytes.length });
    } else if ('binary' in data) {
      this.send(Opcode.Binary, new Uint8Array(data.binary));
      this.toPage({ sent: data.binary.byteLength });
    } else {
      this.state = 'closing';
      const { code, reason } = data.close;
      this.send(Opcode.Close, closePayload(code ?? CloseCode.NoStatus, reason));
      // The server answers with its close frame (above); one that does not is left.
      this.timer = setTimeout(() => this.finish(CloseCode.Abnormal, '', false), SOCKET_WAIT_MS);
    }
  }

  private send(opcode: Opcode, payload: Uint8Array): void {
    if (this.link && !this.link.ended) this.link.send({ data: encodeFrame(opcode, payload) });
  }

  private toPage(message: SocketToPage, transfer: Transferable[] = []): void {
    this.page.postMessage(message, transfer);
  }

  /** The connection failed: the page gets `error`, then `close` with 1006. */
  private fail(): void {
    this.finish(CloseCode.Abnormal, '', false, true);
  }

  private finish(code: number, reason: string, wasClean: boolean, failed = false): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.timer);
    this.link?.close();
    this.toPage({ closed: { code, reason, wasClean, failed } });
    this.page.close();
    this.ended();
  }
}
