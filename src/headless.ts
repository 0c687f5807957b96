/**
 * The page behind `procbox run` and the fidelity tests: no editor, no console, just the kernel.
 * The driver (Playwright) exposes `procboxOutput`, `procboxProcesses` and `procboxNotice`, then
 * calls `window.procboxHeadless.run(...)`.
 */
import type {
  KernelNoticeKey,
  OutputChunk,
  ProcessInfo,
  RunRequest,
  TraceEvent,
} from '../workers/protocol/kernel';
import { ensureIsolated } from './isolation';
import { connectKernel } from './kernel-client';

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
  trace(): Promise<TraceEvent[]>;
  processes(): ProcessInfo[];
}

let table: ProcessInfo[] = [];
const tableListeners: (() => void)[] = [];

const connecting = ensureIsolated().then(() =>
  connectKernel({
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
const ready = connecting.then(() => undefined);

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
    const kernel = await connecting;
    const pids = await kernel.run(request);
    const last = pids.at(-1);
    return last === undefined ? 1 : exitOf(last);
  },
  stop: async () => (await connecting).stop(),
  writeStdin: (text) => void connecting.then((k) => k.writeStdin(text)),
  closeStdin: () => void connecting.then((k) => k.closeStdin()),
  interrupt: () => void connecting.then((k) => k.interrupt()),
  waitIdle: async () => (await connecting).waitIdle(),
  trace: async () => (await connecting).trace(),
  processes: () => table,
};
