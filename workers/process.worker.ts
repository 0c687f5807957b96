/**
 * One Procbox process: a Web Worker with its own CPython (Pyodide). The kernel boots it (from
 * the shared memory snapshot) before it is needed, then hands it a job. Its peer on the kernel
 * side is kernel/worker-host.ts.
 */
import * as Comlink from 'comlink';
import { loadPyodide, type PyodideAPI } from 'pyodide';
import type {
  BootRequest,
  BootResult,
  ExecRequest,
  ProcessRuntimeApi,
  Syscalls,
} from './protocol/process';
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

function writeFiles(py: PyodideAPI, files: { path: string; content: string }[]): void {
  for (const { path, content } of files) {
    py.FS.mkdirTree(path.slice(0, path.lastIndexOf('/')) || '/');
    py.FS.writeFile(path, content);
  }
}

/** Output with back-pressure: returns a promise to wait on only when too much is in flight. */
function makeWriter(
  kernel: Comlink.Remote<Syscalls>,
  settle: (promise: Promise<void>) => Promise<void>,
) {
  let inFlight = 0;
  let writes = 0;
  let drained: (() => void)[] = [];
  return (fd: number, data: Uint8Array): Promise<void> | undefined => {
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
    if (inFlight <= OUTPUT_HIGH_WATER && writes < WRITES_IN_FLIGHT) return undefined;
    return settle(new Promise((resolve) => drained.push(resolve)));
  };
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
    // A signal that arrives while Python is suspended must not be seen by Pyodide's eval breaker
    // in the event-loop callback that resumes the call: before any Python resumes, move it out
    // of the interrupt buffer; the layer's check_signals() then raises it in the caller's stack.
    let takenSignal = 0;
    const settle = <P extends PromiseLike<unknown>>(promise: P): Promise<Awaited<P>> =>
      Promise.resolve(promise).then((result) => {
        takenSignal ||= Atomics.exchange(signals, 0, 0);
        return result;
      });
    const takeSignal = () => {
      const signal = takenSignal || Atomics.exchange(signals, 0, 0);
      takenSignal = 0;
      return signal;
    };
    const write = makeWriter(kernel, settle);
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
    py.registerJsModule('_procbox_js', {
      pid: request.pid,
      ppid: request.ppid,
      startMethod: request.startMethod,
      hardwareConcurrency: navigator.hardwareConcurrency,
      job,
      write,
      takeSignal,
      read: (fd: number, max: number) => settle(kernel.read(fd, max)),
      sleep: (ms: number) => settle(kernel.sleep(ms)),
      spawn: (name: string, method: 'fork' | 'spawn', payload: Uint8Array) =>
        settle(kernel.spawn({ name, method, payload })),
      waitpid: (pid: number, timeoutMs?: number) => settle(kernel.waitpid(pid, timeoutMs ?? null)),
      kill: (pid: number, signal: number) => settle(kernel.kill(pid, signal)),
      exit: (code: number) => void kernel.exit(code),
    });
    await py.runPythonAsync('import _procbox_js, procbox.main\nprocbox.main.start(_procbox_js)');
  },
} satisfies ProcessRuntimeApi;

/** The kernel's first message carries the control port; nothing else is read from `self`. */
self.addEventListener(
  'message',
  (event: MessageEvent<{ control: MessagePort }>) => Comlink.expose(runtime, event.data.control),
  { once: true },
);
