/**
 * The kernel's reader of the console ring (protocol/ipc.ts `ConsoleRecord`): it moves what
 * processes wrote to fds 1 and 2 into the outbox, in the ring's order, which is the order the
 * writes happened in across processes. Before the kernel queues anything of its own (an exit, a
 * table change, a notice), the outbox drains the ring, so nothing it says overtakes a line
 * written before it.
 */
import { consoleRead } from '../ipc/console-ring';
import { ringClearLocks, ringSeq, ringWaitChange, ringWriteLockHolder } from '../ipc/ring';
import type { Pid } from '../protocol/common';
import type { Outbox } from './outbox';

interface Arena {
  words: Int32Array;
  bytes: Uint8Array;
}

/** Up to this many records in one drain, each goes to the console as its own piece. */
const MOST_SEPARATE_WRITES = 64;
/** How often the drain looks for a copy lock held by a process that has ended. */
const DEAD_LOCK_CHECK_MS = 100;

export class ConsoleOutput {
  private readonly decoders = new Map<string, TextDecoder>();
  /** Processes that have ended. A terminated worker can run a moment longer: what it writes
   * then is dropped (a killed process writes nothing), and a lock it takes then is freed. */
  private readonly dead = new Set<Pid>();
  private readonly turns = new MessageChannel();

  constructor(
    private readonly arena: Arena,
    readonly ring: number,
    private readonly outbox: Outbox,
    /** From the clock all workers share to the trace's: each chunk says when it was written. */
    private readonly traceTime: (at: number) => number = (at) => at,
  ) {
    void this.pump();
  }

  /** Moves what is in the ring to the outbox; returns the count of records taken. */
  drain(): number {
    const writes = consoleRead(this.arena.words, this.arena.bytes, this.ring).filter(
      (w) => !this.dead.has(w.pid),
    );
    // Each write is its own piece, so that the Timeline shows each print; in a flood,
    // neighbouring records of one thread's stream go as one piece, from its first's time.
    const merge = writes.length > MOST_SEPARATE_WRITES;
    let i = 0;
    while (i < writes.length) {
      const { pid, tid, fd, at } = writes[i];
      let j = i + 1;
      while (merge && j < writes.length && writes[j].pid === pid && writes[j].fd === fd) {
        if (writes[j].tid !== tid) break;
        j++;
      }
      const parts = writes.slice(i, j).map((w) => w.data);
      this.emit(pid, fd, parts.length === 1 ? parts[0] : concat(parts), tid, at);
      i = j;
    }
    return writes.length;
  }

  /** Output that comes after everything in the ring: what an exiting process still held, or
   * the kernel's own words about a process. */
  append(pid: Pid, fd: number, data: Uint8Array): void {
    this.drain();
    this.emit(pid, fd, data, pid, now());
  }

  /** A process ended: its last bytes are taken, a copy lock it died holding is freed, and a
   * character it left unfinished shows as U+FFFD. */
  exited(pid: Pid): void {
    this.drain();
    this.dead.add(pid);
    ringClearLocks(this.arena.words, this.ring, pid);
    for (const fd of [1, 2] as const) {
      const decoder = this.decoders.get(`${pid}:${fd}`);
      const rest = decoder?.decode();
      if (rest) this.outbox.output({ pid, fd, text: rest, tid: pid, t: this.traceTime(now()) });
      this.decoders.delete(`${pid}:${fd}`);
    }
  }

  private emit(pid: Pid, fd: number, data: Uint8Array, tid: Pid, at: number): void {
    if (fd !== 1 && fd !== 2) return;
    const key = `${pid}:${fd}`;
    let decoder = this.decoders.get(key);
    if (!decoder) this.decoders.set(key, (decoder = new TextDecoder()));
    const text = decoder.decode(data, { stream: true });
    if (text) this.outbox.output({ pid, fd, text, tid, t: this.traceTime(at) });
  }

  /** Drains the ring as it fills (at most its capacity a turn), and not while the UI is behind (so a
   * flooding writer finds the ring full and waits, as on a full pipe). */
  private async pump(): Promise<void> {
    for (;;) {
      if (this.outbox.congested()) await this.outbox.whenUncongested();
      const holder = ringWriteLockHolder(this.arena.words, this.ring);
      if (this.dead.has(holder)) ringClearLocks(this.arena.words, this.ring, holder);
      const seq = ringSeq(this.arena.words, this.ring);
      if (this.drain() === 0) {
        await ringWaitChange(this.arena.words, this.ring, seq, DEAD_LOCK_CHECK_MS);
      } else {
        await this.nextTurn(); // lets the kernel's other messages in (Stop among them)
      }
    }
  }

  /** A macrotask: setTimeout would be clamped to 4 ms once nested. */
  private nextTurn(): Promise<void> {
    return new Promise((resolve) => {
      this.turns.port1.onmessage = () => resolve();
      this.turns.port2.postMessage(null);
    });
  }
}

const now = () => performance.timeOrigin + performance.now();

function concat(parts: Uint8Array[]): Uint8Array {
  const whole = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    whole.set(p, at);
    at += p.length;
  }
  return whole;
}
