/** The Preview's addresses and what its playground side takes (src/preview/protocol.ts,
 * broker.ts, ui/preview-view.ts). */
import { describe, expect, it } from 'vitest';
import { isPreviewRequest } from '../../src/preview/broker';
import { parsePreviewPath, previewOrigin, previewPrefix } from '../../src/preview/protocol';
import { listeningPorts } from '../../src/ui/preview-view';
import type { ProcessInfo } from '../../workers/protocol/kernel';

const process = (pid: number, sockets: ProcessInfo['sockets']): ProcessInfo => ({
  pid,
  ppid: 0,
  pgid: pid,
  name: 'main.py',
  state: 'running',
  waitingOn: null,
  exitCode: null,
  threads: [],
  sockets,
});

describe('the Preview', () => {
  it('is served from the same host, ten ports up, unless the build names another origin', () => {
    const at = { protocol: 'http:', hostname: 'localhost', port: '4173' };
    expect(previewOrigin(at)).toBe('http://localhost:4183');
    expect(previewOrigin({ ...at, port: '' })).toBeNull();
    expect(previewOrigin(at, 'https://preview.example.org/')).toBe('https://preview.example.org');
  });

  it('reads its paths back: the token, the port and the server’s own path', () => {
    expect(previewPrefix('abc-1', 8000)).toBe('/preview/abc-1/8000');
    expect(parsePreviewPath('/preview/abc-1/8000/a/b.html')).toEqual({
      token: 'abc-1',
      port: 8000,
      path: '/a/b.html',
    });
    expect(parsePreviewPath('/preview/abc-1/8000')).toMatchObject({ path: '/' });
    expect(parsePreviewPath('/preview/abc-1/70000/')).toBeNull();
    expect(parsePreviewPath('/style.css')).toBeNull();
  });

  it('offers the TCP ports listened on, once each, and not AF_UNIX paths or connections', () => {
    const table = [
      process(1, [
        { state: 'LISTEN', local: '0.0.0.0:8000', peer: null },
        { state: 'ESTAB', local: '127.0.0.1:8000', peer: '127.0.0.1:40000' },
      ]),
      process(2, [
        { state: 'LISTEN', local: '[::]:8000', peer: null },
        { state: 'LISTEN', local: '127.0.0.1:5000', peer: null },
        { state: 'LISTEN', local: '/tmp/server.sock', peer: null },
        { state: 'UDP', local: '0.0.0.0:9999', peer: null },
      ]),
    ];
    expect(listeningPorts(table)).toEqual([5000, 8000]);
  });

  it('takes only well-formed requests from the relay’s origin, where the program’s pages run', () => {
    const request = {
      token: 't',
      port: 8000,
      method: 'GET',
      target: '/index.html?x=1',
      headers: [['Accept', 'text/html']],
      body: null,
    };
    expect(isPreviewRequest(request)).toBe(true);
    expect(isPreviewRequest({ ...request, body: new ArrayBuffer(2) })).toBe(true);
    for (const bad of [
      { ...request, port: 0 },
      { ...request, port: '8000' },
      { ...request, method: 'GET /x HTTP/1.1\r\nHost: a\r\n\r\nGET' },
      { ...request, target: '/a HTTP/1.1\r\nX: y' },
      { ...request, target: 'http://elsewhere/' },
      { ...request, headers: [['X-A', 'b\r\nX-Injected: 1']] },
      { ...request, headers: [['X-A: b', 'c']] },
      { ...request, body: 'text' },
      null,
      'GET /',
    ]) {
      expect(isPreviewRequest(bad)).toBe(false);
    }
  });
});
