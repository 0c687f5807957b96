/**
 * HTTP headers Procbox needs, shared by the dev server, the preview server and the service worker
 * that adds them on static hosts which cannot set headers.
 */

/** Cross-origin isolation: SharedArrayBuffer and Atomics.wait need `crossOriginIsolated`. */
export const isolationHeaders: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * embed.html runs inside other sites' pages, which are not cross-origin isolated, and a frame
 * is isolated only if its parent is, except under Document-Isolation-Policy (Chromium), which
 * isolates the frame and its workers on their own. Any site may frame it.
 */
export const EMBED_PATH = '/embed.html';
export const embedHeaders: Record<string, string> = {
  'Document-Isolation-Policy': 'isolate-and-require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

/**
 * The process worker runs untrusted Python. Its own CSP allows loading Procbox's same-origin
 * scripts and Pyodide's files, and nothing else: no other origin, no eval.
 */
export const PROCESS_WORKER_CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; worker-src 'none'";

/**
 * The preview origin (src/preview/protocol.ts) serves the relay frame that the playground embeds
 * across origins, and the service worker that takes the whole origin.
 */
export const previewOriginHeaders: Record<string, string> = {
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'Service-Worker-Allowed': '/',
};
