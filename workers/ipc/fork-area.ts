/**
 * Where a fork's memory image waits for its child: a few slots of shared memory that every
 * process worker reuses.
 *
 * An image sent as a transferred ArrayBuffer stays resident for the child's whole life: the
 * message that brought it (the child's exec call, which lasts as long as its program) holds its
 * bytes, and detaching the buffer does not free them (Chromium frees them with the message,
 * at a garbage collection). A slot is written by the parent, read by the child, and given back
 * by the child once its memory is restored; its pages serve the next fork, already resident.
 * An image larger than a slot, or a fork when every slot is taken, goes by transfer.
 *
 * The slots' bytes are in the snapshot's shared WebAssembly memory, after the snapshot
 * (kernel/shared-snapshot.ts), which a parent and its child both booted from: WebAssembly
 * functions write and apply an image's patches there directly (runtime/patch-copies.ts).
 * Giving a worker a WebAssembly memory of its own for them cost a burst of eight starts 20–40
 * ms (each exec message carried it). Which slots are held is told apart, in a small
 * SharedArrayBuffer of the kernel's (`FORK_SLOT_STATES_BYTES`): one word per slot (0 free,
 * else the token of the fork that holds it), then a counter for tokens.
 */
import type { ForkSlot } from '../protocol/process';

export const FORK_SLOTS = 8;
export const FORK_SLOT_BYTES = 16 << 20;
/** The slots' bytes, after the snapshot in its memory. */
export const FORK_AREA_BYTES = FORK_SLOTS * FORK_SLOT_BYTES;
const TOKEN_INDEX = FORK_SLOTS;
export const FORK_SLOT_STATES_BYTES = 4 * (FORK_SLOTS + 1);

/** Where the slots' bytes are: `buffer` (the snapshot memory's) from byte `start`. */
export interface ForkArea {
  buffer: ArrayBufferLike;
  start: number;
}

/** A free slot for an image of `bytes`, now held; null when the image does not fit one or
 * every slot is taken. `states`: the slots' state words. */
export function claimForkSlot(states: SharedArrayBuffer, bytes: number): ForkSlot | null {
  if (bytes > FORK_SLOT_BYTES) return null;
  const words = new Int32Array(states);
  const token = (Atomics.add(words, TOKEN_INDEX, 1) % 0x7fffffff) + 1;
  for (let slot = 0; slot < FORK_SLOTS; slot++) {
    if (Atomics.compareExchange(words, slot, 0, token) === 0) return { slot, token };
  }
  return null;
}

/** The first `bytes` of a slot (all of it by default). */
export function forkSlotBytes(
  area: ForkArea,
  { slot }: ForkSlot,
  bytes = FORK_SLOT_BYTES,
): Uint8Array {
  return new Uint8Array(area.buffer, area.start + slot * FORK_SLOT_BYTES, bytes);
}

/** Gives the slot back, if this fork still holds it: the child once restored, or the kernel
 * when a child ends before it could. */
export function freeForkSlot(states: SharedArrayBuffer, { slot, token }: ForkSlot): void {
  const words = new Int32Array(states);
  if (slot >= 0 && slot < FORK_SLOTS) Atomics.compareExchange(words, slot, token, 0);
}

/** A ForkSlot as it came across a worker boundary, checked. */
export function isForkSlot(value: unknown): value is ForkSlot {
  const held = value as ForkSlot | null;
  return (
    typeof held === 'object' &&
    held !== null &&
    Number.isInteger(held.slot) &&
    held.slot >= 0 &&
    held.slot < FORK_SLOTS &&
    Number.isInteger(held.token) &&
    held.token > 0
  );
}
