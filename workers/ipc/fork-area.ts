/**
 * Where a fork's memory image waits for its child: a few slots of shared memory that the kernel
 * makes once and every process worker reuses.
 *
 * An image sent as a transferred ArrayBuffer stays resident for the child's whole life: the
 * message that brought it (the child's exec call, which lasts as long as its program) holds its
 * bytes, and detaching the buffer does not free them (Chromium frees them with the message,
 * at a garbage collection). A slot is written by the parent, read by the child, and given back
 * by the child once its memory is restored; its pages serve the next fork, already resident.
 * A fork that finds every slot taken (a burst of starts) waits a while for one: a child
 * restores in a few milliseconds once its worker runs, and eight images held until a garbage
 * collection would cost 16 MiB each. An image larger than a slot, or one whose wait ran out,
 * goes by transfer.
 *
 * Layout: one state word per slot (0 free, else the token of the fork that holds it), a
 * counter for tokens, a counter of slots given back (what a waiting fork waits on), then the
 * slots.
 */
import type { ForkSlot } from '../protocol/process';

export const FORK_SLOTS = 3;
export const FORK_SLOT_BYTES = 24 << 20;
/** How long a fork waits for a slot: children of a burst restore as pool workers boot. */
export const FORK_SLOT_WAIT_MS = 1000;
const TOKEN_INDEX = FORK_SLOTS;
const FREED_INDEX = FORK_SLOTS + 1;
const HEADER_BYTES = 64;
export const FORK_AREA_BYTES = HEADER_BYTES + FORK_SLOTS * FORK_SLOT_BYTES;

/** A free slot for an image of `bytes`, now held, with the bytes to write it into; null when
 * the image does not fit one, or every slot stayed taken for `waitMs` (blocking: a worker's). */
export function claimForkSlot(
  area: SharedArrayBuffer,
  bytes: number,
  waitMs = 0,
): { held: ForkSlot; into: Uint8Array } | null {
  if (bytes > FORK_SLOT_BYTES) return null;
  const words = new Int32Array(area, 0, HEADER_BYTES / 4);
  const token = (Atomics.add(words, TOKEN_INDEX, 1) % 0x7fffffff) + 1;
  const deadline = performance.now() + waitMs;
  for (;;) {
    const freed = Atomics.load(words, FREED_INDEX); // before looking: a slot freed after wakes us
    for (let slot = 0; slot < FORK_SLOTS; slot++) {
      if (Atomics.compareExchange(words, slot, 0, token) === 0) {
        return { held: { slot, token }, into: forkSlotBytes(area, { slot, token }, bytes) };
      }
    }
    const left = deadline - performance.now();
    if (left <= 0) return null;
    Atomics.wait(words, FREED_INDEX, freed, left);
  }
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
  if (slot < 0 || slot >= FORK_SLOTS) return;
  if (Atomics.compareExchange(words, slot, token, 0) === token) {
    Atomics.add(words, FREED_INDEX, 1);
    Atomics.notify(words, FREED_INDEX);
  }
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
