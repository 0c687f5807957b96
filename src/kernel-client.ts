/** The page's side of the UI ↔ kernel boundary (workers/kernel.worker.ts is the other). */
import * as Comlink from 'comlink';
import { DEFAULT_PROCESS_LIMIT } from '../workers/protocol/constants';
import type {
  BootReport,
  KernelApi,
  KernelConfig,
  KernelObserver,
} from '../workers/protocol/kernel';

export type Kernel = Comlink.Remote<KernelApi>;

/** Processes a quarter of the device's memory holds, at 32 MiB each (see DEFAULT_PROCESS_LIMIT);
 * `deviceMemory` is GiB, rounded and capped at 8 by the browser, and absent outside Chromium. */
export function processLimitFor(deviceMemoryGiB: number | undefined): number {
  if (!deviceMemoryGiB) return DEFAULT_PROCESS_LIMIT;
  return Math.max(16, Math.min(DEFAULT_PROCESS_LIMIT, Math.floor(deviceMemoryGiB * 8)));
}

export function kernelConfig(): KernelConfig {
  return {
    pyodideIndexURL: new URL('pyodide/', document.baseURI).href,
    warmPoolSize: 2,
    processLimit: processLimitFor((navigator as { deviceMemory?: number }).deviceMemory),
    // The CLI's page (bin/driver.mjs) names the cache folder its server serves.
    snapshotCacheURL: new URL(location.href).searchParams.get('snapshotCache'),
  };
}

/**
 * Starts the kernel worker; it begins booting Python (snapshot, warm pool) at once. Rejects if
 * the worker's script fails to load or `init` throws, instead of waiting forever.
 */
export async function connectKernel(
  observer: KernelObserver,
  onCrash?: (message: string) => void,
  onBooted?: (report: BootReport) => void,
): Promise<Kernel> {
  const worker = new Worker(new URL('../workers/kernel.worker.ts', import.meta.url), {
    type: 'module',
    name: 'procbox-kernel',
  });
  let booted = false;
  let fail: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const onError = (event: Event) => {
    const message = event instanceof ErrorEvent && event.message ? event.message : event.type;
    if (booted) onCrash?.(message);
    else fail(new Error(`the kernel worker failed: ${message}`));
  };
  worker.addEventListener('error', onError);
  worker.addEventListener('messageerror', onError);
  const kernel = Comlink.wrap<KernelApi>(worker);
  try {
    const report = await Promise.race([
      kernel.init(kernelConfig(), Comlink.proxy(observer)),
      failed,
    ]);
    onBooted?.(report);
  } catch (error) {
    worker.terminate();
    throw error;
  }
  booted = true;
  return kernel;
}
