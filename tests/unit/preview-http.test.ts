/** The Preview's HTTP client (src/preview/http.ts): requests as they go on the wire, and
 * responses read as their bytes come, in any pieces. */
import { describe, expect, it } from 'vitest';
import {
  encodeRequest,
  type ResponseError,
  type ResponseHead,
  ResponseReader,
} from '../../src/preview/http';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

/** Reads `wire` in pieces of `step` bytes, then the connection's end if `close`. */
function read(wire: string, { step = 1_000_000, close = false, head = false } = {}) {
  const seen: { head?: ResponseHead; body: string; done: boolean; error?: ResponseError } = {
    body: '',
    done: false,
  };
  const reader = new ResponseReader(
    {
      head: (h) => (seen.head = h),
      body: (data) => (seen.body += text(data)),
      done: () => (seen.done = true),
      error: (e) => (seen.error = e),
    },
    head,
  );
  const all = bytes(wire);
  for (let i = 0; i < all.length; i += step) reader.push(all.subarray(i, i + step));
  if (close) reader.end();
  return seen;
}

describe('the Preview’s HTTP client', () => {
  it('writes the request with the Host, its body’s length, and keep-alive', () => {
    const wire = encodeRequest(
      {
        method: 'POST',
        target: '/form?x=1',
        headers: [
          ['Content-Type', 'application/x-www-form-urlencoded'],
          ['Connection', 'close'],
          ['Host', 'elsewhere'],
        ],
        body: bytes('name=Ada'),
      },
      '127.0.0.1:8000',
    );
    expect(text(wire)).toBe(
      'POST /form?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n' +
        'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 8\r\n' +
        'Connection: keep-alive\r\n\r\nname=Ada',
    );
    expect(text(encodeRequest({ method: 'GET', target: '/', headers: [], body: null }, 'h'))).toBe(
      'GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n\r\n',
    );
  });

  it('reads a body by its Content-Length, byte by byte, and keeps the connection', () => {
    for (const step of [1, 7, 1000]) {
      const seen = read('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b: c\r\n\r\nhello', { step });
      expect(seen.head).toEqual({
        status: 200,
        statusText: 'OK',
        headers: [
          ['Content-Length', '5'],
          ['X-A', 'b: c'],
        ],
        keepAlive: true,
      });
      expect(seen).toMatchObject({ body: 'hello', done: true });
    }
  });

  it('decodes a chunked body, with extensions and trailers, in any pieces', () => {
    const wire =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\n';
    for (const step of [1, 3, 10_000]) {
      expect(read(wire, { step })).toMatchObject({
        body: 'Wikipedia in\r\n\r\nchunks.',
        done: true,
      });
    }
  });

  it('reads to the connection’s end when the length is not said, as HTTP/1.0 servers answer', () => {
    const seen = read('HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<p>hi</p>', {
      close: true,
    });
    expect(seen).toMatchObject({ body: '<p>hi</p>', done: true });
    expect(seen.head?.keepAlive).toBe(false);
    expect(read('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').head?.keepAlive).toBe(false);
    expect(
      read('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n').head?.keepAlive,
    ).toBe(false);
  });

  it('skips an interim 100 Continue, and reads no body after HEAD, 204 or 304', () => {
    const seen = read(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok',
    );
    expect(seen.head?.status).toBe(201);
    expect(seen.body).toBe('ok');
    expect(read('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n', { head: true })).toMatchObject({
      body: '',
      done: true,
    });
    expect(read('HTTP/1.1 304 Not Modified\r\n\r\n').done).toBe(true);
  });

  it('tells a server that speaks no HTTP, and a response cut short', () => {
    expect(read('hello, client\n').error).toBe('not-http');
    expect(read('HTT', { close: true }).error).toBe('bad-response');
    expect(read('SSH-2.0', { close: true }).error).toBe('not-http');
    expect(read('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', { close: true })).toMatchObject(
      {
        body: 'abc',
        error: 'bad-response',
      },
    );
    expect(read('HTTP/1.1 banana\r\n\r\n').error).toBe('bad-response');
  });
});
