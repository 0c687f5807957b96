/**
 * The process slice of the Python layer's boundary (protocol/layer.ts `ProcessCalls`,
 * `ProcessBridge`): who this process is, its children, signals, sleeping and exiting.
 */
import * as Comlink from 'comlink';
import { COLUMNS_INDEX, Errno, PENDING_INDEX, ROWS_INDEX, STDIO_FILE } from '../protocol/constants';
import type { LayerSlice, ProcessBridge, ProcessCalls } from '../protocol/layer';
import type { StartMethod } from '../protocol/common';
import type { InheritedFile } from '../protocol/fs';
import type { ExecRequest, ForkState, Syscalls } from '../protocol/process';
import { freeForkSlot } from '../ipc/fork-area';

export function processSlice(
  kernel: Comlink.Remote<Syscalls>,
  request: ExecRequest,
  /** The interrupt buffer: the kernel sets pending signals' bits there. */
  signals: Int32Array,
  /** Runs before the exit is reported: what must reach the kernel first (shared memory, the
   * trace's last operations); returns the output still waiting for the console ring. */
  beforeExit: () => { fd: number; data: Uint8Array }[],
  /** What a child takes along: the working directory, and (fork) the open volume files. */
  inheritance: (method: StartMethod) => { cwd: string; files: InheritedFile[] },
  /** A command's standard streams (this process's fds, or STDIO_*) that are volume files,
   * lent at the child's numbers; null when one is neither a kernel pipe nor a volume file. */
  standardFiles: (stdio: number[]) => InheritedFile[] | null,
  /** fork(2)'s copy of this process (runtime/fork-image.ts). */
  forkCapture: () => { heap: Uint8Array; state: ForkState },
): LayerSlice<ProcessCalls, ProcessBridge> {
  let forked: { heap: Uint8Array; state: ForkState } | null = null;
  /** A copy that was never sent (its fork failed in Python) gives its fork-area slot back. */
  const dropUnsent = () => {
    if (forked?.state.imageSlot) freeForkSlot(request.ipc.forkSlots, forked.state.imageSlot);
    forked = null;
  };
  return {
    calls: {
      sleep: (ms) => kernel.sleep(ms),
      async spawn(name, method, payload, passFds, sentinelFd) {
        if (method === 'fork') {
          if (!forked) return { errno: Errno.EINVAL };
          const { heap, state } = forked;
          forked = null;
          const taken = inheritance(method);
          const request = { name, method, payload: heap, fork: state, passFds, sentinelFd };
          return kernel.spawn(Comlink.transfer({ ...request, ...taken }, [heap.buffer]));
        }
        const taken = inheritance(method);
        return kernel.spawn({ name, method, payload, passFds, sentinelFd, ...taken });
      },
      async command(argv, env, cwd, passFds, newSession, stdio) {
        const files = standardFiles(stdio);
        if (files === null) return { errno: Errno.EOPNOTSUPP };
        const lent = new Set(files.map((file) => file.fd));
        const streams = stdio.map((source, fd) => (lent.has(fd) ? STDIO_FILE : source));
        return kernel.spawn({
          name: argv.join(' '),
          method: 'spawn',
          payload: new Uint8Array(0),
          passFds,
          sentinelFd: null,
          cwd,
          files,
          command: {
            argv,
            env: env ?? null,
            newSession,
            stdio: streams as [number, number, number],
          },
        });
      },
      async exec(argv, env, cwd, passFds, stdio) {
        const files = standardFiles(stdio);
        if (files === null) return { errno: Errno.EOPNOTSUPP };
        const lent = new Set(files.map((file) => file.fd));
        const streams = stdio.map((source, fd) => (lent.has(fd) ? STDIO_FILE : source));
        // From here this program is over: what it holds goes as at its exit, but its pid,
        // its kernel descriptors and the files lent above live on in the new one.
        const unwritten = beforeExit();
        void kernel.exec({
          argv,
          env: env ?? null,
          cwd,
          passFds,
          stdio: streams as [number, number, number],
          files,
          unwritten,
        });
        return new Promise<never>(() => {}); // the kernel ends this worker
      },
      // Python's None (wait without end) arrives as undefined.
      waitpid: (pid, timeoutMs) => kernel.waitpid(pid, timeoutMs ?? null),
      kill: (pid, signal) => kernel.kill(pid, signal),
      processes: () => kernel.processes(),
      sigaction: (signal, disposition) => kernel.sigaction(signal, disposition),
      sigmask: (how, mask) => kernel.sigmask(how, mask),
      sigpending: () => kernel.sigpending(),
      sigwait: (mask) => kernel.sigwait(mask),
      pause: () => kernel.pause(),
      setitimer: (which, value, interval) => kernel.setitimer(which, value, interval),
      getitimer: (which) => kernel.getitimer(which),
    },
    bridge: {
      pid: request.pid,
      ppid: request.ppid,
      startMethod: request.startMethod,
      hardwareConcurrency: navigator.hardwareConcurrency,
      job: request.job,
      takeSignals: () => Atomics.exchange(signals, PENDING_INDEX, 0),
      sigactionPosted: (signal, disposition) => void kernel.sigaction(signal, disposition),
      signalsPending: () => Atomics.load(signals, PENDING_INDEX) !== 0,
      isatty: (fd) => request.isatty[fd] === true,
      terminalSize: () => [Atomics.load(signals, COLUMNS_INDEX), Atomics.load(signals, ROWS_INDEX)],
      forkCapture() {
        dropUnsent();
        forked = forkCapture();
      },
      exit(code) {
        dropUnsent();
        void kernel.exit(code, beforeExit());
      },
      // The exit message is already posted; block until the kernel ends this worker.
      halt: () => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0),
    },
  };
}
