/**
 * The volume's data heap: a buddy allocator whose state lives in the shared buffer, so any
 * process holding the volume's lock may allocate and free. A block of order k is 2^k bytes on a
 * 2^k boundary; freeing merges a block with its free buddy, so the heap does not fragment into
 * pieces too small for a growing file. Callers hold the volume lock.
 */
import { HEAP_AT, HEAP_ORDER, Header, MIN_ORDER, ORDER_MAP_AT } from '../protocol/fs';

/** The order of the smallest block that holds `bytes`. */
export function orderFor(bytes: number): number {
  let order = MIN_ORDER;
  while (order <= HEAP_ORDER && 2 ** order < bytes) order++;
  return order;
}

export class BuddyHeap {
  /** Order + 1 of the free block starting at each smallest-block index, else 0. */
  private readonly orders: Uint8Array;
  private readonly words: Int32Array;

  constructor(buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer);
    this.orders = new Uint8Array(buffer, ORDER_MAP_AT, 1 << (HEAP_ORDER - MIN_ORDER));
  }

  /** Sets up an empty heap: one free block of the whole size. */
  format(): void {
    this.orders.fill(0);
    for (let order = 0; order <= HEAP_ORDER; order++) this.words[Header.FREE_LISTS + order] = 0;
    this.push(0, HEAP_ORDER);
  }

  /** The byte offset (into the volume) of a new block of `order`, or -1 when none is free. */
  allocate(order: number): number {
    let found = order;
    while (found <= HEAP_ORDER && this.words[Header.FREE_LISTS + found] === 0) found++;
    if (found > HEAP_ORDER) return -1;
    const index = this.words[Header.FREE_LISTS + found] - 1;
    this.unlink(index, found);
    // Split down to the size asked for; the upper halves go back free.
    while (found > order) {
      found--;
      this.push(index + (1 << (found - MIN_ORDER)), found);
    }
    return HEAP_AT + (index << MIN_ORDER);
  }

  free(at: number, order: number): void {
    let index = (at - HEAP_AT) >> MIN_ORDER;
    while (order < HEAP_ORDER) {
      const buddy = index ^ (1 << (order - MIN_ORDER));
      if (this.orders[buddy] !== order + 1) break;
      this.unlink(buddy, order);
      index = Math.min(index, buddy);
      order++;
    }
    this.push(index, order);
  }

  /** The link words of a free block: its first two words hold next and previous (index + 1). */
  private link(index: number): number {
    return (HEAP_AT >> 2) + (index << (MIN_ORDER - 2));
  }

  private push(index: number, order: number): void {
    const head = this.words[Header.FREE_LISTS + order];
    const at = this.link(index);
    this.words[at] = head;
    this.words[at + 1] = 0;
    if (head !== 0) this.words[this.link(head - 1) + 1] = index + 1;
    this.words[Header.FREE_LISTS + order] = index + 1;
    this.orders[index] = order + 1;
  }

  private unlink(index: number, order: number): void {
    const at = this.link(index);
    const next = this.words[at];
    const previous = this.words[at + 1];
    if (previous === 0) this.words[Header.FREE_LISTS + order] = next;
    else this.words[this.link(previous - 1)] = next;
    if (next !== 0) this.words[this.link(next - 1) + 1] = previous;
    this.orders[index] = 0;
  }
}
