/**
 * The numbers and names both languages use: TypeScript imports this module, and the Python layer
 * imports `procbox/constants.py`, which `bin/gen-constants.mjs` writes from it (a unit test fails
 * when that file is stale). Keep every value here a literal or a table of literals, so the
 * generator can evaluate the module on its own.
 */

/** Errno values as Linux numbers them (the names are WASI preview 1's too). The kernel and the
 * layer speak only these; Emscripten's own numbers never cross a boundary. */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOTTY: 25,
  EFBIG: 27,
  ENOSPC: 28,
  ESPIPE: 29,
  EROFS: 30,
  EMLINK: 31,
  EPIPE: 32,
  EDEADLK: 35,
  ENAMETOOLONG: 36,
  ENOLCK: 37,
  ENOSYS: 38,
  ENOTEMPTY: 39,
  ELOOP: 40,
  ENOTSOCK: 88,
  EDESTADDRREQ: 89,
  EMSGSIZE: 90,
  EPROTONOSUPPORT: 93,
  ESOCKTNOSUPPORT: 94,
  EOPNOTSUPP: 95,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ENETUNREACH: 101,
  ECONNABORTED: 103,
  ECONNRESET: 104,
  EISCONN: 106,
  ENOTCONN: 107,
  ESHUTDOWN: 108,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EALREADY: 114,
  EINPROGRESS: 115,
  ESTALE: 116,
} as const;
export type ErrnoName = keyof typeof Errno;
export type ErrnoValue = (typeof Errno)[ErrnoName];

/** Signal numbers, as Linux gives them (x86-64, arm64). */
export const Signal = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
} as const;
/** The highest signal a process can send or handle here (the pending mask is one word). */
export const SIGNAL_MAX = 31;

/** What a process does with a signal: its default action, nothing, or its Python handler. */
export const Disposition = { DEFAULT: 0, IGNORE: 1, HANDLE: 2 } as const;
export type DispositionValue = (typeof Disposition)[keyof typeof Disposition];

/** setitimer(2)'s timers: each sends its signal when it runs out. */
export const ITimer = { REAL: 0, VIRTUAL: 1, PROF: 2 } as const;

/**
 * The interrupt buffer (shared memory, written by the kernel):
 * - `DOORBELL_INDEX` is Pyodide's own interrupt slot. The kernel writes `DOORBELL` there, for a
 *   signal and on every switch-interval tick; CPython then runs the layer's handler for it at an
 *   eval-breaker check. Pyodide clears it with a plain read-then-write, so a ring can be lost;
 *   the kernel rings again until the signal is taken.
 * - `PENDING_INDEX` holds the pending signals as a bit mask (signals 1-31), set with
 *   `Atomics.or` and taken with `Atomics.exchange`, so no signal is ever lost.
 * - `COLUMNS_INDEX` and `ROWS_INDEX` hold the console's size, kept current by the kernel, for
 *   `os.get_terminal_size()`.
 * - `CLOSED_INDEX` holds the number of the process's last `fdClose` the kernel has carried out:
 *   the worker waits for it, so a close is seen at once by every process, as on Linux.
 * - `ANSWERED_INDEX` holds the number of the process's last call the kernel answered in this
 *   buffer (`Syscalls.netNow`): its JSON, `ANSWER_LENGTH_INDEX` bytes long, is at byte
 *   `ANSWER_AT`. The worker waits for it blocked, which takes a third of the time a reply by
 *   message takes (a stack switch and two event-loop turns).
 */
export const DOORBELL_INDEX = 0;
export const PENDING_INDEX = 1;
export const COLUMNS_INDEX = 2;
export const ROWS_INDEX = 3;
export const CLOSED_INDEX = 4;
export const ANSWERED_INDEX = 5;
export const ANSWER_LENGTH_INDEX = 6;
export const ANSWER_AT = 28;
/** Room for an answer: a socket's state with two AF_UNIX paths fits many times over. */
export const ANSWER_CAPACITY = 4096;
export const INTERRUPT_BUFFER_BYTES = ANSWER_AT + ANSWER_CAPACITY;
/** SIGRTMAX: a signal no Procbox program sends, so its handler is the layer's own. */
export const DOORBELL = 64;

/** How a green thread parks: `poll()` with a timeout of
 * `PARK_BASE | PARK_READY? | next << SLOT_BITS | slot` (workers/runtime/green-threads.ts,
 * procbox/green.py). `PARK_READY`: the thread only yields the CPU and stays ready to run (the
 * Timeline shows it ready, not waiting). */
export const PARK_BASE = 1 << 30;
export const PARK_READY = 1 << 28;
export const SLOT_BITS = 14;

/** Programs the console's command line starts (workers/python/procbox/tools). */
export const CONSOLE_TOOLS = ['nc', 'curl', 'kill', 'sh'] as const;

/** What a command's fd 0, 1 or 2 is when it is no descriptor of its parent's
 * (`SpawnRequest.command.stdio`): the console, /dev/null, or a volume file lent in `files`. */
export const STDIO_CONSOLE = -1;
export const STDIO_NULL = -2;
export const STDIO_FILE = -3;

/** When the last entry of a run (a client) exits, the others (its servers) are stopped after
 * this long, so that what its last message made them print still shows. */
export const SERVER_GRACE_MS = 300;

/**
 * Live processes allowed at once. Since one compiled WebAssembly module serves every process,
 * a Chromium tab holds 190 idle ones and more (measured on 24 GiB); memory is the real limit, at
 * 30-50 MiB a process. 64 is a quarter of 8 GiB, the most a browser reports of its device
 * (`processLimitFor`); smaller devices get fewer.
 */
export const DEFAULT_PROCESS_LIMIT = 64;
