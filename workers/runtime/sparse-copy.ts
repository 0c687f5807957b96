/**
 * Fresh WebAssembly memory is zero and costs no RAM until a page of it is touched. An
 * interpreter's memory image is almost half zero pages (its unused stack, its free heap), so
 * copying one in whole makes every page resident. These copies skip the pages that are zero in
 * the source and, as far as is known, in the target.
 *
 * Whether a target page is zero is learnt by reading it, which is free on most systems (the
 * kernel maps its shared zero page) but on some virtual machines makes the page resident as a
 * write would, and a page fault there costs about 12 µs. So the snapshot restore, whose target
 * is always the same fresh memory, reads it once per kernel and then goes by a map of the pages
 * written before the restore.
 */

import type { ChunkTest, PageTest } from './page-tests';
import { applyPatch, patchLength, patchOf, writePatch } from './page-patches';
import { type AreaPatches, PUT_NOTHING_BACK, PUT_ZERO_BACK } from './patch-copies';

/** The operating system's page: the unit in which memory becomes resident. */
export const PAGE_BYTES = 4096;

/** One byte per page of a fresh interpreter's memory: 1 where the runtime wrote before Pyodide
 * restored the snapshot (its static data, the start-up stack), 0 where the page is untouched. */
export type WrittenPages = Uint8Array;

function words(bytes: Uint8Array): Uint32Array | null {
  const aligned = bytes.byteOffset % 4 === 0 && bytes.length % 4 === 0;
  return aligned ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) : null;
}

/**
 * What an image leaves out (its base), and how pages are read. By default the base is fresh
 * memory, all zero. A fork's base is the snapshot every process boots from: a page the parent
 * has not written since its boot is in the child's memory already (fork-image.ts).
 */
export interface PageBase {
  /** The base's bytes from the memory's start; past them it is zero. None: all zero. */
  bytes?: Uint8Array;
  /** Which of the base's pages may be written (1) and which are zero (0): a page compared with
   * a zero one is only tested for zero, and the base's page is not read. */
  pages?: WrittenPages | null;
  /** WebAssembly tests of a memory's whole pages (page-tests.ts): zero, and equal to `bytes`'.
   * They read the memory from its start, so they serve only views that start there. */
  zero?: PageTest | null;
  same?: PageTest | null;
  /** The same for the 128-byte chunks of a page (a patch's, page-patches.ts), if given. */
  zeroChunks?: ChunkTest | null;
  sameChunks?: ChunkTest | null;
  /** WebAssembly copies of patches for images packed into a shared memory (patch-copies.ts):
   * they serve images in that memory's buffer, read or written from the memory's start. */
  area?: AreaPatches | null;
}

/** How a memory's pages are read: its words in JavaScript, or a whole page by a test. */
interface Reader {
  bytes: Uint8Array;
  asWords: Uint32Array | null;
  zero: PageTest | null;
  same: PageTest | null;
  base: Uint8Array | null;
  baseWords: Uint32Array | null;
  basePages: WrittenPages | null;
  zeroChunks: ChunkTest | null;
  sameChunks: ChunkTest | null;
}

function reader(bytes: Uint8Array, baseOf: PageBase = {}): Reader {
  const { bytes: base, zero, same, pages, zeroChunks, sameChunks } = baseOf;
  const fromStart = bytes.byteOffset === 0;
  return {
    bytes,
    asWords: words(bytes),
    zero: (fromStart && zero) || null,
    same: (fromStart && same) || null,
    base: base ?? null,
    baseWords: base ? words(base.subarray(0, base.length - (base.length % 4))) : null,
    basePages: pages ?? null,
    zeroChunks: (fromStart && zeroChunks) || null,
    sameChunks: (fromStart && sameChunks) || null,
  };
}

const isWholePage = (start: number, end: number) =>
  end - start === PAGE_BYTES && start % PAGE_BYTES === 0;

function isZero({ bytes, asWords, zero }: Reader, start: number, end: number) {
  if (zero && isWholePage(start, end)) return zero(start);
  if (asWords && start % 4 === 0 && end % 4 === 0) {
    for (let i = start / 4; i < end / 4; i++) if (asWords[i] !== 0) return false;
    return true;
  }
  for (let i = start; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Whether the bytes from `start` to `end` are the base's. */
function isBase(read: Reader, start: number, end: number): boolean {
  const { bytes, asWords, base, baseWords, same, basePages } = read;
  if (!base || start >= base.length) return isZero(read, start, end);
  if (basePages?.[Math.floor(start / PAGE_BYTES)] === 0 && isWholePage(start, end)) {
    return isZero(read, start, end);
  }
  if (end > base.length) return isBase(read, start, base.length) && isZero(read, base.length, end);
  if (same && isWholePage(start, end)) return same(start);
  if (asWords && baseWords && start % 4 === 0 && end % 4 === 0) {
    for (let i = start / 4; i < end / 4; i++) if (asWords[i] !== baseWords[i]) return false;
    return true;
  }
  for (let i = start; i < end; i++) if (bytes[i] !== base[i]) return false;
  return true;
}

/** Writes the base's bytes from `start` to `end` into `target`. */
function putBase(target: Uint8Array, start: number, end: number, base?: Uint8Array): void {
  const from = base ? Math.min(end, Math.max(start, base.length)) : start;
  if (base && from > start) target.set(base.subarray(start, from), start);
  target.fill(0, from, end);
}

/** The pages of `memory` that are not the base's (not zero, by default), reading every one of
 * them but those wholly in the byte range `unused`, marked UNUSED. With `masks`, a page smaller
 * as a patch against the base (page-patches.ts) is marked PATCHED and its mask kept there: it
 * is read by chunks at once, not tested whole first. A page that is partial, or that straddles
 * the base's end, goes whole. */
export function writtenPages(
  memory: Uint8Array,
  unused: [number, number] = [0, 0],
  base: PageBase = {},
  masks: Uint32Array | null = null,
): WrittenPages {
  const read = reader(memory, base);
  const pages = new Uint8Array(Math.ceil(memory.length / PAGE_BYTES));
  const [firstUnused, pastUnused] = [Math.ceil(unused[0] / PAGE_BYTES), unused[1] / PAGE_BYTES];
  const baseEnd = base.bytes?.length ?? 0;
  for (let page = 0; page < pages.length; page++) {
    if (page >= firstUnused && page + 1 <= pastUnused) {
      pages[page] = UNUSED;
      continue;
    }
    const start = page * PAGE_BYTES;
    const end = Math.min(start + PAGE_BYTES, memory.length);
    if (masks && end === start + PAGE_BYTES && (start >= baseEnd || end <= baseEnd)) {
      const zeroBase = start >= baseEnd || base.pages?.[page] === 0;
      const test = zeroBase ? read.zeroChunks : read.sameChunks;
      // In JavaScript the whole page is tested first: most are the base's, and words are
      // read faster than chunks.
      if (!test && isBase(read, start, end)) continue;
      const bytes = patchOf(memory, zeroBase ? null : base.bytes!, page, masks, test);
      pages[page] = masks[page] === 0 ? 0 : bytes ? PATCHED : WRITTEN;
      continue;
    }
    pages[page] = isBase(read, start, end) ? 0 : 1;
  }
  return pages;
}

/**
 * The pages of `memory` that differ from `base` (1) or not (0). Where the base is zero, only
 * the pages `mayBeWritten` marks (and any past its end) are read, or all with none given: the
 * others are taken to be fresh, as reading them can make them resident. Which pages a boot writes there is the same
 * in every boot from one snapshot (each runs the same code on the same input), so the first
 * boot reads them all and the others go by what it found, as with `WrittenPages` before the
 * restore.
 */
export function changedPages(
  memory: Uint8Array,
  base: PageBase,
  mayBeWritten: WrittenPages | null,
): WrittenPages {
  const read = reader(memory, base);
  const pages = new Uint8Array(Math.ceil(memory.length / PAGE_BYTES));
  const baseLength = base.bytes?.length ?? 0;
  for (let page = 0; page < pages.length; page++) {
    const start = page * PAGE_BYTES;
    const end = Math.min(start + PAGE_BYTES, memory.length);
    const baseZero = start >= baseLength || base.pages?.[page] === 0;
    if (baseZero && mayBeWritten && page < mayBeWritten.length && !mayBeWritten[page]) continue;
    pages[page] = isBase(read, start, end) ? 0 : 1;
  }
  return pages;
}

/** `target.set(source)`, leaving out each page that is zero in `source` and, by `written`, in
 * `target`; a source longer than the target is copied plainly (and fails as `set` does). */
export function copySparse(target: Uint8Array, source: Uint8Array, written: WrittenPages): void {
  if (source.length > target.length) return target.set(source);
  const pages = writtenPages(source);
  pages.forEach((_, page) => {
    if (written[page] !== 0) pages[page] = WRITTEN;
  });
  // One `set` a run: a view per page would be garbage for every boot.
  forEachRun(pages, (first, past) => {
    const start = first * PAGE_BYTES;
    target.set(source.subarray(start, Math.min(past * PAGE_BYTES, source.length)), start);
  });
}

/** A memory image as only its pages that are not its base's (zero, by default): `pages` marks
 * them (`WRITTEN`), `packed` holds them in order. A fork sends its memory so: less to copy, and
 * fresh pages cost a fault each. A page marked `UNUSED` holds nothing anyone will read before writing it (the
 * stack below its pointer): a copy leaves the target's page as it is, read or not. A page
 * marked `PATCHED` is the base's but for the chunks its patch carries (page-patches.ts). */
export interface PackedImage {
  length: number;
  pages: WrittenPages;
  packed: Uint8Array;
}
export const WRITTEN = 1;
export const UNUSED = 2;
export const PATCHED = 3;

/** The bytes the pages `pages` marks WRITTEN take, of a memory `length` long (its last page may
 * be partial). */
function packedLength(length: number, pages: WrittenPages): number {
  const count = pages.reduce((sum, page) => sum + (page === WRITTEN ? 1 : 0), 0);
  const lastPage = length - (pages.length - 1) * PAGE_BYTES; // bytes in the last page
  return count * PAGE_BYTES - (pages.at(-1) === WRITTEN ? PAGE_BYTES - lastPage : 0);
}

/** `memory` packed against `base`; the whole pages in `unused` (a byte range) are marked
 * UNUSED, unread. `patched`: the pages that differ from the base in a few places go as patches
 * (a fork's image: a fraction of the size). `place` gives the bytes the image goes to, or null
 * where it has no room (then it goes into bytes of its own). */
export function packPages(
  memory: Uint8Array,
  unused: [number, number] = [0, 0],
  place: (bytes: number) => Uint8Array | null = () => null,
  base: PageBase = {},
  patched = false,
): PackedImage {
  const masks = patched ? new Uint32Array(Math.ceil(memory.length / PAGE_BYTES)) : null;
  const pages = writtenPages(memory, unused, base, masks);
  let bytes = packedLength(memory.length, pages);
  pages.forEach((mark, page) => (bytes += mark === PATCHED ? patchLength(masks![page]) : 0));
  const packed = place(bytes) ?? new Uint8Array(bytes);
  const write = memory.byteOffset === 0 && packed.buffer === base.area?.buffer && base.area.write;
  let at = 0;
  forEachRun(
    pages,
    (first, past) => {
      const end = Math.min(past * PAGE_BYTES, memory.length);
      packed.set(memory.subarray(first * PAGE_BYTES, end), at);
      at += end - first * PAGE_BYTES;
    },
    write
      ? (page) => (at += write(page * PAGE_BYTES, masks![page], packed.byteOffset + at))
      : (page) => (at += writePatch(memory, page, masks![page], packed, at)),
  );
  return { length: memory.length, pages, packed };
}

/** What is known of a target's pages before an unpack: nothing (each page the image has as its
 * base's is read), that all are the base's (`fresh`), or which differ from it (`changedPages`,
 * taken when nothing has written the target since; pages past its map are read). */
export type TargetPages = 'unknown' | 'fresh' | WrittenPages;

/** `target.set(memory)` for the memory `image` packs against `base`; the image's pages that
 * are the base's, or patched, are first made the base's where the target's differ (by `known`,
 * else read), and its UNUSED pages are left alone. */
export function unpackPages(
  target: Uint8Array,
  image: PackedImage,
  known: TargetPages = 'unknown',
  base: PageBase = {},
): void {
  const read = reader(target, base);
  const differs = (page: number, start: number, end: number) => {
    if (known === 'fresh') return false;
    const mark = known === 'unknown' ? undefined : known[page];
    return mark === undefined ? !isBase(read, start, end) : mark === 1;
  };
  const toBase = (page: number) => {
    const start = page * PAGE_BYTES;
    const end = Math.min(start + PAGE_BYTES, image.length);
    if (differs(page, start, end)) putBase(target, start, end, base.bytes);
  };
  const { packed } = image;
  const apply = target.byteOffset === 0 && packed.buffer === base.area?.buffer && base.area.apply;
  const baseEnd = base.bytes?.length ?? 0;
  /** Where the page's base is to be put back from, for `apply`: a patched page lies wholly
   * within the base or wholly past it. */
  const putBack = (page: number) => {
    const start = page * PAGE_BYTES;
    if (!differs(page, start, start + PAGE_BYTES)) return PUT_NOTHING_BACK;
    return start < baseEnd ? base.bytes!.byteOffset + start : PUT_ZERO_BACK;
  };
  let at = 0;
  forEachRun(
    image.pages,
    (first, past) => {
      const [start, end] = [first * PAGE_BYTES, Math.min(past * PAGE_BYTES, image.length)];
      target.set(packed.subarray(at, at + end - start), start);
      at += end - start;
    },
    apply
      ? (page) => (at += apply(page * PAGE_BYTES, packed.byteOffset + at, putBack(page)))
      : (page) => {
          toBase(page);
          at += applyPatch(target, page, packed, at);
        },
    toBase,
  );
}

/** Calls `run(first, past)` for each run of WRITTEN pages, `patched(page)` for each PATCHED
 * page and `plain(page)` for each page that is its base's, in order: one copy a run, not a
 * page. */
function forEachRun(
  pages: WrittenPages,
  run: (first: number, past: number) => void,
  patched?: (page: number) => void,
  plain?: (page: number) => void,
): void {
  for (let page = 0; page < pages.length;) {
    const mark = pages[page];
    if (mark !== WRITTEN) {
      if (mark === PATCHED) patched!(page);
      else if (mark === 0) plain?.(page);
      page += 1;
      continue;
    }
    const first = page;
    while (page < pages.length && pages[page] === WRITTEN) page += 1;
    run(first, page);
  }
}

/** A packed image kept as one buffer: this tag, its length, its page map, then its pages. */
const PACKED_TAG = 0x50584250; // "PBXP", little-endian
const PACKED_HEADER = 8;

export function encodePacked({ length, pages, packed }: PackedImage): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(PACKED_HEADER + pages.length + packed.length);
  const header = new DataView(bytes.buffer);
  header.setUint32(0, PACKED_TAG, true);
  header.setUint32(4, length, true);
  bytes.set(pages, PACKED_HEADER);
  bytes.set(packed, PACKED_HEADER + pages.length);
  return bytes;
}

/** The image `encodePacked` kept, or null for bytes that are not one whole (another format,
 * damaged, cut short). The result's arrays are views on `bytes`. */
export function decodePacked(bytes: Uint8Array): PackedImage | null {
  if (bytes.length < PACKED_HEADER) return null;
  const header = new DataView(bytes.buffer, bytes.byteOffset, PACKED_HEADER);
  if (header.getUint32(0, true) !== PACKED_TAG) return null;
  const length = header.getUint32(4, true);
  const pageCount = Math.ceil(length / PAGE_BYTES);
  const pages = bytes.subarray(PACKED_HEADER, PACKED_HEADER + pageCount);
  if (pages.length !== pageCount || pages.some((page) => page > 1)) return null;
  const packed = bytes.subarray(PACKED_HEADER + pageCount);
  return packed.length === packedLength(length, pages) ? { length, pages, packed } : null;
}

/** `target.fill(0, from)`, writing only the pages that are not zero already. */
export function clearSparse(target: Uint8Array, from: number, zero: PageTest | null = null): void {
  const read = reader(target, { zero });
  for (let start = from; start < target.length;) {
    const end = Math.min((Math.floor(start / PAGE_BYTES) + 1) * PAGE_BYTES, target.length);
    if (!isZero(read, start, end)) target.fill(0, start, end);
    start = end;
  }
}

/** Frees a large buffer at once, whoever still refers to it: an idle worker may go long without
 * a garbage collection. (Detaching by a transfer where `ArrayBuffer.transfer` is missing.) */
export function release(bytes: Uint8Array): void {
  const buffer = bytes.buffer as ArrayBuffer;
  if (buffer.byteLength === 0) return; // released already (detached), or nothing to free
  if (typeof buffer.transfer === 'function') buffer.transfer(0);
  else structuredClone(buffer, { transfer: [buffer] });
}

/** Where the memory starts in a Pyodide snapshot: its header's second word (Pyodide's format). */
export function memoryOffset(snapshot: Uint8Array): number | null {
  if (snapshot.length < 8) return null;
  const offset = new DataView(snapshot.buffer, snapshot.byteOffset).getUint32(4, true);
  return offset > 0 && offset < snapshot.length && offset % 4 === 0 ? offset : null;
}
