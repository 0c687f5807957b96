/**
 * Where a fork's memory image waits for its child: a few slots of shared memory that the kernel
 * makes once and every process worker reuses.
 *
 * An image sent as a transferred ArrayBuffer stays resident for the child's whole life: the
 * message that brought it (the child's exec call, which lasts as long as its program) holds its
 * bytes, and detaching the buffer does not free them (Chromium frees them with the message,
 * at a garbage collection). A slot is written by the parent, read by the child, and given back
 * by the child once its memory is restored; its pages serve the next fork, already resident.
 * An image larger than a slot, or a fork when every slot is taken, goes by transfer, packed
 * smaller (its pages as patches: runtime/page-patches.ts).
 *
 * Layout: one state word per slot (0 free, else the token of the fork that holds it), a
 * counter for tokens, then the slots.
 */
import type { ForkSlot } from '../protocol/process';

export const FORK_SLOTS = 3;
export const FORK_SLOT_BYTES = 24 << 20;
const TOKEN_INDEX = FORK_SLOTS;
const HEADER_BYTES = 64;
export const FORK_AREA_BYTES = HEADER_BYTES + FORK_SLOTS * FORK_SLOT_BYTES;

/** A free slot for an image of `bytes`, now held, with the bytes to write it into; null when
 * the image does not fit one or every slot is taken. */
export function claimForkSlot(
  area: SharedArrayBuffer,
  bytes: number,
): { held: ForkSlot; into: Uint8Array } | null {
  if (bytes > FORK_SLOT_BYTES) return null;
  const words = new Int32Array(area, 0, HEADER_BYTES / 4);
  const token = (Atomics.add(words, TOKEN_INDEX, 1) % 0x7fffffff) + 1;
  for (let slot = 0; slot < FORK_SLOTS; slot++) {
    if (Atomics.compareExchange(words, slot, 0, token) === 0) {
      return { held: { slot, token }, into: forkSlotBytes(area, { slot, token }, bytes) };
    }
  }
  return null;
}

/** The first `bytes` of a slot (all of it by default). */
export function forkSlotBytes(
  area: SharedArrayBuffer,
  { slot }: ForkSlot,
  bytes = FORK_SLOT_BYTES,
): Uint8Array {
  return new Uint8Array(area, HEADER_BYTES + slot * FORK_SLOT_BYTES, bytes);
}

/** Gives the slot back, if this fork still holds it: the child once restored, or the kernel
 * when a child ends before it could. */
export function freeForkSlot(area: SharedArrayBuffer, { slot, token }: ForkSlot): void {
  const words = new Int32Array(area, 0, HEADER_BYTES / 4);
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
