/**
 * The playground's side of the Preview (protocol.ts): each request of the preview frame becomes
 * HTTP on a TCP connection into the kernel's network, as from a browser (the kernel names its
 * client `browser`), and the answer streams back to the frame. Connections the server keeps
 * alive carry the next request to that port, as a browser's do.
 */
import type { Kernel } from '../kernel-client';
import { Errno } from '../../workers/protocol/constants';
import { encodeRequest, type ResponseError, ResponseReader } from './http';
import { Link } from './link';
import { isPreviewSocketRequest, SocketSessions } from './websocket-session';
import type { PreviewAnswer, PreviewPull, PreviewRequest, PreviewShown } from './protocol';

/** How long a server may take to begin its answer before the preview says it did not. */
export const ANSWER_TIMEOUT_MS = 5000;

/** Why the preview shows a page of its own instead of the server's. */
export type PreviewFailure = 'refused' | 'timeout' | 'not-http' | 'gone';

/** Whether `data` is a request this page serves. The relay's origin also runs the program's
 * pages, which can reach the relay: what comes from there is checked, and a line break that
 * would make one request two is refused. */
export function isPreviewRequest(data: unknown): data is PreviewRequest {
  const r = data as PreviewRequest;
  const oneLine = (text: unknown) => typeof text === 'string' && !/[\r\n\0]/.test(text);
  return (
    typeof r === 'object' &&
    r !== null &&
    Number.isInteger(r.port) &&
    r.port >= 1 &&
    r.port <= 65535 &&
    oneLine(r.method) &&
    /^[A-Z]+$/.test(r.method) &&
    oneLine(r.target) &&
    r.target.startsWith('/') &&
    !r.target.includes(' ') &&
    Array.isArray(r.headers) &&
    r.headers.every(
      (h) =>
        Array.isArray(h) && h.length === 2 && oneLine(h[0]) && oneLine(h[1]) && !h[0].includes(':'),
    ) &&
    (r.body === null || r.body instanceof ArrayBuffer)
  );
}

function isPreviewShown(data: unknown): data is PreviewShown {
  const shown = (data as PreviewShown | null)?.shown;
  return (
    typeof shown === 'object' &&
    shown !== null &&
    Number.isInteger(shown.port) &&
    typeof shown.path === 'string' &&
    shown.path.startsWith('/')
  );
}

export class PreviewBroker {
  /** Connections kept alive by their server, by port, ready for another request. */
  private readonly idle = new Map<number, Link[]>();
  private readonly sockets: SocketSessions;

  constructor(
    private readonly kernel: () => Kernel | null,
    /** The page shown for a failure, as HTML (in the page's language). */
    private readonly failurePage: (failure: PreviewFailure, port: number) => string,
    /** The preview frame shows `path` of `port` (its address bar follows). */
    private readonly shown: (port: number, path: string) => void = () => {},
  ) {
    this.sockets = new SocketSessions(kernel);
  }

  /** Takes the requests the relay passes on. */
  attach(relay: MessagePort): void {
    relay.onmessage = ({ data, ports }: MessageEvent<unknown>) => {
      if (ports[0] && isPreviewRequest(data)) void this.serve(data, ports[0]);
      else if (ports[0] && isPreviewSocketRequest(data)) this.sockets.start(data.socket, ports[0]);
      else if (isPreviewShown(data)) this.shown(data.shown.port, data.shown.path);
      else ports[0]?.close();
    };
  }

  /** A new run began: kept connections and WebSockets go. */
  closeAll(): void {
    for (const links of this.idle.values()) for (const link of links) link.close();
    this.idle.clear();
    this.sockets.closeAll();
  }

  private async serve(request: PreviewRequest, answer: MessagePort): Promise<void> {
    const reply = (message: PreviewAnswer, transfer: Transferable[] = []) =>
      answer.postMessage(message, transfer);
    const fail = (failure: PreviewFailure) => {
      const html = new TextEncoder().encode(this.failurePage(failure, request.port));
      const status = failure === 'timeout' ? 504 : 502;
      reply({
        head: {
          status,
          statusText: failure === 'timeout' ? 'Gateway Timeout' : 'Bad Gateway',
          headers: [['Content-Type', 'text/html; charset=utf-8']],
        },
      });
      reply({ data: html }, [html.buffer]);
      reply({ end: true });
    };
    const kernel = this.kernel();
    if (!kernel) return fail('refused');
    for (let attempt = 0; attempt < 2; attempt++) {
      const kept = this.idle.get(request.port)?.find((link) => !link.ended);
      if (kept)
        this.idle.set(
          request.port,
          this.idle.get(request.port)!.filter((l) => l !== kept),
        );
      const link = kept ?? (await Link.open(kernel, request.port));
      if (typeof link === 'number') return fail(link === Errno.ECONNREFUSED ? 'refused' : 'gone');
      const outcome = await this.exchange(link, request, answer, fail);
      // A kept connection its server had closed meanwhile: once more, on a new one.
      if (outcome !== 'closed-unused' || !kept) return;
    }
  }

  /** One request and its answer on `link`; 'closed-unused' when the server had closed it. */
  private exchange(
    link: Link,
    request: PreviewRequest,
    answer: MessagePort,
    fail: (failure: PreviewFailure) => void,
  ): Promise<'done' | 'closed-unused'> {
    const reply = (message: PreviewAnswer, transfer: Transferable[] = []) =>
      answer.postMessage(message, transfer);
    return new Promise((resolve) => {
      let headSent = false;
      let received = 0;
      let bodyBytes = 0;
      let keepAlive = false;
      let finished = false;
      const finish = (outcome: 'done' | 'closed-unused', keep = false) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        if (keep && !link.ended) {
          this.idle.set(request.port, [...(this.idle.get(request.port) ?? []), link]);
        } else link.close();
        resolve(outcome);
      };
      const timer = setTimeout(() => {
        fail('timeout');
        finish('done');
      }, ANSWER_TIMEOUT_MS);
      const reader = new ResponseReader(
        {
          head: (head) => {
            headSent = true;
            keepAlive = head.keepAlive;
            clearTimeout(timer);
            reply({
              head: { status: head.status, statusText: head.statusText, headers: head.headers },
            });
          },
          body: (data) => {
            bodyBytes += data.length;
            reply({ data }, [data.buffer]);
          },
          done: () => {
            reply({ end: true });
            finish('done', keepAlive);
          },
          error: (error: ResponseError) => {
            if (headSent) reply({ broken: true });
            else if (error === 'not-http') fail('not-http');
            else if (received === 0) return finish('closed-unused');
            else fail('gone');
            finish('done');
          },
        },
        request.method === 'HEAD',
      );
      link.listen((message) => {
        if ('data' in message) {
          received += message.data.length;
          const before = bodyBytes;
          reader.push(message.data);
          // What is not body (the head, chunk sizes) is read here at once; the body, as the
          // frame takes it (below).
          const framing = message.data.length - (bodyBytes - before);
          if (framing > 0) link.send({ read: framing });
        } else reader.end();
      });
      // The frame's reading opens the connection's window; a frame that goes away ends it.
      answer.onmessage = ({ data }: MessageEvent<PreviewPull>) => {
        if ('read' in data) link.send({ read: data.read });
        else finish('done');
      };
      link.send({
        data: encodeRequest(
          {
            method: request.method,
            target: request.target,
            headers: request.headers,
            body: request.body ? new Uint8Array(request.body) : null,
          },
          `127.0.0.1:${request.port}`,
        ),
      });
    });
  }
}
