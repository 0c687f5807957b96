/**
 * The Preview's WebSocket (issue 23): RFC 6455 frames both ways, the handshake's key, the
 * script tag put first in HTML answers, the checks on what the relay's origin sends, and a
 * whole session against a server end played here.
 */
import { describe, expect, it } from 'vitest';
import type { Kernel } from '../../src/kernel-client';
import {
  injectPageScript,
  looksLikeHtml,
  SCRIPT_TAG,
  scriptInsertAt,
  scriptPlaceKnown,
} from '../../src/preview/inject';
import type { SocketToPage } from '../../src/preview/protocol';
import {
  acceptFor,
  closePayload,
  encodeFrame,
  type FrameEvents,
  FrameReader,
  Opcode,
} from '../../src/preview/websocket-frames';
import { isPreviewSocketRequest, SocketSessions } from '../../src/preview/websocket-session';
import type { FromServer, ToServer } from '../../workers/protocol/outside';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

/** A server's frame: never masked. */
function serverFrame(opcode: number, payload: Uint8Array, fin = true): Uint8Array {
  const long = payload.length >= 126;
  const head = long
    ? [(fin ? 0x80 : 0) | opcode, 126, payload.length >> 8, payload.length & 255]
    : [(fin ? 0x80 : 0) | opcode, payload.length];
  const frame = new Uint8Array(head.length + payload.length);
  frame.set(head);
  frame.set(payload, head.length);
  return frame;
}

/** Reads one client frame: its opcode, fin and unmasked payload. */
function clientFrame(frame: Uint8Array): { opcode: number; fin: boolean; payload: Uint8Array } {
  expect(frame[1] & 0x80).toBe(0x80); // masked
  let length = frame[1] & 0x7f;
  let at = 2;
  if (length === 126) {
    length = (frame[2] << 8) | frame[3];
    at = 4;
  } else if (length === 127) {
    length = Number(new DataView(frame.buffer, frame.byteOffset + 2, 8).getBigUint64(0));
    at = 10;
  }
  const mask = frame.subarray(at, at + 4);
  const payload = frame.slice(at + 4, at + 4 + length).map((b, i) => b ^ mask[i & 3]);
  expect(frame.length).toBe(at + 4 + length);
  return { opcode: frame[0] & 0x0f, fin: (frame[0] & 0x80) !== 0, payload };
}

function reader() {
  const events: (string | [string, ...unknown[]])[] = [];
  const on: FrameEvents = {
    message: (data) => events.push(typeof data === 'string' ? data : ['binary', [...data]]),
    ping: (payload) => events.push(['ping', text(payload)]),
    close: (code, reason) => events.push(['close', code, reason]),
    error: (code) => events.push(['error', code]),
  };
  return { events, frames: new FrameReader(on) };
}

describe('WebSocket frames', () => {
  it("answers the handshake's key as RFC 6455's example does", async () => {
    expect(await acceptFor('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('masks what the client sends, at every length form', () => {
    for (const size of [0, 5, 125, 126, 300, 70_000]) {
      const payload = new Uint8Array(size).map((_, i) => i & 255);
      const frame = clientFrame(encodeFrame(Opcode.Binary, payload));
      expect(frame.opcode).toBe(Opcode.Binary);
      expect(frame.fin).toBe(true);
      expect([...frame.payload]).toEqual([...payload]);
    }
    expect(
      text(clientFrame(encodeFrame(Opcode.Close, closePayload(1000, 'bye'))).payload.subarray(2)),
    ).toBe('bye');
    expect(closePayload(1005, 'ignored').length).toBe(0);
  });

  it("reads a server's frames however their bytes come: fragments, pings between, a close", () => {
    const { events, frames } = reader();
    const wire = [
      serverFrame(Opcode.Text, bytes('héllo')),
      serverFrame(Opcode.Text, bytes('one, '), false),
      serverFrame(Opcode.Ping, bytes('p')),
      serverFrame(Opcode.Continuation, bytes('two'), true),
      serverFrame(Opcode.Binary, new Uint8Array(300).fill(7)),
      serverFrame(Opcode.Close, new Uint8Array([0x03, 0xe8, ...bytes('done')])),
    ];
    const all = new Uint8Array(wire.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of wire) {
      all.set(f, at);
      at += f.length;
    }
    for (const byte of all) frames.push(new Uint8Array([byte])); // one byte at a time
    expect(events).toEqual([
      'héllo',
      ['ping', 'p'],
      'one, two',
      ['binary', new Array(300).fill(7)],
      ['close', 1000, 'done'],
    ]);
  });

  it('fails a server that masks, sends text that is not UTF-8, or a bad close', () => {
    const masked = reader();
    masked.frames.push(new Uint8Array([0x81, 0x81, 1, 2, 3, 4, 5]));
    expect(masked.events).toEqual([['error', 1002]]);
    const latin = reader();
    latin.frames.push(serverFrame(Opcode.Text, new Uint8Array([0xff, 0xfe])));
    expect(latin.events).toEqual([['error', 1007]]);
    const stray = reader();
    stray.frames.push(serverFrame(Opcode.Continuation, bytes('x')));
    expect(stray.events).toEqual([['error', 1002]]);
    const empty = reader();
    empty.frames.push(serverFrame(Opcode.Close, new Uint8Array(0)));
    expect(empty.events).toEqual([['close', 1005, '']]);
  });
});

describe("the WebSocket script's place in an HTML answer", () => {
  it('goes after a doctype, a BOM and comments, else first', () => {
    const at = (html: string) =>
      scriptInsertAt(new Uint8Array([...html].map((c) => c.charCodeAt(0))));
    expect(at('<!DOCTYPE html><p>x')).toBe(15);
    expect(at('\xEF\xBB\xBF<!doctype html>')).toBe(18);
    expect(at('<!-- a --> \n<!doctype html>x')).toBe(27);
    expect(at('<p>no doctype')).toBe(0);
    expect(at('\xEF\xBB\xBF<p>')).toBe(3);
  });

  it('is known as soon as the first bytes tell, and not before', () => {
    const known = (html: string) => scriptPlaceKnown(bytes(html));
    expect(known('<!DOCTY')).toBe(false);
    expect(known('<!doctype html')).toBe(false);
    expect(known('<!doctype html>')).toBe(true);
    expect(known('<!-- unclosed')).toBe(false);
    expect(known('<html>')).toBe(true);
    expect(known('   ')).toBe(false);
  });

  it('goes into an answer without a Content-Type only if the browser would take it for HTML', async () => {
    expect(looksLikeHtml(bytes('  <html><body>'))).toBe(true);
    expect(looksLikeHtml(bytes('<P>hi'))).toBe(true);
    expect(looksLikeHtml(bytes('<?xml version="1.0"?>'))).toBe(false);
    expect(looksLikeHtml(bytes('plain text <p>'))).toBe(false);
    const through = (text: string) =>
      new Response(new Response(text).body!.pipeThrough(injectPageScript(true))).text();
    expect(await through('{"json": true}')).toBe('{"json": true}');
    expect(await through('<p>hand-written</p>')).toBe(`${SCRIPT_TAG}<p>hand-written</p>`);
  });

  it('streams through with the tag in, however the body is cut', async () => {
    const body = '<!doctype html><script>alert(WebSocket)</script>';
    const out = await new Response(
      new Response(
        new ReadableStream({
          start(controller) {
            for (const piece of ['<!doc', 'type ht', 'ml>', body.slice(15)])
              controller.enqueue(bytes(piece));
            controller.close();
          },
        }),
      ).body!.pipeThrough(injectPageScript()),
    ).text();
    expect(out).toBe(`<!doctype html>${SCRIPT_TAG}<script>alert(WebSocket)</script>`);
  });
});

describe('a WebSocket session', () => {
  const ok = { token: 't', port: 8765, target: '/ws?x=1', protocols: ['chat'], pagePort: 8000 };

  it("takes only well-formed requests from the relay's origin", () => {
    expect(isPreviewSocketRequest({ socket: ok })).toBe(true);
    expect(isPreviewSocketRequest({ socket: { ...ok, target: '/ws HTTP/1.1\r\nX: y' } })).toBe(
      false,
    );
    expect(isPreviewSocketRequest({ socket: { ...ok, port: 70000 } })).toBe(false);
    expect(isPreviewSocketRequest({ socket: { ...ok, protocols: ['a b'] } })).toBe(false);
    expect(isPreviewSocketRequest({ socket: { ...ok, target: 'ws' } })).toBe(false);
    expect(isPreviewSocketRequest(null)).toBe(false);
  });

  it('shakes hands, carries messages both ways, and closes cleanly when the server does', async () => {
    let server: MessagePort | null = null;
    const kernel = {
      connectOutside: async (port: number, channel: MessagePort) => {
        expect(port).toBe(8765);
        server = channel;
        return 0;
      },
    } as unknown as Kernel;
    const fromClient: ToServer[] = [];
    const page = new MessageChannel();
    const toPage: SocketToPage[] = [];
    page.port1.onmessage = ({ data }) => toPage.push(data);
    new SocketSessions(() => kernel).start(ok, page.port2);
    await expect.poll(() => server).not.toBeNull();
    const wire = server as unknown as MessagePort;
    wire.onmessage = ({ data }) => fromClient.push(data);
    const send = (message: FromServer) => wire.postMessage(message);
    await expect.poll(() => fromClient.length).toBe(1);
    const request = text((fromClient[0] as { data: Uint8Array }).data);
    expect(request).toMatch(/^GET \/ws\?x=1 HTTP\/1\.1\r\nHost: 127\.0\.0\.1:8765\r\n/);
    expect(request).toContain('Upgrade: websocket\r\n');
    expect(request).toContain('Connection: Upgrade\r\n');
    expect(request).toContain('Sec-WebSocket-Protocol: chat\r\n');
    expect(request).toContain('Origin: http://127.0.0.1:8000\r\n');
    const key = /Sec-WebSocket-Key: (\S+)\r\n/.exec(request)![1];
    const answer =
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${await acceptFor(key)}\r\nSec-WebSocket-Protocol: chat\r\n\r\n`;
    // The head and the first frame in one piece, as a server may write them.
    const head = bytes(answer);
    const first = serverFrame(Opcode.Text, bytes('welcome'));
    const both = new Uint8Array(head.length + first.length);
    both.set(head);
    both.set(first, head.length);
    send({ data: both });
    await expect.poll(() => toPage.length).toBe(2);
    expect(toPage).toEqual([
      { open: { protocol: 'chat', extensions: '' } },
      { message: 'welcome' },
    ]);

    page.port1.postMessage({ text: 'hi there' });
    const frames = () =>
      fromClient
        .filter((m): m is { data: Uint8Array } => 'data' in m)
        .slice(1)
        .map((m) => clientFrame(m.data));
    await expect.poll(() => frames().length).toBe(1);
    expect(frames()[0].opcode).toBe(Opcode.Text);
    expect(text(frames()[0].payload)).toBe('hi there');
    await expect.poll(() => toPage.at(-1)).toEqual({ sent: 8 });

    send({ data: serverFrame(Opcode.Ping, bytes('are you there')) });
    await expect.poll(() => frames().length).toBe(2);
    expect([frames()[1].opcode, text(frames()[1].payload)]).toEqual([Opcode.Pong, 'are you there']);

    send({ data: serverFrame(Opcode.Close, new Uint8Array([0x0f, 0xa0, ...bytes('bye')])) });
    await expect
      .poll(() => toPage.at(-1))
      .toEqual({
        closed: { code: 4000, reason: 'bye', wasClean: true, failed: false },
      });
    await expect.poll(() => frames().length).toBe(3);
    expect(frames()[2].opcode).toBe(Opcode.Close);
    expect([...frames()[2].payload]).toEqual([0x0f, 0xa0]); // the code, echoed
    await expect.poll(() => fromClient.some((m) => 'close' in m)).toBe(true);
  });

  it('fails (error, then close 1006) when the server answers the handshake with plain HTTP', async () => {
    let server: MessagePort | null = null;
    const kernel = {
      connectOutside: async (_port: number, channel: MessagePort) => ((server = channel), 0),
    } as unknown as Kernel;
    const page = new MessageChannel();
    const toPage: SocketToPage[] = [];
    page.port1.onmessage = ({ data }) => toPage.push(data);
    new SocketSessions(() => kernel).start(ok, page.port2);
    await expect.poll(() => server).not.toBeNull();
    (server as unknown as MessagePort).postMessage({
      data: bytes('HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n'),
    } satisfies FromServer);
    await expect
      .poll(() => toPage)
      .toEqual([{ closed: { code: 1006, reason: '', wasClean: false, failed: true } }]);
  });

  it('fails where nothing listens', async () => {
    const kernel = { connectOutside: async () => 111 } as unknown as Kernel;
    const page = new MessageChannel();
    const toPage: SocketToPage[] = [];
    page.port1.onmessage = ({ data }) => toPage.push(data);
    new SocketSessions(() => kernel).start(ok, page.port2);
    await expect
      .poll(() => toPage)
      .toEqual([{ closed: { code: 1006, reason: '', wasClean: false, failed: true } }]);
  });
});
