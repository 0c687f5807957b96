/**
 * One Procbox process: a Web Worker with its own CPython (Pyodide). The kernel boots it (from
 * the shared memory snapshot) before it is needed, then hands it a job. Its peer on the kernel
 * side is kernel/worker-host.ts.
 */
import * as Comlink from 'comlink';
import { loadPyodide, type PyodideAPI } from 'pyodide';
import {
  type BootRequest,
  type BootResult,
  type ExecRequest,
  PENDING_INDEX,
  type ProcessRuntimeApi,
  type Syscalls,
} from './protocol/process';
import { type GreenThreads, installGreenThreads } from './runtime/green-threads';
import { makeIpcObserver } from './runtime/ipc-observer';
import { installIpcStreams } from './runtime/ipc-streams';
import { SharedMirrors } from './ipc/mirror';
import type { IpcOpName } from './protocol/ipc';
import { LAYER_DIR, layerFiles } from './runtime/python-layer';
import { lockDown } from './runtime/sandbox';

/** Bytes of output in flight before a printing process waits for the console (a pipe buffer). */
const OUTPUT_HIGH_WATER = 256 * 1024;
/**
 * Writes in flight before a printing process waits. Comlink listens once per pending call, so
 * thousands of pending writes would make every reply's dispatch cost thousands of checks.
 */
const WRITES_IN_FLIGHT = 64;

let pyodide: PyodideAPI | null = null;
let syscalls: Comlink.Remote<Syscalls> | null = null;
let interruptBuffer: Int32Array | null = null;
let threads: GreenThreads | null = null;
let interruptIpcWaits: (() => void) | null = null;

function writeFiles(py: PyodideAPI, files: { path: string; content: string }[]): void {
  for (const { path, content } of files) {
    py.FS.mkdirTree(path.slice(0, path.lastIndexOf('/')) || '/');
    py.FS.writeFile(path, content);
  }
}

/**
 * Output with back-pressure: `write` says whether the writer must wait, and `drained` is what
 * it waits for.
 */
function makeWriter(kernel: Comlink.Remote<Syscalls>) {
  let inFlight = 0;
  let writes = 0;
  let drained: (() => void)[] = [];
  const write = (fd: number, data: Uint8Array): boolean => {
    inFlight += data.length;
    writes += 1;
    void kernel.write(fd, data).then(() => {
      inFlight -= data.length;
      writes -= 1;
      if (inFlight <= OUTPUT_HIGH_WATER / 2 && writes <= WRITES_IN_FLIGHT / 2) {
        for (const resolve of drained) resolve();
        drained = [];
      }
    });
    return inFlight > OUTPUT_HIGH_WATER || writes >= WRITES_IN_FLIGHT;
  };
  const whenDrained = (): Promise<void> =>
    inFlight <= OUTPUT_HIGH_WATER / 2 && writes <= WRITES_IN_FLIGHT / 2
      ? Promise.resolve()
      : new Promise<void>((resolve) => drained.push(resolve));
  return { write, whenDrained };
}

const runtime = {
  async boot(request: BootRequest): Promise<BootResult> {
    const started = performance.now();
    const makeSnapshot = request.snapshot === null;
    const py = await loadPyodide({
      indexURL: request.pyodideIndexURL,
      env: { HOME: '/home/user', PYTHON_COLORS: '0' },
      convertNullToNone: true,
      ...(makeSnapshot ? { _makeSnapshot: true } : { _loadSnapshot: request.snapshot! }),
    });
    writeFiles(py, layerFiles);
    if (makeSnapshot) {
      py.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(LAYER_DIR)})`);
      py.runPython('import procbox.preload');
      const snapshot = py.makeMemorySnapshot();
      return Comlink.transfer({ snapshot, bootMs: performance.now() - started }, [snapshot.buffer]);
    }
    pyodide = py;
    syscalls = Comlink.wrap<Syscalls>(request.syscallPort);
    interruptBuffer = new Int32Array(request.interruptBuffer);
    py.setInterruptBuffer(interruptBuffer);
    return { snapshot: null, bootMs: performance.now() - started };
  },

  async exec(request: ExecRequest): Promise<void> {
    const py = pyodide;
    const kernel = syscalls;
    const signals = interruptBuffer;
    if (!py || !kernel || !signals) throw new Error('exec before boot');
    lockDown();
    const { write, whenDrained } = makeWriter(kernel);
    const heap = (py as unknown as { _module: { HEAPU8: Uint8Array } })._module;
    const mirrors = new SharedMirrors(request.ipc.arena, () => heap.HEAPU8);
    const fence = () => mirrors.fence();
    const observer = makeIpcObserver({
      ipcLabel: (kind, objects) => void kernel.ipcLabel(kind, objects),
      ipcOps: (sentAt, ops) => void kernel.ipcOps(sentAt, ops),
      ipcWaiting: (tid, objects) => void kernel.ipcWaiting(tid, objects),
    });
    const ipc = installIpcStreams(
      py,
      {
        // Reported operations go first: the kernel names their objects only while they live.
        fdClose: (fd) => (observer.flush(), void kernel.fdClose(fd)),
        fdDup: (fd, from) => void kernel.fdDup(fd, from),
      },
      request.ipc,
      request.pid,
      fence,
      observer,
    );
    interruptIpcWaits = ipc.interrupt;
    // What a Python thread can wait for (green.wait_call): each resolves with the kernel's reply.
    const kernelCalls: Record<string, (...args: never[]) => Promise<unknown>> = {
      read: (fd: number, max: number) => kernel.read(fd, max),
      sleep: (ms: number) => kernel.sleep(ms),
      spawn: (
        name: string,
        method: 'fork' | 'spawn',
        payload: Uint8Array,
        passFds: number[],
        sentinelFd: number,
      ) => kernel.spawn({ name, method, payload, passFds, sentinelFd }),
      pipe: (rfd: number, wfd: number) => kernel.pipe(rfd, wfd),
      socketpair: (fd1: number, fd2: number) => kernel.socketpair(fd1, fd2),
      sockCreate: (fd: number, family: number, type: number) => kernel.sockCreate(fd, family, type),
      sockBind: (fd: number, host: string, port: number, reuse: boolean) =>
        kernel.sockBind(fd, { host, port }, reuse),
      sockListen: (fd: number, backlog: number) => kernel.sockListen(fd, backlog),
      sockConnect: (fd: number, host: string, port: number) =>
        kernel.sockConnect(fd, { host, port }),
      sockAccept: (listenerFd: number, fd: number) => kernel.sockAccept(listenerFd, fd),
      // Python's None arrives as undefined: send() on a connected datagram socket.
      sockSendTo: (fd: number, data: Uint8Array, host: string | undefined, port: number) =>
        kernel.sockSendTo(fd, data, host === undefined ? null : { host, port }),
      sockShutdown: (fd: number, how: number) => kernel.sockShutdown(fd, how),
      sockInfo: (fd: number) => kernel.sockInfo(fd),
      semCreate: (value: number, maxvalue: number, name: string | null) =>
        kernel.semCreate(value, maxvalue, name),
      semOpen: (name: string) => kernel.semOpen(name),
      semUnlink: (name: string) => kernel.semUnlink(name),
      ...ipc.calls,
      waitpid: (pid: number, timeoutMs?: number) => kernel.waitpid(pid, timeoutMs ?? null),
      kill: (pid: number, signal: number) => kernel.kill(pid, signal),
      threadStart: () => kernel.threadStart(),
      shmCreate: (size: number) => kernel.shmCreate(size),
      drained: () => whenDrained(),
    };
    // Every kernel call is a synchronisation point for shared memory, before and after.
    const calls = Object.fromEntries(
      Object.entries(kernelCalls).map(([name, call]) => [
        name,
        (...args: never[]) => {
          fence();
          return call(...args).finally(fence);
        },
      ]),
    );
    const green = (threads = installGreenThreads(py, calls, (message) =>
      write(2, new TextEncoder().encode(`procbox: ${message}\n`)),
    ));
    // C-level writes to fds 1 and 2 (os.write) take the same way as sys.stdout.
    py.setStdout({ write: (buffer: Uint8Array) => (void write(1, buffer.slice()), buffer.length) });
    py.setStderr({ write: (buffer: Uint8Array) => (void write(2, buffer.slice()), buffer.length) });
    py.setStdin({ error: true });
    py.FS.mkdirTree(request.cwd);
    writeFiles(
      py,
      request.files.map((f) => ({ path: `${request.cwd}/${f.path}`, content: f.content })),
    );
    py.FS.chdir(request.cwd);
    const job = request.job;
    const bridge = {
      pid: request.pid,
      ppid: request.ppid,
      startMethod: request.startMethod,
      hardwareConcurrency: navigator.hardwareConcurrency,
      job,
      write,
      takeSignals: () => Atomics.exchange(signals, PENDING_INDEX, 0),
      signalsPending: () => Atomics.load(signals, PENDING_INDEX) !== 0,
      exit: (code: number) => {
        fence();
        observer.flush();
        void kernel.exit(code);
      },
      // os._exit: the exit message is already posted; block until the kernel ends this worker.
      halt: () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0),
      threadName: (tid: number, name: string) => void kernel.threadName(tid, name),
      threadExit: (tid: number) => void kernel.threadExit(tid),
      setSwitchInterval: (ms: number) => void kernel.setSwitchInterval(ms),
      semClose: (sem: number) => (observer.flush(), void kernel.semClose(sem)),
      shmMap: (addr: number, at: number, size: number) => mirrors.map(addr, at, size),
      ipcLabel: (kind: string, objects: number[]) => observer.label(kind, objects),
      ipcOp: (op: IpcOpName, tid: number, object: number | string) => observer.op(op, tid, object),
      shmUnmap: (addr: number, at: number) => {
        mirrors.unmap(addr);
        void kernel.shmDetach(at);
      },
      ...ipc.bridge,
      ...green,
    };
    // Called with stack switching but outside any asyncio task: the program's own asyncio.run
    // must find no loop running, as in a fresh CPython.
    const start = py.pyimport('procbox.main').start as {
      callPromising(bridge: unknown): Promise<void>;
    };
    await start.callPromising(bridge);
  },

  signalNotice(): void {
    interruptIpcWaits?.();
    threads?.signalNotice();
  },
} satisfies ProcessRuntimeApi;

/** The kernel's first message carries the control port; nothing else is read from `self`. */
self.addEventListener(
  'message',
  (event: MessageEvent<{ control: MessagePort }>) => Comlink.expose(runtime, event.data.control),
  { once: true },
);
