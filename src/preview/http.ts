/**
 * HTTP/1.1 as the Preview's client speaks it over a connection into the virtual network: the
 * request's bytes, and a response parsed as its bytes come (the head, then the body as it
 * streams: by Content-Length, chunked, or until the server closes).
 */

export interface HttpRequest {
  method: string;
  /** The path and query, as the server is asked for them (`/a/b?c=1`). */
  target: string;
  headers: [string, string][];
  body: Uint8Array | null;
}

export interface ResponseHead {
  status: number;
  statusText: string;
  headers: [string, string][];
  /** Whether the connection may carry another request after this response. */
  keepAlive: boolean;
}

/** Headers the browser's fetch carries that mean nothing to a server in the sandbox, or that
 * this client sets itself. */
const DROPPED = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
]);

const encoder = new TextEncoder();

/** The request as it goes on the wire, to the server at `host` (`127.0.0.1:8000`);
 * `connection`: its Connection header (`Upgrade` for a WebSocket's handshake). */
export function encodeRequest(
  request: HttpRequest,
  host: string,
  connection = 'keep-alive',
): Uint8Array {
  const lines = [`${request.method} ${request.target} HTTP/1.1`, `Host: ${host}`];
  for (const [name, value] of request.headers) {
    if (!DROPPED.has(name.toLowerCase())) lines.push(`${name}: ${value}`);
  }
  const body = request.body ?? new Uint8Array(0);
  if (body.length > 0 || !['GET', 'HEAD', 'OPTIONS', 'DELETE'].includes(request.method)) {
    lines.push(`Content-Length: ${body.length}`);
  }
  lines.push(`Connection: ${connection}`, '', '');
  const head = encoder.encode(lines.join('\r\n'));
  const wire = new Uint8Array(head.length + body.length);
  wire.set(head);
  wire.set(body, head.length);
  return wire;
}

/** Why a response could not be read. */
export type ResponseError = 'not-http' | 'bad-response';

export interface ResponseEvents {
  head(head: ResponseHead): void;
  body(data: Uint8Array): void;
  /** The response is whole. */
  done(): void;
  error(error: ResponseError): void;
}

type BodyMode =
  | { kind: 'none' }
  | { kind: 'length'; left: number }
  | { kind: 'chunked'; left: number; stage: 'size' | 'data' | 'data-end' | 'trailer' }
  | { kind: 'close' };

/** The longest head read before the response is taken for something else than HTTP. */
const MOST_HEAD_BYTES = 64 * 1024;

/**
 * Reads one response as its bytes come (`push`), and the end of the connection (`end`).
 * `noBody`: the request was HEAD, whose response has a head only.
 */
export class ResponseReader {
  private buffered: Uint8Array = new Uint8Array(0);
  private mode: BodyMode | null = null;
  private finished = false;

  constructor(
    private readonly events: ResponseEvents,
    private readonly noBody = false,
  ) {}

  get complete(): boolean {
    return this.finished;
  }

  push(data: Uint8Array): void {
    if (this.finished) return;
    this.buffered = concat(this.buffered, data);
    this.advance();
  }

  /** The server closed the connection. */
  end(): void {
    if (this.finished) return;
    if (this.mode?.kind === 'close') {
      this.finish();
    } else if (this.mode === null && this.buffered.length > 0 && !startsLikeHttp(this.buffered)) {
      this.fail('not-http');
    } else {
      this.fail('bad-response'); // closed before the response was whole
    }
  }

  private advance(): void {
    while (!this.finished) {
      if (this.mode === null) {
        if (!this.readHead()) return;
        continue;
      }
      const mode = this.mode;
      if (mode.kind === 'none') return this.finish();
      if (mode.kind === 'close') {
        this.emitBody(this.buffered.length);
        return;
      }
      if (mode.kind === 'length') {
        const count = Math.min(mode.left, this.buffered.length);
        this.emitBody(count);
        mode.left -= count;
        if (mode.left === 0) return this.finish();
        return;
      }
      if (!this.readChunked(mode)) return;
    }
  }

  /** Reads the head once it is all here; false while more is needed. */
  private readHead(): boolean {
    if (!startsLikeHttp(this.buffered)) {
      this.fail('not-http');
      return false;
    }
    const end = indexOf(this.buffered, '\r\n\r\n');
    if (end < 0) {
      if (this.buffered.length > MOST_HEAD_BYTES) this.fail('bad-response');
      return false;
    }
    const text = new TextDecoder('latin1').decode(this.buffered.subarray(0, end));
    this.buffered = this.buffered.subarray(end + 4);
    const [statusLine, ...headerLines] = text.split('\r\n');
    const match = /^HTTP\/(\d)\.(\d) (\d{3})(?: (.*))?$/.exec(statusLine);
    if (!match) {
      this.fail('bad-response');
      return false;
    }
    const status = Number(match[3]);
    const headers: [string, string][] = [];
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
    if (status >= 100 && status < 200 && status !== 101) return true; // an interim response
    const get = (name: string) =>
      headers.find(([n]) => n.toLowerCase() === name)?.[1].toLowerCase() ?? null;
    const http10 = match[1] === '1' && match[2] === '0';
    const connection = get('connection') ?? '';
    const length = get('content-length');
    if (this.noBody || status === 204 || status === 304) this.mode = { kind: 'none' };
    else if (get('transfer-encoding')?.includes('chunked')) {
      this.mode = { kind: 'chunked', left: 0, stage: 'size' };
    } else if (length !== null && /^\d+$/.test(length)) {
      this.mode = { kind: 'length', left: Number(length) };
    } else this.mode = { kind: 'close' };
    const keepAlive =
      this.mode.kind !== 'close' &&
      (http10 ? connection.includes('keep-alive') : !connection.includes('close'));
    this.events.head({ status, statusText: match[4] ?? '', headers, keepAlive });
    return true;
  }

  /** Reads what it can of a chunked body; false while more is needed. */
  private readChunked(mode: Extract<BodyMode, { kind: 'chunked' }>): boolean {
    if (mode.stage === 'data') {
      const count = Math.min(mode.left, this.buffered.length);
      this.emitBody(count);
      mode.left -= count;
      if (mode.left > 0) return false;
      mode.stage = 'data-end';
      return true;
    }
    const line = indexOf(this.buffered, '\r\n');
    if (line < 0) return false;
    const text = new TextDecoder('latin1').decode(this.buffered.subarray(0, line));
    this.buffered = this.buffered.subarray(line + 2);
    if (mode.stage === 'data-end') {
      if (text !== '') this.fail('bad-response');
      mode.stage = 'size';
    } else if (mode.stage === 'size') {
      const size = parseInt(text.split(';')[0].trim(), 16);
      if (Number.isNaN(size)) {
        this.fail('bad-response');
        return false;
      }
      mode.left = size;
      mode.stage = size === 0 ? 'trailer' : 'data';
    } else if (text === '') {
      this.finish(); // the trailer's end
    }
    return true;
  }

  private emitBody(count: number): void {
    if (count === 0) return;
    this.events.body(this.buffered.slice(0, count));
    this.buffered = this.buffered.subarray(count);
  }

  private finish(): void {
    this.finished = true;
    this.events.done();
  }

  private fail(error: ResponseError): void {
    this.finished = true;
    this.events.error(error);
  }
}

/** Whether the bytes so far can be the start of `HTTP/`. */
function startsLikeHttp(data: Uint8Array): boolean {
  const prefix = 'HTTP/';
  for (let i = 0; i < Math.min(prefix.length, data.length); i++) {
    if (data[i] !== prefix.charCodeAt(i)) return false;
  }
  return true;
}

function indexOf(data: Uint8Array, text: string): number {
  const first = text.charCodeAt(0);
  outer: for (let i = data.indexOf(first); i >= 0; i = data.indexOf(first, i + 1)) {
    if (i + text.length > data.length) return -1;
    for (let j = 1; j < text.length; j++) {
      if (data[i + j] !== text.charCodeAt(j)) continue outer;
    }
    return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
