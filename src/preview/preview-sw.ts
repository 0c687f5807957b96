/// <reference lib="webworker" />
/**
 * The preview origin's service worker (protocol.ts): every request of a preview frame goes to
 * the playground that asked for the preview, as a TCP connection to the program's server, and
 * the answer streams back. It keeps no state that matters: a worker stopped while idle and
 * started again finds the relay anew for each request.
 */
import { injectPageScript } from './inject';
import {
  parsePreviewPath,
  type PreviewAnswer,
  previewPrefix,
  type PreviewPull,
  type PreviewRequest,
  type PreviewShown,
  type PreviewSocketRequest,
  RELAY_PATH,
  SERVICE_WORKER_PATH,
  type SocketToPage,
  PAGE_SCRIPT_PATH,
} from './protocol';
import { installPageScript } from './page-script';

declare const self: ServiceWorkerGlobalScope;

/** What a preview page may reach: its own origin (this worker), and nothing on the network.
 * The page is cross-origin isolated with the playground (COEP), and embeddable there. */
const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:; connect-src 'self'",
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};
/** Headers of the server's answer a browser must not be given as they are. */
const DROPPED = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-security-policy',
  'cross-origin-embedder-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
]);
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** Documents opened by a form posted to a path outside their preview: the preview they are of. */
const prefixOfClient = new Map<string, string>();

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  if ([RELAY_PATH, SERVICE_WORKER_PATH].includes(url.pathname)) return;
  if (url.pathname === PAGE_SCRIPT_PATH) return event.respondWith(pageScript());
  event.respondWith(answer(event, url));
});

// From a preview page's script (page-script.ts): a WebSocket, whose port goes to the playground
// as a request's does; or which page the preview frame shows.
self.addEventListener('message', (event) => {
  const data = event.data as Partial<PreviewSocketRequest & PreviewShown> | null;
  const port = event.ports[0];
  const token = data?.socket?.token ?? data?.shown?.token;
  if (typeof token !== 'string') return port?.close();
  event.waitUntil(
    relayFor(token).then((relay) => {
      if (relay) return relay.postMessage(data, port ? [port] : []);
      if (!port) return;
      const failed: SocketToPage = {
        closed: { code: 1006, reason: '', wasClean: false, failed: true },
      };
      port.postMessage(failed);
      port.close();
    }),
  );
});

function pageScript(): Response {
  return new Response(`(${installPageScript.toString()})();`, {
    headers: { ...PAGE_HEADERS, 'Content-Type': 'text/javascript; charset=utf-8' },
  });
}

/** The relay frame of the playground page that made `token`'s previews, if it is open. */
async function relayFor(token: string): Promise<Client | undefined> {
  const relays = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  return relays.find((client) => {
    const at = new URL(client.url);
    return at.pathname === RELAY_PATH && at.searchParams.get('token') === token;
  });
}

async function answer(event: FetchEvent, url: URL): Promise<Response> {
  const request = event.request;
  let target = parsePreviewPath(url.pathname);
  if (!target) {
    // An absolute path in a preview page (`/style.css`): the server of the page it is in.
    const prefix = await prefixOf(event);
    const within = prefix ? parsePreviewPath(prefix + url.pathname) : null;
    if (!prefix || !within) return fetch(request); // the relay's own files
    if (request.mode === 'navigate' && request.method === 'GET') {
      // Embedded under the playground's COEP, a redirect needs the page's headers too.
      const headers = { ...PAGE_HEADERS, Location: prefix + url.pathname + url.search };
      return new Response(null, { status: 302, headers });
    }
    if (request.mode === 'navigate') prefixOfClient.set(event.resultingClientId, prefix);
    target = within;
  }
  const relay = await relayFor(target.token);
  if (!relay) {
    return page(
      503,
      'The playground that opened this preview is closed. / 打开此预览的练习场已关闭。',
    );
  }
  const body = ['GET', 'HEAD'].includes(request.method) ? null : await request.arrayBuffer();
  const message: PreviewRequest = {
    token: target.token,
    port: target.port,
    method: request.method,
    target: target.path + url.search,
    headers: [...request.headers],
    body,
  };
  const channel = new MessageChannel();
  relay.postMessage(message, [channel.port2, ...(body ? [body] : [])]);
  return streamed(channel.port1, request.method === 'HEAD', target.token);
}

/** The answer as a Response, resolved with its head; its body streams as the frame reads. */
function streamed(port: MessagePort, head: boolean, token: string): Promise<Response> {
  return new Promise((resolve) => {
    let body: ReadableStreamDefaultController<Uint8Array> | null = null;
    let unread = 0;
    const pull = (message: PreviewPull) => port.postMessage(message);
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => void (body = controller),
      pull: () => {
        if (unread > 0) pull({ read: unread });
        unread = 0;
      },
      cancel: () => {
        pull({ cancel: true });
        port.close();
      },
    });
    port.onmessage = ({ data }: MessageEvent<PreviewAnswer>) => {
      if ('head' in data) {
        const { status, statusText, headers } = data.head;
        const out = new Headers(PAGE_HEADERS);
        for (const [name, value] of headers) {
          if (DROPPED.has(name.toLowerCase())) continue;
          try {
            out.append(name, name.toLowerCase() === 'location' ? relocate(value, token) : value);
          } catch {
            // a header no Response may carry
          }
        }
        const empty = head || NULL_BODY.has(status);
        // An HTML page gets the preview's WebSocket first (inject.ts).
        const type = out.get('Content-Type');
        const html = (type === null || /^text\/html/i.test(type)) && !out.has('Content-Encoding');
        const body = html ? stream.pipeThrough(injectPageScript(type === null)) : stream;
        resolve(
          new Response(empty ? null : body, {
            status: Math.min(Math.max(status, 200), 599),
            statusText,
            headers: out,
          }),
        );
      } else if ('data' in data) {
        body?.enqueue(data.data);
        unread += data.data.length;
      } else {
        if ('end' in data) body?.close();
        else body?.error(new Error('the server went away'));
        port.close();
      }
    };
  });
}

/** A redirect to the server's own address or path stays within its preview. */
function relocate(location: string, token: string): string {
  const absolute =
    /^https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]|0\.0\.0\.0)(?::(\d+))?(\/.*)?$/i.exec(location);
  if (absolute) return previewPrefix(token, Number(absolute[1] ?? 80)) + (absolute[2] ?? '/');
  return location; // a relative one resolves within the preview already
}

/** The preview the request's page is of: from the page itself, or the page that linked here. */
async function prefixOf(event: FetchEvent): Promise<string | null> {
  const ofPath = (href: string | undefined) => {
    if (!href) return null;
    const url = new URL(href, self.location.origin);
    if (url.origin !== self.location.origin) return null;
    const target = parsePreviewPath(url.pathname);
    return target ? previewPrefix(target.token, target.port) : null;
  };
  const client = event.clientId ? await self.clients.get(event.clientId) : undefined;
  return (
    ofPath(client?.url) ??
    (event.clientId ? prefixOfClient.get(event.clientId) : undefined) ??
    ofPath(event.request.referrer)
  );
}

function page(status: number, text: string): Response {
  const html = `<!doctype html><meta charset="utf-8"><p>${text}</p>`;
  return new Response(html, {
    status,
    headers: { ...PAGE_HEADERS, 'Content-Type': 'text/html; charset=utf-8' },
  });
}
