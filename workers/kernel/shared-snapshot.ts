/**
 * The memory snapshot as every process worker gets it: one copy in shared WebAssembly memory.
 *
 * A boot's message would copy an unshared snapshot: 30 MB, about 0.1 s of the kernel's time
 * each, while every process waits on it. In WebAssembly memory a fork can also test its pages
 * against the snapshot's with WebAssembly (runtime/fork-image.ts). The snapshot's memory image
 * is placed on a page boundary, so that its pages are the interpreter's pages, and it comes
 * with a map of which of them are zero: those need not be read to be compared (reading a page
 * of fresh memory can make it resident as a write does). The fork area's slots follow it.
 */
import { FORK_AREA_BYTES } from '../ipc/fork-area';
import type { SharedSnapshot } from '../protocol/process';
import {
  PAGE_BYTES,
  type PackedImage,
  decodePacked,
  memoryOffset,
  unpackPages,
} from '../runtime/sparse-copy';

const WASM_PAGE_BYTES = 65536;
let snapshotsMade = 0;

/** The snapshot's first page, where its header (and so its memory image's offset) is. */
function firstPage({ pages, packed }: PackedImage): Uint8Array | null {
  return pages[0] === 1 ? packed.subarray(0, PAGE_BYTES) : null;
}

/** Which pages of the memory image (from `offset` in the snapshot) may be written: a page is
 * zero only where every snapshot page it overlaps is. */
function memoryPages(image: PackedImage, offset: number): Uint8Array {
  const count = Math.ceil((image.length - offset) / PAGE_BYTES);
  const pages = new Uint8Array(count);
  for (let page = 0; page < count; page++) {
    const first = Math.floor((offset + page * PAGE_BYTES) / PAGE_BYTES);
    const last = Math.floor((offset + (page + 1) * PAGE_BYTES - 1) / PAGE_BYTES);
    for (let at = first; at <= Math.min(last, image.pages.length - 1); at++) {
      if (image.pages[at] !== 0) pages[page] = 1;
    }
  }
  return pages;
}

/** `bytes`, a snapshot as the store keeps it (packed), in shared memory. Bytes that are no
 * packed image go as they are: a damaged snapshot then fails to boot, and is replaced. */
export function snapshotInSharedMemory(bytes: Uint8Array): SharedSnapshot {
  const image = decodePacked(bytes);
  const length = image?.length ?? bytes.length;
  const head = image ? firstPage(image) : bytes;
  const offset = head && memoryOffset(head);
  const start = offset ? (PAGE_BYTES - (offset % PAGE_BYTES)) % PAGE_BYTES : 0;
  // The fork area's slots follow, on a page of their own (ipc/fork-area.ts).
  const forkArea = Math.ceil((start + length) / WASM_PAGE_BYTES) * WASM_PAGE_BYTES;
  const size = (forkArea + FORK_AREA_BYTES) / WASM_PAGE_BYTES;
  const memory = new WebAssembly.Memory({ initial: size, maximum: size, shared: true });
  const shared = new Uint8Array(memory.buffer, start, length);
  if (image) unpackPages(shared, image, 'fresh');
  else shared.set(bytes);
  snapshotsMade += 1;
  const pages = image && offset ? memoryPages(image, offset) : null;
  return { memory, start, length, id: snapshotsMade, pages, forkArea };
}
