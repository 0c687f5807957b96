/** The page's side of the UI ↔ kernel boundary (workers/kernel.worker.ts is the other). */
import * as Comlink from 'comlink';
import {
  DEFAULT_PROCESS_LIMIT,
  type KernelApi,
  type KernelObserver,
} from '../workers/protocol/kernel';

export type Kernel = Comlink.Remote<KernelApi>;

/** Starts the kernel worker; it begins booting Python (snapshot, warm pool) at once. */
export async function connectKernel(observer: KernelObserver): Promise<Kernel> {
  const worker = new Worker(new URL('../workers/kernel.worker.ts', import.meta.url), {
    type: 'module',
    name: 'procbox-kernel',
  });
  const kernel = Comlink.wrap<KernelApi>(worker);
  await kernel.init(
    {
      pyodideIndexURL: new URL('pyodide/', document.baseURI).href,
      warmPoolSize: 2,
      processLimit: DEFAULT_PROCESS_LIMIT,
    },
    Comlink.proxy(observer),
  );
  return kernel;
}
