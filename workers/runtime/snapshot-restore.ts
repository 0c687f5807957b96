/**
 * The snapshot restore of a process worker's boot, from the one copy of the snapshot in shared
 * memory (kernel/shared-snapshot.ts), sparsely (sparse-copy.ts).
 */
import {
  PAGE_BYTES,
  type WrittenPages,
  copySparse,
  memoryOffset,
  release,
  writtenPages,
} from './sparse-copy';

/**
 * Runs `load` (Pyodide's boot) with `shared`, a snapshot in shared memory that every worker
 * reads and none copies whole, as what Pyodide restores. Pyodide wants its snapshot as unshared
 * bytes (it decodes the header with a TextDecoder), so it gets a fresh buffer of the same
 * length with only the header in it: fresh memory costs nothing until written. Its restore
 * copies the memory with one `HEAP8.set` and offers no hook, so that call, recognised by its
 * source, copies from `shared` instead, sparsely: pages zero in the snapshot and in the target
 * are skipped, the target's going by `written` (see above) or, without it, read once and
 * returned for later boots. A boot whose restore went another way fails rather than run on an
 * empty memory.
 */
export async function withSharedSnapshot<T>(
  shared: Uint8Array | null,
  written: WrittenPages | null,
  load: (snapshot: Uint8Array | null) => Promise<T>,
): Promise<{ loaded: T; written: WrittenPages | null }> {
  const offset = shared && memoryOffset(shared);
  if (!shared || !offset) return { loaded: await load(shared && shared.slice()), written: null };
  const local = new Uint8Array(shared.length);
  local.set(shared.subarray(0, offset));
  const typedArray = Object.getPrototypeOf(Int8Array.prototype) as {
    set(this: Uint8Array, source: ArrayLike<number>, offset?: number): void;
  };
  const set = typedArray.set;
  let measured: WrittenPages | null = null;
  let restored = false;
  let copying = false; // copySparse's own page copies take the plain way
  typedArray.set = function (this: Uint8Array, source: ArrayLike<number>, at?: number) {
    const isRestore =
      ArrayBuffer.isView(source) &&
      source.buffer === local.buffer &&
      source.byteOffset === local.byteOffset + offset &&
      this.BYTES_PER_ELEMENT === 1 &&
      (at ?? 0) === 0;
    if (copying || !isRestore) return set.call(this, source, at);
    const target = new Uint8Array(this.buffer, this.byteOffset, this.length);
    copying = true;
    try {
      const known = written?.length === Math.ceil(target.length / PAGE_BYTES) ? written : null;
      measured = known ? null : writtenPages(target);
      copySparse(target, shared.subarray(offset), known ?? measured!);
      restored = true;
    } finally {
      copying = false;
    }
  };
  try {
    const loaded = await load(local);
    if (!restored) throw new Error("Pyodide's snapshot restore was not the one this boot knows");
    return { loaded, written: measured };
  } finally {
    typedArray.set = set;
    release(local); // Pyodide keeps its options: free what it holds
  }
}
