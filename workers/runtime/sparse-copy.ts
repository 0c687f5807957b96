/**
 * Fresh WebAssembly memory is zero and costs no RAM until a page of it is touched. An
 * interpreter's memory image is almost half zero pages (its unused stack, its free heap), so
 * copying one in whole makes every page resident. These copies skip the pages that are zero in
 * the source and, as far as is known, in the target.
 *
 * Whether a target page is zero is learnt by reading it, which is free on most systems (the
 * kernel maps its shared zero page) but on some virtual machines makes the page resident as a
 * write would. So the snapshot restore, whose target is always the same fresh memory, reads it
 * once per kernel and then goes by a map of the pages written before the restore.
 */

/** The operating system's page: the unit in which memory becomes resident. */
export const PAGE_BYTES = 4096;

/** One byte per page of a fresh interpreter's memory: 1 where the runtime wrote before Pyodide
 * restored the snapshot (its static data, the start-up stack), 0 where the page is untouched. */
export type WrittenPages = Uint8Array;

function words(bytes: Uint8Array): Uint32Array | null {
  const aligned = bytes.byteOffset % 4 === 0 && bytes.length % 4 === 0;
  return aligned ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) : null;
}

function isZero(bytes: Uint8Array, asWords: Uint32Array | null, start: number, end: number) {
  if (asWords && start % 4 === 0 && end % 4 === 0) {
    for (let i = start / 4; i < end / 4; i++) if (asWords[i] !== 0) return false;
    return true;
  }
  for (let i = start; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** The pages of `memory` that are not zero (reading every one of them). */
export function writtenPages(memory: Uint8Array): WrittenPages {
  const asWords = words(memory);
  const pages = new Uint8Array(Math.ceil(memory.length / PAGE_BYTES));
  for (let page = 0; page < pages.length; page++) {
    const start = page * PAGE_BYTES;
    pages[page] = isZero(memory, asWords, start, Math.min(start + PAGE_BYTES, memory.length))
      ? 0
      : 1;
  }
  return pages;
}

/**
 * `target.set(source, at)`, leaving out each page that is zero in `source` and in `target`.
 * `written`, when given, says which target pages may be non-zero without reading them. `at` is
 * page-aligned in every use; otherwise this is a plain copy.
 */
export function copySparse(
  target: Uint8Array,
  source: Uint8Array,
  at = 0,
  written: WrittenPages | null = null,
): void {
  if (at % PAGE_BYTES !== 0 || at + source.length > target.length) {
    target.set(source, at);
    return;
  }
  const sourceWords = words(source);
  const targetWords = words(target);
  for (let start = 0; start < source.length; start += PAGE_BYTES) {
    const end = Math.min(start + PAGE_BYTES, source.length);
    if (isZero(source, sourceWords, start, end)) {
      const page = (at + start) / PAGE_BYTES;
      const targetZero = written
        ? written[page] === 0
        : isZero(target, targetWords, at + start, at + end);
      if (targetZero) continue;
    }
    target.set(source.subarray(start, end), at + start);
  }
}

/** `target.fill(0, from)`, writing only the pages that are not zero already. */
export function clearSparse(target: Uint8Array, from: number): void {
  const targetWords = words(target);
  for (let start = from; start < target.length;) {
    const end = Math.min((Math.floor(start / PAGE_BYTES) + 1) * PAGE_BYTES, target.length);
    if (!isZero(target, targetWords, start, end)) target.fill(0, start, end);
    start = end;
  }
}

/**
 * Runs `load` (Pyodide's boot) with its copy of `snapshot` into fresh memory made sparse.
 * Pyodide copies with one `HEAP8.set` in its `restoreSnapshot` and offers no hook, so that call,
 * recognised by its source, is answered here; should Pyodide copy otherwise, the copy is whole,
 * as before. Without `written`, the target is read once and its map returned for later boots.
 */
export async function withSparseRestore<T>(
  snapshot: Uint8Array | null,
  written: WrittenPages | null,
  load: () => Promise<T>,
): Promise<{ loaded: T; written: WrittenPages | null }> {
  if (!snapshot) return { loaded: await load(), written: null };
  const typedArray = Object.getPrototypeOf(Int8Array.prototype) as {
    set(this: Uint8Array, source: ArrayLike<number>, offset?: number): void;
  };
  const set = typedArray.set;
  let measured: WrittenPages | null = null;
  let copying = false; // copySparse's own page copies take the plain way
  typedArray.set = function (this: Uint8Array, source: ArrayLike<number>, offset?: number) {
    const fromSnapshot = ArrayBuffer.isView(source) && source.buffer === snapshot.buffer;
    if (copying || !fromSnapshot || this.BYTES_PER_ELEMENT !== 1 || (offset ?? 0) !== 0) {
      return set.call(this, source, offset);
    }
    const target = new Uint8Array(this.buffer, this.byteOffset, this.length);
    const view = source as Uint8Array;
    copying = true;
    try {
      const known = written?.length === Math.ceil(target.length / PAGE_BYTES) ? written : null;
      measured = known ? null : writtenPages(target);
      copySparse(
        target,
        new Uint8Array(view.buffer, view.byteOffset, view.byteLength),
        0,
        known ?? measured,
      );
    } finally {
      copying = false;
    }
  };
  try {
    return { loaded: await load(), written: measured };
  } finally {
    typedArray.set = set;
  }
}
