/** The kernel with scripted processes: what the kernel's unit tests run it on. */
import { Kernel, type ProcessHandle, type ProcessHost } from '../../workers/kernel/kernel';
import type {
  DeadlockReport,
  KernelObserver,
  OutputChunk,
  ProcessInfo,
  WorkspaceChange,
} from '../../workers/protocol/kernel';
import type {
  ExecRequest,
  SpawnRequest,
  SpawnResult,
  Syscalls,
} from '../../workers/protocol/process';
import { consoleWrite } from '../../workers/ipc/console-ring';

/** A program run by a scripted process: it uses the real syscall table the kernel hands out. */
export type Program = (sys: Syscalls, request: ExecRequest) => Promise<number | void>;

/**
 * Processes as async functions instead of Web Workers: the kernel sees the same ProcessHost
 * contract (launch, exec, raise, terminate) it drives in the browser.
 */
export class ScriptedHost implements ProcessHost {
  readonly raised: { pid: number; signal: number }[] = [];
  readonly closes: { pid: number; seq: number }[] = [];
  /** What the kernel answered in each process's interrupt buffer (Syscalls.netNow). */
  readonly answers: { pid: number; seq: number; value: unknown }[] = [];
  readonly terminated = new Set<number>();
  /** Of those, the ones that halted (exited by themselves): the host may end them later. */
  readonly halted = new Set<number>();
  readonly switchIntervals: { pid: number; ms: number }[] = [];
  /** Each terminal size handed to a process, as [columns, rows]. */
  readonly terminalSizes: [number, number][] = [];
  /** While set, a worker's boot waits for it (a pool emptied by a burst of starts). */
  booting: Promise<void> | null = null;
  /** How many workers the program wanted at once as each process was launched. */
  readonly wanted: number[] = [];

  constructor(private readonly programs: Record<string, Program>) {}

  async launch(
    syscalls: Syscalls,
    _onCrash: (message: string) => void,
    wanted: number,
  ): Promise<ProcessHandle> {
    this.wanted.push(wanted);
    if (this.booting) await this.booting;
    let pid = 0;
    let ended = false; // terminated, or replaced by an exec
    return {
      exec: async (request) => {
        pid = request.pid;
        const { job } = request;
        const name =
          job.kind === 'script'
            ? job.path
            : job.kind === 'tool' || job.kind === 'command'
              ? job.argv.join(' ')
              : 'child';
        const program = this.programs[name];
        if (!program) throw new Error(`no program ${name}`);
        const code = await program(syscalls, request);
        if (!ended) syscalls.exit(code ?? 0, []);
      },
      raise: (signal) => this.raised.push({ pid, signal }),
      signalPending: () => false,
      closed: (seq) => this.closes.push({ pid, seq }),
      answer: (seq, value) => this.answers.push({ pid, seq, value }),
      setSwitchInterval: (ms) => this.switchIntervals.push({ pid, ms }),
      setTerminalSize: (columns, rows) => this.terminalSizes.push([columns, rows]),
      terminate: (halted) => {
        ended = true;
        this.terminated.add(pid);
        if (halted) this.halted.add(pid);
      },
    };
  }
}

export class RecordingObserver implements KernelObserver {
  readonly events: string[] = [];
  readonly notices: string[] = [];
  table: ProcessInfo[] = [];
  async output(chunks: OutputChunk[]) {
    for (const c of chunks) this.events.push(`out ${c.pid}:${c.fd} ${c.text}`);
  }
  processes(table: ProcessInfo[]) {
    this.table = table;
    for (const p of table) if (p.state === 'exited') this.events.push(`exited ${p.pid}`);
  }
  notice(key: string, detail: string) {
    this.notices.push(`${key} ${detail}`);
  }
  readonly changes: WorkspaceChange[] = [];
  files(changes: WorkspaceChange[]) {
    this.changes.push(...changes);
  }
  bootProgress() {}
  readonly deadlocks: DeadlockReport[] = [];
  deadlock(report: DeadlockReport) {
    this.deadlocks.push(report);
  }
}

export function setup(programs: Record<string, Program>, processLimit = 64) {
  const host = new ScriptedHost(programs);
  const observer = new RecordingObserver();
  const kernel = new Kernel(host, { processLimit }, () => observer);
  return { host, observer, kernel };
}

export const bytes = (text: string) => new TextEncoder().encode(text);
/** What a process worker does with sys.stdout's bytes: puts them in the console ring. */
export const print = (request: ExecRequest, fd: number, data: Uint8Array) => {
  const words = new Int32Array(request.ipc.arena);
  const arena = new Uint8Array(request.ipc.arena);
  return consoleWrite(words, arena, request.ipc.console, request.pid, fd, data);
};
export const files = [{ path: 'main.py', content: '' }];
export const run = (kernel: Kernel, ...entries: string[]) =>
  kernel.run({ files, entries, startMethod: 'fork' });
export const never = () => new Promise<never>(() => {});
export const payload = new Uint8Array([1]);

export const spawnRequest = (name: string, method: 'fork' | 'spawn'): SpawnRequest => ({
  name,
  method,
  payload,
  // A fork's child starts from the parent's memory (here `payload`) and this state beside it.
  ...(method === 'fork'
    ? {
        fork: {
          imageLength: 1,
          imagePages: new Uint8Array([1]),
          imageBase: 0,
          imageSlot: null,
          jsRefs: [],
          interned: [],
          sharedBlocks: [],
          fileMappings: [],
        },
      }
    : {}),
  passFds: [],
  sentinelFd: null,
  cwd: '/home/user',
  files: [],
});

export function pidOf(result: SpawnResult): number {
  if (!('pid' in result)) throw new Error(`spawn failed: ${result.errno}`);
  return result.pid;
}
