/**
 * One Procbox process: a Web Worker with its own CPython (Pyodide). The kernel boots it (from
 * the shared memory snapshot) before it is needed, then hands it a job. Its peer on the kernel
 * side is kernel/worker-host.ts.
 */
import * as Comlink from 'comlink';
import { loadPyodide, type PyodideAPI } from 'pyodide';
import { Signal } from './protocol/constants';
import type { LayerBridge, LayerCalls } from './protocol/layer';
import type {
  BootRequest,
  BootResult,
  ExecRequest,
  ForkSlot,
  ProcessRuntimeApi,
  Syscalls,
} from './protocol/process';
import { type ForkArea, claimForkSlot, forkSlotBytes, freeForkSlot } from './ipc/fork-area';
import { SharedMirrors } from './ipc/mirror';
import { type GreenThreads, installGreenThreads } from './runtime/green-threads';
import { ipcSlice } from './runtime/ipc-slice';
import { makeIpcObserver } from './runtime/ipc-observer';
import { makeQuietWatch } from './runtime/quiet-watch';
import { installKernelFds } from './runtime/kernel-fds';
import { netSlice } from './runtime/net-slice';
import { processSlice } from './runtime/process-slice';
import { LAYER_DIR, writeLayerFiles } from './runtime/python-layer';
import { mountVolume } from './runtime/fs-mount';
import { FileMappings, type WasmHeap } from './runtime/file-mappings';
import { fileSlice } from './runtime/file-slice';
import { Volume } from './fs/volume';
import { Descriptions } from './fs/descriptions';
import { lockDown } from './runtime/sandbox';
import {
  afterForkChild,
  bootRefs,
  captureImage,
  changedSinceSnapshot,
  type ForkableModule,
  prepareForkFunctions,
  restoreImage,
  type SnapshotBase,
} from './runtime/fork-image';
import { stdioSlice } from './runtime/stdio-slice';
import { zeroFreeChunks } from './runtime/free-chunks';
import { withCompiledPyodide } from './runtime/shared-wasm';
import { type StdlibFs, withSharedStdlib } from './runtime/shared-stdlib';
import { encodePacked, memoryOffset, packPages } from './runtime/sparse-copy';
import { withSharedSnapshot } from './runtime/snapshot-restore';
import { closeWaiter } from './runtime/close-wait';
import { plainCalls } from './runtime/plain-calls';
import { InterruptibleWaits } from './runtime/waits';

let pyodide: PyodideAPI | null = null;
let syscalls: Comlink.Remote<Syscalls> | null = null;
/** The port `syscalls` wraps: `netNow` calls go on it unwrapped (protocol/net.ts). */
let syscallPort: MessagePort | null = null;
let interruptBuffer: Int32Array | null = null;
let threads: GreenThreads | null = null;
/** Pyodide's JavaScript references as boot left them: a forked child has its own of these. */
let booted: unknown[] = [];
/** The snapshot this process booted from: its fork images leave out what is still the same. */
let snapshotBase: SnapshotBase | null = null;
/** Where fork images wait, after that snapshot in its memory (ipc/fork-area.ts). */
let forkArea: ForkArea | null = null;
/** Its pages that differ from that snapshot when its boot ended (fork-image.ts). */
let changedPages: Uint8Array | null = null;
const waits = new InterruptibleWaits();

function forkable(py: PyodideAPI): ForkableModule & WasmHeap {
  return (py as unknown as { _module: ForkableModule & WasmHeap })._module;
}

/** Every kernel call is a synchronisation point for shared memory, before and after. */
function fenced(calls: LayerCalls, fence: () => void): LayerCalls {
  const wrapped: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const [name, call] of Object.entries(calls) as [
    string,
    (...a: unknown[]) => Promise<unknown>,
  ][]) {
    wrapped[name] = (...args) => {
      fence();
      return call(...args).finally(fence);
    };
  }
  return wrapped as unknown as LayerCalls;
}

const runtime = {
  async boot(request: BootRequest): Promise<BootResult> {
    const started = performance.now();
    const makeSnapshot = request.snapshot === null;
    const shared = request.snapshot;
    const snapshotBytes =
      shared && new Uint8Array(shared.memory.buffer, shared.start, shared.length);
    const { loaded: py, written } = await withCompiledPyodide(request.wasm, () =>
      withSharedStdlib(
        request.stdlib,
        () =>
          withSharedSnapshot(snapshotBytes, request.writtenBeforeRestore, (snapshot) =>
            loadPyodide({
              indexURL: request.pyodideIndexURL,
              env: { HOME: '/home/user', PYTHON_COLORS: '0' },
              convertNullToNone: true,
              ...(snapshot ? { _loadSnapshot: snapshot } : { _makeSnapshot: true }),
            }),
          ),
        ({ loaded }) => loaded.FS as unknown as StdlibFs,
      ),
    );
    writeLayerFiles(py.FS, request.layer);
    if (makeSnapshot) {
      py.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(LAYER_DIR)})`);
      py.runPython('import procbox.preload');
      // Below the stack pointer lie only returned frames, and malloc's free chunks hold what
      // the imports freed: zero, they need no page in any process that restores the snapshot.
      const module = forkable(py);
      module.HEAPU8.fill(
        0,
        module._emscripten_stack_get_end(),
        module._emscripten_stack_get_current(),
      );
      zeroFreeChunks(module.HEAPU8, module.___heap_base, module._sbrk(0));
      const snapshot = encodePacked(packPages(py.makeMemorySnapshot()));
      const bootMs = performance.now() - started;
      const made = { snapshot, writtenBeforeRestore: null, writtenAfterRestore: null, bootMs };
      return Comlink.transfer(made, [snapshot.buffer]);
    }
    pyodide = py;
    booted = bootRefs(forkable(py));
    const offset = snapshotBytes && memoryOffset(snapshotBytes);
    if (shared && offset) {
      const { memory, start, length, id, pages } = shared;
      snapshotBase = { memory, offset: start + offset, length: length - offset, id, pages };
      forkArea = { buffer: memory.buffer, start: shared.forkArea };
    }
    let writtenAfterRestore = null;
    if (snapshotBase) {
      const learnt = request.writtenAfterRestore;
      const found = changedSinceSnapshot(forkable(py), snapshotBase, learnt);
      changedPages = found.changed;
      writtenAfterRestore = found.writtenAfterRestore;
      prepareForkFunctions(forkable(py), snapshotBase);
    }
    syscalls = Comlink.wrap<Syscalls>(request.syscallPort);
    syscallPort = request.syscallPort;
    interruptBuffer = new Int32Array(request.interruptBuffer); // read from exec on (see there)
    const bootMs = performance.now() - started;
    return { snapshot: null, writtenBeforeRestore: written, writtenAfterRestore, bootMs };
  },

  async exec(request: ExecRequest): Promise<void> {
    const py = pyodide;
    const kernel = syscalls;
    const port = syscallPort;
    const signals = interruptBuffer;
    if (!py || !kernel || !port || !signals) throw new Error('exec before boot');
    lockDown();
    const module = forkable(py);
    const { job } = request;
    const fork = job.kind === 'child' ? job.fork : undefined;
    // A forked child's memory is its parent's from here on: nothing may run Python before.
    if (job.kind === 'child' && fork) {
      const { imageSlot } = fork;
      const image = imageSlot && forkArea ? forkSlotBytes(forkArea, imageSlot) : job.payload;
      restoreImage(module, image, fork, snapshotBase, changedPages);
      if (imageSlot) freeForkSlot(request.ipc.forkSlots, imageSlot);
      // Its bytes go with the buffer's last reference, at a garbage collection: the request
      // lives as long as the program, and a detach would not free a buffer sent by transfer.
      else job.payload = new Uint8Array(0);
    }
    const heap: WasmHeap = module;
    const mirrors = new SharedMirrors(request.ipc.arena, () => heap.HEAPU8);
    const volume = new Volume(request.volume, request.pid);
    const descriptions = new Descriptions(volume, new Int32Array(request.fileCounts));
    const mappings = new FileMappings(volume, heap);
    const fence = () => {
      mirrors.fence();
      if (mappings.size > 0) mappings.fence();
    };
    if (fork) {
      for (const [addr, at, size] of fork.sharedBlocks) mirrors.map(addr, at, size);
      mappings.adopt(fork.fileMappings);
    }
    const arena = {
      words: new Int32Array(request.ipc.arena),
      bytes: new Uint8Array(request.ipc.arena),
      pid: request.pid,
      fence,
    };
    const plain = plainCalls(port, signals);
    const observer = makeIpcObserver({
      ipcLabel: (kind, objects) => void kernel.ipcLabel(kind, objects),
      ipcOps: (ops) => plain.tell('ipcOps', ops),
      ipcWaiting: (tid, objects) => void kernel.ipcWaiting(tid, objects),
    });
    // C-level writes to fds 1 and 2 (os.write) take the same way as sys.stdout. Set before the
    // kernel descriptors: a command's fds 0, 1 and 2 may be kernel pipes, which replace these.
    py.setStdout({ write: (buffer: Uint8Array) => (writeBytes(1, buffer.slice()), buffer.length) });
    py.setStderr({ write: (buffer: Uint8Array) => (writeBytes(2, buffer.slice()), buffer.length) });
    py.setStdin({ error: true });
    const closeWait = closeWaiter(signals); // one count for pipes, sockets and locked files
    const fds = installKernelFds(
      py,
      {
        // Reported operations go first: the kernel names their objects only while they live.
        fdClose: (fd, seq, released) =>
          plain.together(() => {
            observer.flush();
            plain.tell('fdClose', fd, seq, released, performance.timeOrigin + performance.now());
          }),
        fdDup: (fd, from, counted) => plain.tell('fdDup', fd, from, counted),
        brokenPipe: () => void kernel.kill(request.pid, Signal.SIGPIPE),
      },
      request.ipc,
      arena,
      closeWait,
    );

    // The boundary with the Python layer (protocol/layer.ts), one slice per capability.
    const stdio = stdioSlice(kernel, arena, request.ipc.console);
    const proc = processSlice(
      kernel,
      request,
      signals,
      () => {
        fence();
        observer.flush();
        mappings.releaseAll();
        mount.closeAll();
        return stdio.takeUnwritten();
      },
      (method) => ({ cwd: py.FS.cwd(), files: method === 'fork' ? mount.openFiles() : [] }),
      (stdio) => {
        const asFiles = new Map<number, number>();
        for (const [fd, source] of stdio.entries()) {
          if (source >= 0 && !fds.isPipe(source)) asFiles.set(fd, source);
        }
        return mount.lendFiles(asFiles);
      },
      () => {
        fence(); // shared memory and file mappings as other processes see them, then the copy
        let imageSlot = null as ForkSlot | null;
        const { heap, state } = captureImage(module, booted, snapshotBase, (bytes) => {
          imageSlot = forkArea && claimForkSlot(request.ipc.forkSlots, bytes);
          // No slot: the image goes by message.
          return imageSlot && forkSlotBytes(forkArea!, imageSlot, bytes);
        });
        const inherited = { sharedBlocks: mirrors.list(), fileMappings: mappings.list() };
        // An image in a slot of the fork area is not sent: the child reads it there.
        const payload = imageSlot ? new Uint8Array(0) : heap;
        return { heap: payload, state: { ...state, ...inherited, imageSlot } };
      },
    );
    const ipc = ipcSlice(kernel, fds, arena, mirrors, observer, waits);
    const net = netSlice(fds, arena, request.ipc.ports, plain);
    const files = fileSlice(
      kernel,
      py,
      mappings,
      descriptions,
      (source, target, follow) => mount.link(source, target, follow),
      closeWait,
    );
    const calls: LayerCalls = fenced(
      {
        ...stdio.calls,
        ...proc.calls,
        ...ipc.calls,
        ...files.calls,
        threadStart: () => kernel.threadStart(),
      },
      fence,
    );
    const { writeBytes } = stdio;
    const stuck = () => {
      try {
        return (py.pyimport('procbox.stuck').report as () => string | undefined)();
      } catch {
        return undefined; // the detector's failure must not disturb the program: no report
      }
    };
    const quiet = makeQuietWatch(stuck, (threads) => {
      observer.flush(); // the kernel learns who holds a multiprocessing lock from these
      void kernel.quiet(threads);
    });
    const green = (threads = installGreenThreads(
      py,
      calls,
      (message) => writeBytes(2, new TextEncoder().encode(`procbox: ${message}\n`)),
      quiet,
      observer,
    ));
    const bridge: LayerBridge = {
      ...stdio.bridge,
      ...proc.bridge,
      ...ipc.bridge,
      ...net,
      ...files.bridge,
      ...green.bridge,
      threadName: (tid, name) => void kernel.threadName(tid, name),
      threadExit: (tid) => void kernel.threadExit(tid),
      setSwitchInterval: (ms) => void kernel.setSwitchInterval(ms),
    };

    const mount = mountVolume(py, volume, descriptions, { mappings, closed: files.closed });
    mount.adopt(request.files);
    py.FS.chdir(request.cwd);
    // Called with stack switching but outside any asyncio task: the program's own asyncio.run
    // must find no loop running, as in a fresh CPython.
    type Entry = { callPromising(bridge: LayerBridge): Promise<void> };
    let start = py.pyimport('procbox.main').start as Entry;
    const forking = fork ? py.pyimport('procbox.forking') : null;
    // The copied layer binds to this worker, keeping only the forking thread.
    if (forking) (forking.prepare_child as (bridge: LayerBridge) => void)(bridge);
    // Signals reach Python from here on, even those the kernel sent while this worker was
    // booting: before, a forked child's signal handlers held its parent's bridge.
    py.setInterruptBuffer(signals);
    if (forking) {
      afterForkChild(module); // CPython's after-fork step; then the child's own task runs on
      start = forking.child_main as Entry;
    }
    await start.callPromising(bridge);
  },

  signalNotice(): void {
    waits.interrupt();
    threads?.signalNotice();
  },
} satisfies ProcessRuntimeApi;

/** The kernel's first message carries the control port; nothing else is read from `self`. */
self.addEventListener(
  'message',
  (event: MessageEvent<{ control: MessagePort }>) => Comlink.expose(runtime, event.data.control),
  { once: true },
);
