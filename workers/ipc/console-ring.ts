/**
 * The console ring (protocol/ipc.ts `ConsoleRecord`): every process's standard output and
 * error, in the one order the arena gives their writes. Writers never wait here; the process
 * keeps what did not fit and waits for room (runtime/stdio-slice.ts). This runs once for each
 * printed line, so it makes no DataView and copies the bytes once.
 */
import { CONSOLE_RECORD_MAX, ConsoleRecord } from '../protocol/ipc';
import {
  LENGTH_BYTES,
  getUint32,
  putUint32,
  ringFree,
  ringTakeAll,
  ringWriteMessage,
} from './ring';

/** Who holds the read lock while the kernel copies out (0 means unlocked; pids are positive). */
const KERNEL_LOCK_ID = -1;

export interface ConsoleWrite {
  pid: number;
  tid: number;
  /** When it was written: `performance.timeOrigin + performance.now()` in the writer. */
  at: number;
  fd: number;
  data: Uint8Array;
}

/** A float's bytes, without a DataView. */
const clock = new Float64Array(1);
const clockBytes = new Uint8Array(clock.buffer);

/** Puts as much of `data` as fits, in records; returns the count of bytes taken. */
export function consoleWrite(
  arena: Int32Array,
  bytes: Uint8Array,
  ring: number,
  pid: number,
  fd: number,
  data: Uint8Array,
  tid = pid,
): number {
  const header = new Uint8Array(ConsoleRecord.HEADER_BYTES);
  putUint32(header, ConsoleRecord.PID, pid);
  putUint32(header, ConsoleRecord.TID, tid);
  clock[0] = performance.timeOrigin + performance.now();
  header.set(clockBytes, ConsoleRecord.AT);
  header[ConsoleRecord.FD] = fd;
  let taken = 0;
  while (taken < data.length) {
    const room = ringFree(arena, ring) - LENGTH_BYTES - ConsoleRecord.HEADER_BYTES;
    const count = Math.min(data.length - taken, CONSOLE_RECORD_MAX, room);
    if (count <= 0) break;
    const part = data.subarray(taken, taken + count);
    // Another writer may have taken the room meanwhile: the rest waits for the next try.
    if (ringWriteMessage(arena, bytes, ring, pid, header, part) < 0) break;
    taken += count;
  }
  return taken;
}

/** Takes every record in the ring (the kernel's side: the one reader). */
export function consoleRead(arena: Int32Array, bytes: Uint8Array, ring: number): ConsoleWrite[] {
  const taken = ringTakeAll(arena, bytes, ring, KERNEL_LOCK_ID);
  const writes: ConsoleWrite[] = [];
  let at = 0;
  while (at + LENGTH_BYTES + ConsoleRecord.HEADER_BYTES <= taken.length) {
    const length = getUint32(taken, at);
    const record = at + LENGTH_BYTES;
    clockBytes.set(taken.subarray(record + ConsoleRecord.AT, record + ConsoleRecord.AT + 8));
    writes.push({
      pid: getUint32(taken, record + ConsoleRecord.PID),
      tid: getUint32(taken, record + ConsoleRecord.TID),
      at: clock[0],
      fd: taken[record + ConsoleRecord.FD],
      data: taken.subarray(record + ConsoleRecord.HEADER_BYTES, record + length),
    });
    at = record + length;
  }
  return writes;
}
