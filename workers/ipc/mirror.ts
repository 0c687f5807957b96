/**
 * Shared ctypes memory (multiprocessing's Value, Array and sharedctypes) for one process.
 *
 * ctypes objects must live in the process's own WebAssembly heap, which no other worker can see,
 * so each shared block is mirrored: a local copy in the heap, where Python reads and writes, and
 * the block in the arena, which every process sees. A fence brings the two together: bytes
 * changed here since the last fence go out to the arena, and bytes changed elsewhere come in. A
 * twin (the block as it was at the last fence) tells which is which, as in software distributed
 * shared memory (TreadMarks' twins and diffs), so two processes writing different parts of one
 * block never undo each other.
 *
 * The runtime fences at every point where processes synchronise: semaphore acquire and release,
 * pipe reads and writes, each kernel call, and exit. A program that guards shared memory with
 * a multiprocessing lock, or hands over through a queue, pipe or join, sees every write exactly
 * as under CPython.
 */

interface Mapping {
  /** Offset of the block in the arena. */
  at: number;
  size: number;
  twin: Uint8Array;
}

/**
 * One fence over one block. Word by word while nothing changed, byte by byte inside a word
 * that did, so neighbouring bytes written by different processes both survive. True when
 * some byte went out to `shared`.
 */
export function fenceBlock(local: Uint8Array, shared: Uint8Array, twin: Uint8Array): boolean {
  const n = local.length;
  let start = 0;
  let published = false;
  if (((local.byteOffset | shared.byteOffset | twin.byteOffset) & 3) === 0) {
    const words = n >>> 2;
    const l32 = new Int32Array(local.buffer, local.byteOffset, words);
    const s32 = new Int32Array(shared.buffer, shared.byteOffset, words);
    const t32 = new Int32Array(twin.buffer, twin.byteOffset, words);
    for (let w = 0; w < words; w++) {
      const t = t32[w];
      if (l32[w] === t && s32[w] === t) continue;
      published = fenceBytes(local, shared, twin, w << 2, (w << 2) + 4) || published;
    }
    start = words << 2;
  }
  return fenceBytes(local, shared, twin, start, n) || published;
}

function fenceBytes(
  local: Uint8Array,
  shared: Uint8Array,
  twin: Uint8Array,
  from: number,
  to: number,
): boolean {
  let published = false;
  for (let i = from; i < to; i++) {
    const l = local[i];
    const t = twin[i];
    if (l !== t) {
      shared[i] = l; // written here: publish
      twin[i] = l;
      published = true;
    } else {
      const s = shared[i];
      if (s !== t) {
        local[i] = s; // written elsewhere: take it
        twin[i] = s;
      }
    }
  }
  return published;
}

/** The blocks this process has mapped, keyed by the local copy's address in the heap. */
export class SharedMirrors {
  private readonly maps = new Map<number, Mapping>();
  private readonly shared: Uint8Array;

  /** `heap` is read at each fence: the WebAssembly memory may have grown since. */
  constructor(
    arena: SharedArrayBuffer,
    private readonly heap: () => Uint8Array,
  ) {
    this.shared = new Uint8Array(arena);
  }

  /** Starts mirroring arena block `at` into the heap at `addr`, which takes the block's bytes. */
  map(addr: number, at: number, size: number): void {
    // One read of the block for both copies: another process may be writing it meanwhile.
    const twin = this.shared.slice(at, at + size);
    this.heap().set(twin, addr);
    this.maps.set(addr, { at, size, twin });
  }

  /** Stops mirroring, after a last fence so no write made here is lost. */
  unmap(addr: number): void {
    const m = this.maps.get(addr);
    if (!m) return;
    const heap = this.heap();
    fenceBlock(
      heap.subarray(addr, addr + m.size),
      this.shared.subarray(m.at, m.at + m.size),
      m.twin,
    );
    this.maps.delete(addr);
  }

  get size(): number {
    return this.maps.size;
  }

  /** Each mapping as `[addr, at, size]`: a forked child maps the same blocks at the same
   * addresses (call after a fence). */
  list(): [number, number, number][] {
    return [...this.maps].map(([addr, { at, size }]) => [addr, at, size]);
  }

  fence(): void {
    if (this.maps.size === 0) return;
    const heap = this.heap();
    for (const [addr, { at, size, twin }] of this.maps) {
      fenceBlock(heap.subarray(addr, addr + size), this.shared.subarray(at, at + size), twin);
    }
  }
}
