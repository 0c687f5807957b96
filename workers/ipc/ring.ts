/**
 * A pipe in the IPC arena: a byte ring shared by every process holding either end. Reads and
 * writes copy straight between the arena and the caller's buffer (for Python, the WebAssembly
 * heap), and never wait: they report `WOULD_BLOCK`, and the caller waits on `ringSeq` changing.
 */
import { PIPE_BUF, Poll, Ring, RingFlag } from '../protocol/ipc';

export const WOULD_BLOCK = -1;
export const BROKEN_PIPE = -2;
export const CONNECTION_RESET = -3;
/** A datagram's length word in the ring. */
export const LENGTH_BYTES = 4;

const words = (_arena: Int32Array, pipe: number, word: number) => (pipe >> 2) + word;

export function ringInit(arena: Int32Array, pipe: number, capacity: number): void {
  for (let w = 0; w < Ring.HEADER_BYTES / 4; w++) Atomics.store(arena, words(arena, pipe, w), 0);
  Atomics.store(arena, words(arena, pipe, Ring.CAPACITY), capacity);
}

export function ringSeq(arena: Int32Array, pipe: number): number {
  return Atomics.load(arena, words(arena, pipe, Ring.SEQ));
}

export function ringFlags(arena: Int32Array, pipe: number): number {
  return Atomics.load(arena, words(arena, pipe, Ring.FLAGS));
}

/** Sets `flag` (a `RingFlag`) and wakes the waiters. */
export function ringSetFlag(arena: Int32Array, pipe: number, flag: number): void {
  Atomics.or(arena, words(arena, pipe, Ring.FLAGS), flag);
  ringChanged(arena, pipe);
}

/** Tells every waiter that the pipe changed (data, space, or an end closed). */
export function ringChanged(arena: Int32Array, pipe: number): void {
  const at = words(arena, pipe, Ring.SEQ);
  Atomics.add(arena, at, 1);
  Atomics.notify(arena, at);
}

/** Bytes that fit now. */
export function ringFree(arena: Int32Array, pipe: number): number {
  return Atomics.load(arena, words(arena, pipe, Ring.CAPACITY)) - ringUsed(arena, pipe);
}

/** Bytes waiting to be read. */
export function ringUsed(arena: Int32Array, pipe: number): number {
  const head = Atomics.load(arena, words(arena, pipe, Ring.HEAD));
  const tail = Atomics.load(arena, words(arena, pipe, Ring.TAIL));
  return (head - tail) >>> 0;
}

function lock(arena: Int32Array, at: number, pid: number): void {
  for (;;) {
    const holder = Atomics.compareExchange(arena, at, 0, pid);
    if (holder === 0) return;
    // Another process is mid-copy (microseconds), or died there and the kernel will clear it.
    Atomics.wait(arena, at, holder, 1);
  }
}

function unlock(arena: Int32Array, at: number): void {
  Atomics.store(arena, at, 0);
  Atomics.notify(arena, at, 1);
}

/**
 * write(2) without waiting: up to `PIPE_BUF` bytes go in whole or not at all; a larger write
 * puts in what fits. Returns the count, `WOULD_BLOCK`, or `BROKEN_PIPE` with no reader left.
 */
export function ringWrite(
  arena: Int32Array,
  bytes: Uint8Array,
  pipe: number,
  src: Uint8Array,
  pid: number,
): number {
  if (!writable(arena, pipe)) return firstLostWrite(arena, pipe) ? src.length : BROKEN_PIPE;
  if (src.length === 0) return 0;
  const capacity = Atomics.load(arena, words(arena, pipe, Ring.CAPACITY));
  const lockAt = words(arena, pipe, Ring.WLOCK);
  lock(arena, lockAt, pid);
  let count = 0;
  try {
    const free = capacity - ringUsed(arena, pipe);
    count =
      src.length <= PIPE_BUF ? (free >= src.length ? src.length : 0) : Math.min(free, src.length);
    if (count === 0) return WOULD_BLOCK;
    copyIn(arena, bytes, pipe, src.subarray(0, count));
    return count;
  } finally {
    unlock(arena, lockAt);
    // Only a real change: a failed write that woke the reader would make both spin.
    if (count > 0) ringChanged(arena, pipe);
  }
}

function writable(arena: Int32Array, pipe: number): boolean {
  return (
    Atomics.load(arena, words(arena, pipe, Ring.READERS)) !== 0 &&
    (ringFlags(arena, pipe) & RingFlag.SHUT) === 0
  );
}

/** A TCP ring whose reader is gone takes one write, and loses it (see `RingFlag.TCP`). */
function firstLostWrite(arena: Int32Array, pipe: number): boolean {
  const at = words(arena, pipe, Ring.FLAGS);
  const flags = Atomics.load(arena, at);
  if ((flags & (RingFlag.TCP | RingFlag.LOST | RingFlag.SHUT)) !== RingFlag.TCP) return false;
  return (Atomics.or(arena, at, RingFlag.LOST) & RingFlag.LOST) === 0;
}

/** Appends the parts at the head, then moves the head past them all at once, so a reader
 * never sees a datagram's length before its bytes (the caller holds the write lock and checked
 * the space). */
function copyIn(arena: Int32Array, bytes: Uint8Array, pipe: number, ...parts: Uint8Array[]): void {
  const capacity = Atomics.load(arena, words(arena, pipe, Ring.CAPACITY));
  const head = Atomics.load(arena, words(arena, pipe, Ring.HEAD)) >>> 0;
  const data = pipe + Ring.HEADER_BYTES;
  let at = head;
  for (const src of parts) {
    const start = at % capacity;
    const first = Math.min(src.length, capacity - start);
    bytes.set(src.subarray(0, first), data + start);
    if (src.length > first) bytes.set(src.subarray(first), data);
    at += src.length;
  }
  Atomics.store(arena, words(arena, pipe, Ring.HEAD), at | 0);
}

/** Takes `count` bytes from the tail into `dest`, or skips them if `dest` is null; a peek
 * copies the bytes `offset` past the tail and leaves them there (MSG_PEEK). The caller holds
 * the read lock and checked they are there. */
function copyOut(
  arena: Int32Array,
  bytes: Uint8Array,
  pipe: number,
  dest: Uint8Array | null,
  count: number,
  peek: { offset: number } | null = null,
): void {
  const capacity = Atomics.load(arena, words(arena, pipe, Ring.CAPACITY));
  const tail = Atomics.load(arena, words(arena, pipe, Ring.TAIL)) >>> 0;
  if (dest) {
    const data = pipe + Ring.HEADER_BYTES;
    const start = (tail + (peek?.offset ?? 0)) % capacity;
    const first = Math.min(count, capacity - start);
    dest.set(bytes.subarray(data + start, data + start + first));
    if (count > first) dest.set(bytes.subarray(data, data + count - first), first);
  }
  if (!peek) Atomics.store(arena, words(arena, pipe, Ring.TAIL), (tail + count) | 0);
}

/**
 * read(2) without waiting: copies up to `dest.length` bytes. Returns the count (0 at end of
 * file: empty and no writer left, or its writer shut down), `WOULD_BLOCK`, or
 * `CONNECTION_RESET` once a reset connection's data has been read. A `peek` leaves the bytes.
 */
export function ringRead(
  arena: Int32Array,
  bytes: Uint8Array,
  pipe: number,
  dest: Uint8Array,
  pid: number,
  peek = false,
): number {
  if (dest.length === 0) return 0;
  const lockAt = words(arena, pipe, Ring.RLOCK);
  lock(arena, lockAt, pid);
  let count = 0;
  try {
    const used = ringUsed(arena, pipe);
    if (used === 0) return ended(arena, pipe);
    count = Math.min(used, dest.length);
    copyOut(arena, bytes, pipe, dest, count, peek ? { offset: 0 } : null);
    return count;
  } finally {
    unlock(arena, lockAt);
    if (count > 0 && !peek) ringChanged(arena, pipe);
  }
}

/** What reading an empty ring gives: end of file, a reset, or nothing yet. */
function ended(arena: Int32Array, pipe: number): number {
  const flags = ringFlags(arena, pipe);
  if (flags & RingFlag.RESET) return CONNECTION_RESET;
  const closed = Atomics.load(arena, words(arena, pipe, Ring.WRITERS)) === 0;
  return closed || flags & RingFlag.SHUT ? 0 : WOULD_BLOCK;
}

/**
 * Puts one datagram in whole, behind its length, or nothing: returns its length,
 * `WOULD_BLOCK` when it does not fit now, or `BROKEN_PIPE` with no reader left. The datagram
 * is `parts` joined (a record's header and its bytes need no copy to join them).
 */
export function ringWriteMessage(
  arena: Int32Array,
  bytes: Uint8Array,
  pipe: number,
  pid: number,
  ...parts: Uint8Array[]
): number {
  if (!writable(arena, pipe)) return BROKEN_PIPE;
  let size = 0;
  for (const part of parts) size += part.length;
  const capacity = Atomics.load(arena, words(arena, pipe, Ring.CAPACITY));
  const lockAt = words(arena, pipe, Ring.WLOCK);
  lock(arena, lockAt, pid);
  let fits = false;
  try {
    fits = capacity - ringUsed(arena, pipe) >= LENGTH_BYTES + size;
    if (!fits) return WOULD_BLOCK;
    const length = new Uint8Array(LENGTH_BYTES);
    putUint32(length, 0, size);
    copyIn(arena, bytes, pipe, length, ...parts);
    return size;
  } finally {
    unlock(arena, lockAt);
    if (fits) ringChanged(arena, pipe);
  }
}

/** Little-endian, without a DataView (which costs more to make than the write it does). */
export function putUint32(target: Uint8Array, at: number, value: number): void {
  target[at] = value & 0xff;
  target[at + 1] = (value >>> 8) & 0xff;
  target[at + 2] = (value >>> 16) & 0xff;
  target[at + 3] = (value >>> 24) & 0xff;
}

export function getUint32(source: Uint8Array, at: number): number {
  return (
    (source[at] | (source[at + 1] << 8) | (source[at + 2] << 16) | (source[at + 3] << 24)) >>> 0
  );
}

/** Takes every byte in the ring at once, or an empty array (a single reader's bulk read: the
 * console's kernel side parses the records itself). */
export function ringTakeAll(arena: Int32Array, bytes: Uint8Array, pipe: number, pid: number) {
  const lockAt = words(arena, pipe, Ring.RLOCK);
  lock(arena, lockAt, pid);
  let taken = new Uint8Array(0);
  try {
    taken = new Uint8Array(ringUsed(arena, pipe));
    copyOut(arena, bytes, pipe, taken, taken.length);
    return taken;
  } finally {
    unlock(arena, lockAt);
    if (taken.length > 0) ringChanged(arena, pipe);
  }
}

/** Takes one whole datagram (a `peek` leaves it), or returns `WOULD_BLOCK` (or 0 at end of
 * file). */
export function ringReadMessage(
  arena: Int32Array,
  bytes: Uint8Array,
  pipe: number,
  pid: number,
  peek = false,
): Uint8Array | number {
  const lockAt = words(arena, pipe, Ring.RLOCK);
  lock(arena, lockAt, pid);
  let message: Uint8Array | null = null;
  try {
    if (ringUsed(arena, pipe) < LENGTH_BYTES) return ended(arena, pipe);
    const length = new Uint8Array(LENGTH_BYTES);
    copyOut(arena, bytes, pipe, length, LENGTH_BYTES, peek ? { offset: 0 } : null);
    message = new Uint8Array(getUint32(length, 0));
    copyOut(arena, bytes, pipe, message, message.length, peek ? { offset: LENGTH_BYTES } : null);
    return message;
  } finally {
    unlock(arena, lockAt);
    if (message && !peek) ringChanged(arena, pipe);
  }
}

/** poll(2) events of one end, as Linux reports them for a pipe or a connected socket. */
export function ringPoll(arena: Int32Array, pipe: number, end: 'r' | 'w'): number {
  const capacity = Atomics.load(arena, words(arena, pipe, Ring.CAPACITY));
  const used = ringUsed(arena, pipe);
  const flags = ringFlags(arena, pipe);
  const tcp = (flags & RingFlag.TCP) !== 0;
  if (end === 'r') {
    const writersGone = Atomics.load(arena, words(arena, pipe, Ring.WRITERS)) === 0;
    let events = used > 0 || flags & RingFlag.SHUT ? Poll.IN : 0;
    if (flags & RingFlag.RESET) events |= Poll.IN | Poll.ERR | Poll.HUP;
    // The peer's FIN: readable (recv gives b''), and RDHUP; HUP only once this end stops
    // sending too (`ringsPoll`), as tcp_poll says. A pipe without writers hangs up.
    if (tcp && (writersGone || flags & RingFlag.SHUT)) events |= Poll.IN | Poll.RDHUP;
    else if (writersGone) events |= Poll.HUP;
    return events;
  }
  if (!writable(arena, pipe)) {
    // A TCP socket stays writable after a shutdown or its peer's close, until a reset.
    if (tcp) return flags & RingFlag.LOST ? Poll.OUT | Poll.ERR | Poll.HUP : Poll.OUT;
    return Poll.OUT | Poll.ERR;
  }
  return capacity - used >= Math.min(PIPE_BUF, capacity) ? Poll.OUT : 0;
}

/** A descriptor's events from its two rings (either may be absent): a TCP socket hangs up
 * once its peer has finished sending and it has shut down its own sending. */
export function ringsPoll(arena: Int32Array, read: number | null, write: number | null): number {
  const events =
    (read === null ? 0 : ringPoll(arena, read, 'r')) |
    (write === null ? 0 : ringPoll(arena, write, 'w'));
  const sendShut = write !== null && (ringFlags(arena, write) & RingFlag.SHUT) !== 0;
  return events & Poll.RDHUP && sendShut ? events | Poll.HUP : events;
}

/** Adds `delta` to the open descriptors of one end: the kernel's bookkeeping, and a worker's for
 * its connected sockets (runtime/kernel-fds.ts). */
export function ringAddHolders(
  arena: Int32Array,
  pipe: number,
  end: 'r' | 'w',
  delta: number,
): number {
  const word = words(arena, pipe, end === 'r' ? Ring.READERS : Ring.WRITERS);
  const now = Atomics.add(arena, word, delta) + delta;
  ringChanged(arena, pipe);
  return now;
}

/** The pid copying into the ring now, or 0. */
export function ringWriteLockHolder(arena: Int32Array, pipe: number): number {
  return Atomics.load(arena, words(arena, pipe, Ring.WLOCK));
}

/** Frees the copy locks a dead process held. */
export function ringClearLocks(arena: Int32Array, pipe: number, pid: number): void {
  for (const w of [Ring.WLOCK, Ring.RLOCK]) {
    const at = words(arena, pipe, w);
    if (Atomics.compareExchange(arena, at, pid, 0) === pid) Atomics.notify(arena, at);
  }
  ringChanged(arena, pipe);
}

/** Blocks the calling thread until the pipe's state changes from `seq`, or `timeoutMs` pass. */
export function ringWaitSync(arena: Int32Array, pipe: number, seq: number, timeoutMs: number) {
  Atomics.wait(arena, words(arena, pipe, Ring.SEQ), seq, timeoutMs);
}

/** Resolves when the pipe's state changes from `seq`, or after `timeoutMs`. */
export async function ringWaitChange(
  arena: Int32Array,
  pipe: number,
  seq: number,
  timeoutMs: number,
): Promise<void> {
  const wait = Atomics.waitAsync(arena, words(arena, pipe, Ring.SEQ), seq, timeoutMs);
  if (wait.async) await wait.value;
}
