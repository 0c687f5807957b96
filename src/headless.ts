/**
 * The page behind `procbox run` and the fidelity tests: no editor, no console, just the kernel.
 * The driver (Playwright) exposes `procboxOutput`, `procboxProcesses` and `procboxNotice`, then
 * calls `window.procboxHeadless.run(...)`.
 */
import * as Comlink from 'comlink';
import { DEFAULT_PROCESS_LIMIT } from '../workers/protocol/kernel';
import type {
  KernelApi,
  KernelNoticeKey,
  OutputChunk,
  ProcessInfo,
  RunRequest,
} from '../workers/protocol/kernel';

declare global {
  interface Window {
    procboxOutput?: (chunks: OutputChunk[]) => Promise<void>;
    procboxProcesses?: (table: ProcessInfo[]) => void;
    procboxNotice?: (key: KernelNoticeKey, detail: string) => void;
    procboxHeadless: HeadlessRunner;
  }
}

export interface HeadlessRunner {
  ready: Promise<void>;
  /** Runs and resolves with the exit code of the last entry, once it has exited. */
  run(request: RunRequest): Promise<number>;
  stop(): Promise<void>;
  writeStdin(text: string): void;
  closeStdin(): void;
  interrupt(): void;
  waitIdle(): Promise<void>;
}

const worker = new Worker(new URL('../workers/kernel.worker.ts', import.meta.url), {
  type: 'module',
  name: 'procbox-kernel',
});
const kernel = Comlink.wrap<KernelApi>(worker);
let table: ProcessInfo[] = [];
const tableListeners: (() => void)[] = [];

const ready = kernel.init(
  {
    pyodideIndexURL: new URL('pyodide/', document.baseURI).href,
    warmPoolSize: 2,
    processLimit: DEFAULT_PROCESS_LIMIT,
  },
  Comlink.proxy({
    output: async (chunks: OutputChunk[]) => {
      await window.procboxOutput?.(chunks);
    },
    processes: (next: ProcessInfo[]) => {
      table = next;
      window.procboxProcesses?.(next);
      tableListeners.splice(0).forEach((listener) => listener());
    },
    notice: (key: KernelNoticeKey, detail: string) => window.procboxNotice?.(key, detail),
  }),
);

function exitOf(pid: number): Promise<number> {
  return new Promise((resolve) => {
    const check = () => {
      const code = table.find((p) => p.pid === pid)?.exitCode;
      if (code !== undefined && code !== null) resolve(code);
      else tableListeners.push(check);
    };
    check();
  });
}

window.procboxHeadless = {
  ready,
  async run(request) {
    await ready;
    const pids = await kernel.run(request);
    const last = pids.at(-1);
    return last === undefined ? 1 : exitOf(last);
  },
  stop: () => kernel.stop(),
  writeStdin: (text) => void kernel.writeStdin(text),
  closeStdin: () => void kernel.closeStdin(),
  interrupt: () => void kernel.interrupt(),
  waitIdle: () => kernel.waitIdle(),
};
