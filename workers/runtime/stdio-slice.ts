/**
 * The stdio slice of the Python layer's boundary (protocol/layer.ts `StdioCalls`,
 * `StdioBridge`): output to the console, and the terminal's input.
 *
 * A write goes into the console ring at once (ipc/console-ring.ts), so it takes its place in
 * the one order of every process's output before the writer does anything else. What does not
 * fit waits here, in order, and the writer waits (`drained`) as on a full pipe; the exit hands
 * the kernel whatever is still here.
 */
import type * as Comlink from 'comlink';
import { consoleWrite, type ConsoleWrite } from '../ipc/console-ring';
import { ringSeq, ringWaitChange } from '../ipc/ring';
import type { LayerSlice, StdioBridge, StdioCalls } from '../protocol/layer';
import type { Syscalls } from '../protocol/process';
import type { ArenaAccess } from './kernel-fds';
import { MAX_WAIT_MS } from './waits';

export interface StdioSlice extends LayerSlice<StdioCalls, StdioBridge> {
  /** C-level writes to fds 1 and 2 (Pyodide's stdout and stderr hooks). */
  writeBytes(fd: number, data: Uint8Array, tid?: number): boolean;
  /** Output the ring has had no room for yet, in order; taken (emptied) by the exit. */
  takeUnwritten(): Pick<ConsoleWrite, 'fd' | 'data'>[];
}

/** A latin-1 string's bytes (what `StdioBridge.write` is given). */
export function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

export function stdioSlice(
  kernel: Comlink.Remote<Syscalls>,
  arena: ArenaAccess,
  ring: number,
): StdioSlice {
  const { words, bytes, pid } = arena;
  let waiting: Pick<ConsoleWrite, 'fd' | 'data' | 'tid'>[] = [];
  const drained: (() => void)[] = [];
  let retrying = false;
  const put = (fd: number, data: Uint8Array, tid: number) =>
    consoleWrite(words, bytes, ring, pid, fd, data, tid);

  /** Puts the waiting output in as the kernel makes room. */
  async function retry(): Promise<void> {
    if (retrying) return;
    retrying = true;
    while (waiting.length > 0) {
      const seq = ringSeq(words, ring);
      const first = waiting[0];
      const taken = put(first.fd, first.data, first.tid);
      if (taken === first.data.length) waiting.shift();
      else {
        first.data = first.data.subarray(taken);
        await ringWaitChange(words, ring, seq, MAX_WAIT_MS);
      }
    }
    retrying = false;
    for (const resolve of drained.splice(0)) resolve();
  }

  /** `tid`: the thread that writes; C-level writes, and those from outside any thread (0),
   * are the process's. */
  function writeBytes(fd: number, data: Uint8Array, tid?: number): boolean {
    tid ||= pid;
    if (waiting.length === 0) {
      const taken = put(fd, data, tid);
      if (taken === data.length) return false;
      data = data.subarray(taken);
    }
    waiting.push({ fd, data, tid });
    void retry();
    return true;
  }

  return {
    calls: {
      read: (fd, max) => kernel.read(fd, max),
      drained: () =>
        waiting.length === 0
          ? Promise.resolve()
          : new Promise<void>((resolve) => drained.push(resolve)),
    },
    bridge: {
      write: (fd, bytes, tid) => writeBytes(fd, latin1Bytes(bytes), tid),
    },
    writeBytes,
    takeUnwritten() {
      const rest = waiting.map(({ fd, data }) => ({ fd, data }));
      waiting = [];
      return rest;
    },
  };
}
