/**
 * The WebSocket protocol (RFC 6455) as the Preview's client speaks it to a server of the run:
 * the opening handshake's key and its answer, and frames both ways, read as their bytes come.
 */

export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** Close codes the client itself gives (RFC 6455 §7.4.1). */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  NoStatus: 1005,
  Abnormal: 1006,
  InvalidData: 1007,
  TooBig: 1009,
} as const;

/** The GUID a server appends to the client's key (RFC 6455 §1.3). */
const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The longest message taken whole from a server; a larger one closes the socket (1009). */
export const MOST_MESSAGE_BYTES = 64 * 1024 * 1024;

/** A fresh `Sec-WebSocket-Key`: 16 random bytes in base64. */
export function handshakeKey(): string {
  return base64(crypto.getRandomValues(new Uint8Array(16)));
}

/** The `Sec-WebSocket-Accept` a server must answer `key` with. */
export async function acceptFor(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(key + ACCEPT_GUID));
  return base64(new Uint8Array(digest));
}

function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/** One frame as the client sends it: always masked (§5.3), with a fresh mask. */
export function encodeFrame(opcode: Opcode, payload: Uint8Array, fin = true): Uint8Array {
  const length = payload.length;
  const extended = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const frame = new Uint8Array(2 + extended + 4 + length);
  frame[0] = (fin ? 0x80 : 0) | opcode;
  const view = new DataView(frame.buffer);
  if (extended === 0) frame[1] = 0x80 | length;
  else if (extended === 2) {
    frame[1] = 0x80 | 126;
    view.setUint16(2, length);
  } else {
    frame[1] = 0x80 | 127;
    view.setBigUint64(2, BigInt(length));
  }
  const at = 2 + extended;
  const mask = crypto.getRandomValues(new Uint8Array(4));
  frame.set(mask, at);
  for (let i = 0; i < length; i++) frame[at + 4 + i] = payload[i] ^ mask[i & 3];
  return frame;
}

/** A Close frame's payload: the code, then the reason in UTF-8 (none for 1005). */
export function closePayload(code: number, reason: string): Uint8Array {
  if (code === CloseCode.NoStatus) return new Uint8Array(0);
  const text = new TextEncoder().encode(reason);
  const payload = new Uint8Array(2 + text.length);
  new DataView(payload.buffer).setUint16(0, code);
  payload.set(text, 2);
  return payload;
}

/** What a server's frames make, in order. */
export interface FrameEvents {
  message(data: string | Uint8Array): void;
  ping(payload: Uint8Array): void;
  close(code: number, reason: string): void;
  /** The server broke the protocol: the connection is failed with `code`. */
  error(code: number, why: string): void;
}

/** Reads a server's frames as their bytes come (`push`): messages whole, from their fragments. */
export class FrameReader {
  private buffered: Uint8Array = new Uint8Array(0);
  /** The message being put together from fragments, and its kind. */
  private fragments: Uint8Array[] = [];
  private fragmentBytes = 0;
  private messageKind: typeof Opcode.Text | typeof Opcode.Binary | null = null;
  private stopped = false;

  constructor(private readonly events: FrameEvents) {}

  push(data: Uint8Array): void {
    if (this.stopped) return;
    this.buffered = concat(this.buffered, data);
    while (!this.stopped && this.readFrame());
  }

  /** Reads one whole frame if it is here. */
  private readFrame(): boolean {
    const b = this.buffered;
    if (b.length < 2) return false;
    const fin = (b[0] & 0x80) !== 0;
    const opcode = b[0] & 0x0f;
    if ((b[0] & 0x70) !== 0) return this.fail(CloseCode.ProtocolError, 'reserved bits set');
    if ((b[1] & 0x80) !== 0) return this.fail(CloseCode.ProtocolError, 'a masked frame');
    let length = b[1] & 0x7f;
    let at = 2;
    if (length === 126) {
      if (b.length < 4) return false;
      length = (b[2] << 8) | b[3];
      at = 4;
    } else if (length === 127) {
      if (b.length < 10) return false;
      const long = new DataView(b.buffer, b.byteOffset + 2, 8).getBigUint64(0);
      if (long > BigInt(MOST_MESSAGE_BYTES)) return this.fail(CloseCode.TooBig, 'too big');
      length = Number(long);
      at = 10;
    }
    if (b.length < at + length) {
      if (this.fragmentBytes + length > MOST_MESSAGE_BYTES) {
        return this.fail(CloseCode.TooBig, 'too big');
      }
      return false;
    }
    const payload = b.slice(at, at + length);
    this.buffered = b.subarray(at + length);
    if (opcode >= Opcode.Close) {
      if (!fin || length > 125) return this.fail(CloseCode.ProtocolError, 'a bad control frame');
      this.control(opcode, payload);
      return true;
    }
    return this.data(opcode, payload, fin);
  }

  private control(opcode: number, payload: Uint8Array): void {
    if (opcode === Opcode.Ping) this.events.ping(payload);
    else if (opcode === Opcode.Close) {
      this.stopped = true;
      if (payload.length === 0) return this.events.close(CloseCode.NoStatus, '');
      const code = payload.length >= 2 ? (payload[0] << 8) | payload[1] : -1;
      const reason = utf8(payload.subarray(2));
      if (payload.length === 1 || reason === null) {
        this.fail(CloseCode.ProtocolError, 'a bad close frame');
      } else this.events.close(code, reason);
    } else if (opcode !== Opcode.Pong) this.fail(CloseCode.ProtocolError, 'an unknown opcode');
  }

  private data(opcode: number, payload: Uint8Array, fin: boolean): boolean {
    if (opcode === Opcode.Continuation) {
      if (this.messageKind === null) return this.fail(CloseCode.ProtocolError, 'no message');
    } else if (opcode === Opcode.Text || opcode === Opcode.Binary) {
      if (this.messageKind !== null) return this.fail(CloseCode.ProtocolError, 'interleaved');
      this.messageKind = opcode;
    } else return this.fail(CloseCode.ProtocolError, 'an unknown opcode');
    this.fragments.push(payload);
    this.fragmentBytes += payload.length;
    if (this.fragmentBytes > MOST_MESSAGE_BYTES) return this.fail(CloseCode.TooBig, 'too big');
    if (!fin) return true;
    const whole = this.fragments.length === 1 ? this.fragments[0] : joinAll(this.fragments);
    const kind = this.messageKind;
    this.fragments = [];
    this.fragmentBytes = 0;
    this.messageKind = null;
    if (kind === Opcode.Binary) {
      this.events.message(whole);
      return true;
    }
    const text = utf8(whole);
    if (text === null) return this.fail(CloseCode.InvalidData, 'text that is not UTF-8');
    this.events.message(text);
    return true;
  }

  private fail(code: number, why: string): false {
    this.stopped = true;
    this.events.error(code, why);
    return false;
  }
}

function utf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  return joinAll([a, b]);
}

function joinAll(parts: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}
