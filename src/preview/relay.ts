/**
 * The preview origin's relay page (protocol.ts), a hidden frame of the playground: it registers
 * the service worker, and passes each request the worker takes on to the playground, with the
 * port the answer goes on, so that the answer then flows between them directly.
 *
 * Another page of this origin (a preview page) could reach this frame and make requests through
 * it: those are requests to the program's servers, which that page can make anyway.
 */
import type { PreviewRequest, PreviewShown, PreviewSocketRequest, RelayReady } from './protocol';
import { SERVICE_WORKER_PATH } from './protocol';

const token = new URLSearchParams(location.search).get('token') ?? '';
let playground: MessagePort | null = null;
type Relayed = MessageEvent<PreviewRequest | PreviewSocketRequest | PreviewShown>;
const early: Relayed[] = [];

const forward = ({ data, ports }: Relayed) => {
  if (!playground) return void early.push({ data, ports } as Relayed);
  const body = 'body' in data && data.body instanceof ArrayBuffer ? [data.body] : [];
  playground.postMessage(data, [...ports, ...body]);
};

// The playground's port: the one message this frame takes from its parent.
addEventListener('message', (event: MessageEvent) => {
  if (event.source !== parent || playground || !event.ports[0]) return;
  playground = event.ports[0];
  for (const waiting of early.splice(0)) forward(waiting);
});

navigator.serviceWorker.addEventListener('message', forward);
navigator.serviceWorker.startMessages();

// The dev server serves the worker's source as a module; a build has it under its own name.
const worker = import.meta.env.DEV ? '/src/preview/preview-sw.ts' : SERVICE_WORKER_PATH;
navigator.serviceWorker
  .register(worker, { scope: '/', type: 'module' })
  .then(() => navigator.serviceWorker.ready)
  .then(
    () => parent.postMessage({ relayReady: token } satisfies RelayReady, '*'),
    (error: unknown) => parent.postMessage({ relayFailed: String(error) }, '*'),
  );
