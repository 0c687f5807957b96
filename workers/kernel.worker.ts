/**
 * The kernel worker: the one owner of process state. The page talks to it through Comlink
 * (src/kernel-client.ts); process workers are its own nested workers (kernel/worker-host.ts).
 */
import * as Comlink from 'comlink';
import type { KernelApi, KernelConfig, KernelObserver } from './protocol/kernel';
import { Kernel } from './kernel/kernel';
import { WorkerHost } from './kernel/worker-host';

let kernel: Kernel | null = null;
let observer: KernelObserver | null = null;
let host: WorkerHost | null = null;
let processLimit = 0;

/** A kernel on the host's workers; once another replaces it, its observer is gone. */
function newKernel(on: WorkerHost): Kernel {
  const made: Kernel = new Kernel(on, { processLimit }, () => (kernel === made ? observer : null));
  return made;
}

function booted(): Kernel {
  if (!kernel) throw new Error('the kernel is not initialised');
  return kernel;
}

const api = {
  async init(config: KernelConfig, ui: KernelObserver) {
    observer = ui;
    host = new WorkerHost({
      pyodideIndexURL: config.pyodideIndexURL,
      warmPoolSize: config.warmPoolSize,
      snapshotCacheURL: config.snapshotCacheURL,
      onSnapshotDamaged: (reason) => void observer?.notice('snapshotDamaged', reason),
      onBootProgress: (progress) => void observer?.bootProgress(progress),
    });
    processLimit = config.processLimit;
    kernel = newKernel(host);
    return host.warm();
  },
  run: (request) => booted().run(request),
  runTool: (argv, background) => booted().runTool(argv, background),
  foreground: async (pid) => booted().foreground(pid),
  stop: async () => booted().stop(),
  writeStdin: (text) => booted().writeStdin(text),
  closeStdin: () => booted().closeStdin(),
  endOfFile: () => booted().endOfFile(),
  resize: (columns, rows) => booted().resize(columns, rows),
  interrupt: () => booted().interrupt(),
  waitIdle: () => booted().waitIdle(),
  async reset() {
    const old = booted();
    old.stop();
    old.dispose();
    kernel = newKernel(host!);
  },
  trace: async () => booted().trace.all(),
  traceSince: async (from) => booted().trace.since(from),
  files: async () => booted().workspace.files(),
  connectOutside: async (port, channel) => booted().outside.connect(port, channel),
} satisfies KernelApi;

Comlink.expose(api);
