/**
 * The Preview's boundary (issue 23). Pages a program serves are shown from a second origin of
 * the same site (the preview origin: the same host, another port), so that they can read
 * nothing of the playground's (its saved files, lesson progress, storage) and cannot act on its
 * page. There, a service worker (preview-sw.ts) takes every request of the preview frame and
 * sends it, through a relay frame of that origin (relay.ts), to the playground page, which
 * makes it a TCP connection into the kernel's network (broker.ts) and streams the answer back.
 *
 * Service worker → relay → playground: a `PreviewRequest`, with the port the answer goes on.
 * On that port the playground sends `PreviewAnswer`s and the service worker `PreviewPull`s.
 *
 * A service worker never sees WebSocket, so the worker puts a small script first in every HTML
 * page (page-script.ts): its `WebSocket` posts a `PreviewSocketRequest` with a port to the
 * worker, which passes it on the same way. The script also says which page the preview frame
 * shows (`PreviewShown`), so the address bar follows the links clicked there. On that port the page sends `SocketToServer`s and
 * the playground, speaking RFC 6455 to the server (websocket-session.ts), `SocketToPage`s.
 */

/** Where the preview origin serves its own files (everything else there is the program's). */
export const RELAY_PATH = '/preview-relay.html';
export const SERVICE_WORKER_PATH = '/preview-sw.js';
/** The script the service worker serves itself and puts first in every HTML page
 * (page-script.ts): the page's WebSocket, and where the preview frame is now. */
export const PAGE_SCRIPT_PATH = '/preview-page.js';

/** One request of the preview frame, for the server on `port`. */
export interface PreviewRequest {
  /** Which playground page asked for the preview (a page has its own kernel). */
  token: string;
  port: number;
  method: string;
  /** Path and query. */
  target: string;
  headers: [string, string][];
  body: ArrayBuffer | null;
}

export interface PreviewHead {
  status: number;
  statusText: string;
  headers: [string, string][];
}

/** The playground to the service worker: the head, the body as it comes, then its end. */
export type PreviewAnswer =
  | { head: PreviewHead }
  | { data: Uint8Array }
  | { end: true }
  /** Cut short after the head (the server went away mid-body). */
  | { broken: true };

/** The service worker to the playground: bytes taken by the frame (more may come), or the
 * frame does not want the rest. */
export type PreviewPull = { read: number } | { cancel: true };

/** A preview page's `new WebSocket(url)`, for the server on `port`. */
export interface PreviewSocketRequest {
  socket: {
    token: string;
    port: number;
    /** Path and query, as the handshake asks for them. */
    target: string;
    /** `Sec-WebSocket-Protocol`s asked for, in order. */
    protocols: string[];
    /** The port of the server whose page this is (the handshake's `Origin`). */
    pagePort: number;
  };
}

/** The preview frame (not a page in a tab of its own) shows `path` of `port`'s server. */
export interface PreviewShown {
  shown: { token: string; port: number; path: string };
}

/** The page's WebSocket to the playground. `close` without `code`: no status (1005). */
export type SocketToServer =
  { text: string } | { binary: ArrayBuffer } | { close: { code?: number; reason: string } };

/** The playground to the page's WebSocket. `sent`: bytes gone to the server (bufferedAmount).
 * `closed.failed`: the connection failed (the page gets `error` before `close`). */
export type SocketToPage =
  | { open: { protocol: string; extensions: string } }
  | { message: string | ArrayBuffer }
  | { sent: number }
  | { closed: { code: number; reason: string; wasClean: boolean; failed: boolean } };

/** The relay to the playground page: registered and ready for requests. */
export interface RelayReady {
  relayReady: string;
}

/** `/preview/<token>/<port>/`: where the preview of `port` begins, in the preview origin. */
export function previewPrefix(token: string, port: number): string {
  return `/preview/${token}/${port}`;
}

/** The token, the port and the server's own path of a preview origin's path, if it is one. */
export function parsePreviewPath(
  pathname: string,
): { token: string; port: number; path: string } | null {
  const match = /^\/preview\/([A-Za-z0-9_-]+)\/(\d{1,5})(\/.*)?$/.exec(pathname);
  if (!match) return null;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return null;
  return { token: match[1], port, path: match[3] ?? '/' };
}

/** The preview origin's port beside a playground's own (the dev and preview servers serve
 * both; vite.config.ts): a few ports up, clear of the next one, which vite takes when its own is
 * busy. */
export const PREVIEW_PORT_OFFSET = 10;

/** The preview origin for a playground at `location`: the same host, PREVIEW_PORT_OFFSET ports
 * up; or one set for the build (where a static host serves the preview files). Null: none. */
export function previewOrigin(
  location: { protocol: string; hostname: string; port: string },
  configured?: string,
): string | null {
  if (configured) return configured.replace(/\/$/, '');
  if (!location.port) return null; // a default port: another one is not ours to guess
  return `${location.protocol}//${location.hostname}:${Number(location.port) + PREVIEW_PORT_OFFSET}`;
}
