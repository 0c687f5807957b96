/** The kernel's allocator for the IPC arena: first fit over a sorted free list. */
import { ARENA_ALIGN } from '../protocol/ipc';

interface Extent {
  at: number;
  size: number;
}

export class ArenaAllocator {
  private free: Extent[];
  private readonly sizes = new Map<number, number>();

  /** Offset 0 is never handed out, so no object's id is 0. */
  constructor(bytes: number) {
    this.free = [{ at: ARENA_ALIGN, size: bytes - ARENA_ALIGN }];
  }

  /** A block of at least `bytes`, or null when the arena is full. */
  allocate(bytes: number): number | null {
    const size = Math.ceil(bytes / ARENA_ALIGN) * ARENA_ALIGN;
    const i = this.free.findIndex((e) => e.size >= size);
    if (i < 0) return null;
    const extent = this.free[i];
    const at = extent.at;
    if (extent.size === size) this.free.splice(i, 1);
    else this.free[i] = { at: at + size, size: extent.size - size };
    this.sizes.set(at, size);
    return at;
  }

  release(at: number): void {
    const size = this.sizes.get(at);
    if (size === undefined) return;
    this.sizes.delete(at);
    let i = this.free.findIndex((e) => e.at > at);
    if (i < 0) i = this.free.length;
    this.free.splice(i, 0, { at, size });
    // Merge with the neighbours so the arena does not fragment.
    const next = this.free[i + 1];
    if (next && at + size === next.at) {
      this.free[i].size += next.size;
      this.free.splice(i + 1, 1);
    }
    const prev = this.free[i - 1];
    if (prev && prev.at + prev.size === at) {
      prev.size += this.free[i].size;
      this.free.splice(i, 1);
    }
  }

  /** Bytes in use (for tests and the process list). */
  get used(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    return total;
  }
}
