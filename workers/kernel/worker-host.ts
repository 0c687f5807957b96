import * as Comlink from 'comlink';
import { INTERRUPT_BUFFER_BYTES } from '../protocol/constants';
import type { BootProgress, BootReport, SnapshotSource } from '../protocol/kernel';
import {
  type BootRequest,
  type SharedSnapshot,
  type ProcessRuntimeApi,
  type Syscalls,
  isPlainCallMessage,
} from '../protocol/process';
import { InterruptLine } from './interrupts';
import type { ProcessHandle, ProcessHost } from './kernel';
import { SnapshotStore } from './snapshot-store';
import { DownloadMeter } from './download-meter';
import { HeldTeardowns, PoolRefill, WarmPoolSize } from './pool-size';
import { compilePyodide } from '../runtime/shared-wasm';
import { STDLIB_FILE } from '../runtime/shared-stdlib';
import { layerImage } from '../runtime/python-sources';
import { release } from '../runtime/sparse-copy';
import { snapshotInSharedMemory } from './shared-snapshot';

interface BootedWorker {
  worker: Worker;
  runtime: Comlink.Remote<ProcessRuntimeApi>;
  interrupt: Int32Array;
  /** The kernel's end of the syscall channel; bound to a pid when the worker is taken. */
  syscallPort: MessagePort;
}

/** The most workers kept booted after a burst of starts (WarmPoolSize): `Pool(8)` and its
 * parent, run again. */
const MOST_WARM_WORKERS = 9;

export interface WorkerHostOptions {
  pyodideIndexURL: string;
  warmPoolSize: number;
  /** The CLI's cache folder (KernelConfig.snapshotCacheURL), or null. */
  snapshotCacheURL: string | null;
  /** A kept snapshot failed to boot: it was thrown away and a new one made. */
  onSnapshotDamaged(reason: string): void;
  /** Python's first start, step by step (the page's progress bar). */
  onBootProgress(progress: BootProgress): void;
}

/** A copy of `bytes` every worker can read: a boot's message then copies nothing. */
function inSharedMemory(bytes: Uint8Array): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
  shared.set(bytes);
  return shared;
}

/** A boot's standing in the queue: `spare` (beyond the usual pool) waits while a process runs. */
interface BootTicket {
  spare: boolean;
}

interface Snapshot {
  shared: SharedSnapshot;
  source: SnapshotSource;
  /** Learnt by the first boot from these bytes (BootRequest.writtenBeforeRestore and
   * writtenAfterRestore). */
  writtenBeforeRestore: Uint8Array | null;
  writtenAfterRestore: Uint8Array | null;
}

/**
 * Process workers for the kernel: booted from one memory snapshot, kept warm in a small pool so
 * that starting a process costs a message, not a boot.
 */
export class WorkerHost implements ProcessHost {
  private readonly idle: Promise<BootedWorker>[] = [];
  private readonly snapshots: SnapshotStore;
  private readonly downloads: DownloadMeter;
  private snapshot: Promise<Snapshot> | null = null;
  private wasm: Promise<WebAssembly.Module> | null = null;
  private stdlib: Promise<Uint8Array | null> | null = null;
  /** The Python layer's files, shared by every worker. */
  private readonly layer = layerImage();
  private booting = 0;
  private readonly bootQueue: { ticket: BootTicket; go: () => void }[] = [];
  /** The tickets of the pool's boots: a spare one taken by a process boots at once. */
  private readonly tickets = new WeakMap<Promise<BootedWorker>, BootTicket>();
  private readonly cores = Math.max(1, navigator.hardwareConcurrency || 1);
  /** No worker has booted yet: the first boots alone, so that a page (or the CLI) is ready
   * sooner than if the first two shared the cores with the compile and the snapshot's load. */
  private first = true;
  private shrinkTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly poolSize: WarmPoolSize;
  /** Processes holding a worker now. */
  private running = 0;
  private readonly refills = new PoolRefill(() => this.refill());
  private readonly teardowns = new HeldTeardowns();

  constructor(private readonly options: WorkerHostOptions) {
    this.snapshots = new SnapshotStore(options.snapshotCacheURL);
    this.downloads = new DownloadMeter((count) =>
      options.onBootProgress({ stage: 'download', ...count }),
    );
    this.poolSize = new WarmPoolSize(options.warmPoolSize, MOST_WARM_WORKERS);
  }

  /** Makes (or loads) the snapshot and fills the pool; resolves once a worker is ready. */
  async warm(): Promise<BootReport> {
    this.refill();
    void this.snapshotBytes().then(
      () => this.options.onBootProgress({ stage: 'boot' }),
      () => undefined, // the boot that needs it reports why
    );
    await this.idle[0];
    return { snapshot: (await this.snapshotBytes()).source };
  }

  async launch(
    syscalls: Syscalls,
    onCrash: (message: string) => void,
    wanted: number,
  ): Promise<ProcessHandle> {
    const next = this.idle.shift() ?? this.boot();
    this.unholdFront(next);
    this.running += 1;
    const up = this.refills.begin();
    this.teardowns.started();
    // A burst of children that each end at once still wants its workers at once, run again.
    this.poolSize.launched(performance.now(), Math.max(this.running, wanted));
    this.refills.soon(this.idle.length === 0);
    this.shrinkLater();
    const booted = await next.catch((error: unknown) => {
      up();
      throw error;
    });
    // Its first call comes once its start is done: a fork child's copy, or a program's boot.
    booted.syscallPort.addEventListener('message', up, { once: true });
    booted.worker.onerror = (event) => onCrash(event.message || 'the process worker crashed');
    // Before Comlink's listener, which must not see these (it would answer them).
    booted.syscallPort.addEventListener('message', (event) => {
      if (!isPlainCallMessage(event.data)) return;
      event.stopImmediatePropagation();
      for (const call of event.data.plain) {
        if (call.seq === null) {
          const told = syscalls[call.name] as (...args: unknown[]) => unknown;
          void (async () => told(...call.args))().catch(() => undefined); // as Comlink would
        } else syscalls.netNow(call.seq, call.name, call.args as never);
      }
    });
    Comlink.expose(syscalls, booted.syscallPort);
    let ended = false;
    const line = new InterruptLine(booted.interrupt);
    return {
      // A child's memory image moves to its worker rather than being copied.
      exec: (request) =>
        booted.runtime.exec(
          request.job.kind === 'child' && request.job.fork
            ? Comlink.transfer(request, [request.job.payload.buffer])
            : request,
        ),
      raise: (signal) => {
        line.deliver(signal);
        booted.runtime.signalNotice().catch(() => {});
      },
      signalPending: () => line.pending(),
      closed: (seq) => line.closed(seq),
      answer: (seq, value) => line.answer(seq, value),
      setSwitchInterval: (ms) => line.setTicker(ms),
      setTerminalSize: (columns, rows) => line.setTerminalSize(columns, rows),
      terminate: (halted = false) => {
        if (ended) return;
        ended = true;
        this.running -= 1;
        up();
        if (this.running === 0) {
          this.nextBoot(); // spare boots held while it ran
          this.refills.soon(this.idle.length === 0); // the extra workers a burst needs
        }
        line.close();
        const end = () => {
          booted.worker.terminate();
          booted.syscallPort.close();
        };
        // A worker that halted does nothing more: its teardown can wait for the starts.
        if (halted) this.teardowns.hold(end);
        else end();
      },
    };
  }

  /** The worker a process takes, and the usual pool's worth behind it, boot now even if they
   * were spares: otherwise spares held while a program runs would stand in for the usual pool. */
  private unholdFront(taken: Promise<BootedWorker>): void {
    for (const booting of [taken, ...this.idle.slice(0, this.options.warmPoolSize)]) {
      const ticket = this.tickets.get(booting);
      if (ticket) ticket.spare = false;
    }
    this.nextBoot();
  }

  /** Workers a burst left booted are let go once starts have stopped for a while. */
  private shrinkLater(): void {
    clearTimeout(this.shrinkTimer);
    this.shrinkTimer = setTimeout(() => {
      for (const extra of this.idle.splice(this.poolSize.target(performance.now(), this.running))) {
        extra.then(
          ({ worker, syscallPort }) => (worker.terminate(), syscallPort.close()),
          () => {},
        );
      }
    }, this.poolSize.idleMs);
  }

  private refill(): void {
    this.refills.cancel();
    while (this.idle.length < this.poolSize.target(performance.now(), this.running)) {
      const ticket = { spare: this.idle.length >= this.options.warmPoolSize };
      const booting = this.boot(ticket);
      this.tickets.set(booting, ticket);
      booting.catch(() => {
        // A failed boot leaves the pool; one already taken is the launcher's to report.
        const at = this.idle.indexOf(booting);
        if (at >= 0) this.idle.splice(at, 1);
      });
      this.idle.push(booting);
    }
  }

  private snapshotBytes(): Promise<Snapshot> {
    this.snapshot ??= this.snapshots.load().then(async (kept): Promise<Snapshot> => {
      // The bytes loaded or made go as soon as they are in shared memory (release): tens of
      // megabytes the kernel, mostly quiet, might otherwise keep until its memory reducer runs.
      if (kept) {
        const shared = snapshotInSharedMemory(kept.bytes);
        release(kept.bytes);
        return {
          source: kept.source,
          shared,
          writtenBeforeRestore: null,
          writtenAfterRestore: null,
        };
      }
      const [wasm, stdlib] = await Promise.all([this.compiled(), this.sharedStdlib()]);
      this.options.onBootProgress({ stage: 'snapshot' });
      const { worker, runtime } = this.spawnWorker();
      try {
        const channel = new MessageChannel();
        const request: BootRequest = {
          pyodideIndexURL: this.options.pyodideIndexURL,
          wasm,
          snapshot: null,
          writtenBeforeRestore: null,
          writtenAfterRestore: null,
          stdlib,
          layer: this.layer,
          interruptBuffer: new SharedArrayBuffer(INTERRUPT_BUFFER_BYTES),
          syscallPort: channel.port2,
        };
        const result = await runtime.boot(Comlink.transfer(request, [channel.port2]));
        if (!result.snapshot) throw new Error('the snapshot worker returned no snapshot');
        await this.snapshots.save(result.snapshot);
        const shared = snapshotInSharedMemory(result.snapshot);
        release(result.snapshot);
        return { shared, source: 'made', writtenBeforeRestore: null, writtenAfterRestore: null };
      } finally {
        worker.terminate();
      }
    });
    this.snapshot.catch(() => (this.snapshot = null));
    return this.snapshot;
  }

  private spawnWorker(): { worker: Worker; runtime: Comlink.Remote<ProcessRuntimeApi> } {
    const worker = new Worker(new URL('../process.worker.ts', import.meta.url), {
      type: 'module',
      name: 'procbox-process',
    });
    const control = new MessageChannel();
    worker.postMessage({ control: control.port2 }, [control.port2]);
    return { worker, runtime: Comlink.wrap<ProcessRuntimeApi>(control.port1) };
  }

  /** Python's standard library, fetched once for every worker (runtime/shared-stdlib.ts); null
   * if that failed: each worker then fetches its own, and reports what goes wrong. */
  private sharedStdlib(): Promise<Uint8Array | null> {
    this.stdlib ??= fetch(this.options.pyodideIndexURL + STDLIB_FILE)
      .then((response) => (response.ok ? this.downloads.track(response).arrayBuffer() : null))
      .then((buffer) => {
        if (!buffer) return null;
        const bytes = new Uint8Array(buffer);
        const shared = inSharedMemory(bytes);
        release(bytes);
        return shared;
      })
      .catch(() => null);
    return this.stdlib;
  }

  private compiled(): Promise<WebAssembly.Module> {
    this.wasm ??= compilePyodide(this.options.pyodideIndexURL, (response) =>
      this.downloads.track(response),
    );
    this.wasm.catch(() => (this.wasm = null));
    return this.wasm;
  }

  /**
   * Boots run at most one per core at a time: a burst of starts then gets its workers in turn,
   * the first child running after one boot's time, rather than all after the whole burst's.
   * A `spare` boot (a worker beyond the usual pool) waits while any process runs, so that it
   * never takes a core from a running program.
   */
  private async boot(ticket: BootTicket = { spare: false }): Promise<BootedWorker> {
    if (this.booting < this.bootSlots() && (!ticket.spare || this.running === 0)) this.booting += 1;
    else await new Promise<void>((go) => this.bootQueue.push({ ticket, go })); // handed a slot
    try {
      return await this.bootNow();
    } finally {
      this.first = false;
      this.booting -= 1;
      this.nextBoot();
    }
  }

  private bootSlots(): number {
    return this.first ? 1 : this.cores;
  }

  /** Hands free boot slots to the queue: spare boots only while nothing runs. */
  private nextBoot(): void {
    while (this.booting < this.bootSlots()) {
      const at = this.bootQueue.findIndex(({ ticket }) => !ticket.spare || this.running === 0);
      if (at < 0) return;
      this.booting += 1;
      this.bootQueue.splice(at, 1)[0].go();
    }
  }

  /** A kept snapshot that fails to boot (damaged, or from another build) is thrown away, once,
   * and the boot retried from a new one. */
  private async bootNow(): Promise<BootedWorker> {
    const snapshot = this.snapshotBytes();
    void this.compiled(); // while the snapshot loads
    void this.sharedStdlib();
    const { source } = await snapshot;
    try {
      return await this.bootFrom(snapshot);
    } catch (error) {
      if (source === 'made') throw error;
      if (this.snapshot === snapshot) {
        this.snapshot = null;
        await this.snapshots.discard();
        this.options.onSnapshotDamaged(String(error));
      }
      return this.bootFrom(this.snapshotBytes());
    }
  }

  private async bootFrom(snapshotMade: Promise<Snapshot>): Promise<BootedWorker> {
    const [wasm, made, stdlib] = await Promise.all([
      this.compiled(),
      snapshotMade,
      this.sharedStdlib(),
    ]);
    const { worker, runtime } = this.spawnWorker();
    const interrupt = new Int32Array(new SharedArrayBuffer(INTERRUPT_BUFFER_BYTES));
    const channel = new MessageChannel();
    const request: BootRequest = {
      pyodideIndexURL: this.options.pyodideIndexURL,
      wasm,
      snapshot: made.shared,
      writtenBeforeRestore: made.writtenBeforeRestore,
      writtenAfterRestore: made.writtenAfterRestore,
      stdlib,
      layer: this.layer,
      interruptBuffer: interrupt.buffer as SharedArrayBuffer,
      syscallPort: channel.port2,
    };
    try {
      const booted = await runtime.boot(Comlink.transfer(request, [channel.port2]));
      made.writtenBeforeRestore ??= booted.writtenBeforeRestore;
      made.writtenAfterRestore ??= booted.writtenAfterRestore;
    } catch (error) {
      worker.terminate();
      throw error;
    }
    return { worker, runtime, interrupt, syscallPort: channel.port1 };
  }
}
