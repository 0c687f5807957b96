/**
 * A pipe in the IPC arena: a byte ring shared by every process holding either end. Reads and
 * writes copy straight between the arena and the caller's buffer (for Python, the WebAssembly
 * heap), and never wait: they report `WOULD_BLOCK`, and the caller waits on `ringSeq` changing.
 */
import { PIPE_BUF, Poll, Ring } from '../protocol/ipc';

export const WOULD_BLOCK = -1;
export const BROKEN_PIPE = -2;

const words = (_arena: Int32Array, pipe: number, word: number) => (pipe >> 2) + word;

export function ringInit(arena: Int32Array, pipe: number, capacity: number): void {
  for (let w = 0; w < Ring.CAPACITY; w++) Atomics.store(arena, words(arena, pipe, w), 0);
  Atomics.store(arena, words(arena, pipe, Ring.CAPACITY), capacity);
}

export function ringSeq(arena: Int32Array, pipe: number): number {
  return Atomics.load(arena, words(arena, pipe, Ring.SEQ));
}

/** Tells every waiter that the pipe changed (data, space, or an end closed). */
export function ringChanged(arena: Int32Array, pipe: number): void {
  const at = words(arena, pipe, Ring.SEQ);
  Atomics.add(arena, at, 1);
  Atomics.notify(arena, at);
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
  if (Atomics.load(arena, words(arena, pipe, Ring.READERS)) === 0) return BROKEN_PIPE;
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
    const head = Atomics.load(arena, words(arena, pipe, Ring.HEAD)) >>> 0;
    const data = pipe + Ring.HEADER_BYTES;
    const start = head % capacity;
    const first = Math.min(count, capacity - start);
    bytes.set(src.subarray(0, first), data + start);
    if (count > first) bytes.set(src.subarray(first, count), data);
    Atomics.store(arena, words(arena, pipe, Ring.HEAD), (head + count) | 0);
    return count;
  } finally {
    unlock(arena, lockAt);
    // Only a real change: a failed write that woke the reader would make both spin.
    if (count > 0) ringChanged(arena, pipe);
  }
}

/**
 * read(2) without waiting: copies up to `dest.length` bytes. Returns the count (0 at end of
 * file: empty and no writer left) or `WOULD_BLOCK`.
 */
export function ringRead(
  arena: Int32Array,
  bytes: Uint8Array,
  pipe: number,
  dest: Uint8Array,
  pid: number,
): number {
  if (dest.length === 0) return 0;
  const capacity = Atomics.load(arena, words(arena, pipe, Ring.CAPACITY));
  const lockAt = words(arena, pipe, Ring.RLOCK);
  lock(arena, lockAt, pid);
  let count = 0;
  try {
    const used = ringUsed(arena, pipe);
    if (used === 0) {
      return Atomics.load(arena, words(arena, pipe, Ring.WRITERS)) === 0 ? 0 : WOULD_BLOCK;
    }
    count = Math.min(used, dest.length);
    const tail = Atomics.load(arena, words(arena, pipe, Ring.TAIL)) >>> 0;
    const data = pipe + Ring.HEADER_BYTES;
    const start = tail % capacity;
    const first = Math.min(count, capacity - start);
    dest.set(bytes.subarray(data + start, data + start + first));
    if (count > first) dest.set(bytes.subarray(data, data + count - first), first);
    Atomics.store(arena, words(arena, pipe, Ring.TAIL), (tail + count) | 0);
    return count;
  } finally {
    unlock(arena, lockAt);
    if (count > 0) ringChanged(arena, pipe);
  }
}

/** poll(2) events of one end, as Linux reports them for a pipe. */
export function ringPoll(arena: Int32Array, pipe: number, end: 'r' | 'w'): number {
  const capacity = Atomics.load(arena, words(arena, pipe, Ring.CAPACITY));
  const used = ringUsed(arena, pipe);
  if (end === 'r') {
    let events = used > 0 ? Poll.IN : 0;
    if (Atomics.load(arena, words(arena, pipe, Ring.WRITERS)) === 0) events |= Poll.HUP;
    return events;
  }
  if (Atomics.load(arena, words(arena, pipe, Ring.READERS)) === 0) return Poll.OUT | Poll.ERR;
  return capacity - used >= Math.min(PIPE_BUF, capacity) ? Poll.OUT : 0;
}

/** Adds `delta` to the open descriptors of one end (the kernel's bookkeeping). */
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

/** Frees the copy locks a dead process held. */
export function ringClearLocks(arena: Int32Array, pipe: number, pid: number): void {
  for (const w of [Ring.WLOCK, Ring.RLOCK]) {
    const at = words(arena, pipe, w);
    if (Atomics.compareExchange(arena, at, pid, 0) === pid) Atomics.notify(arena, at);
  }
  ringChanged(arena, pipe);
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
