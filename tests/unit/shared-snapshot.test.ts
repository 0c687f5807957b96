/** The snapshot in shared WebAssembly memory (kernel/shared-snapshot.ts). */
import { describe, expect, it } from 'vitest';
import { snapshotInSharedMemory } from '../../workers/kernel/shared-snapshot';
import { PAGE_BYTES, encodePacked, packPages } from '../../workers/runtime/sparse-copy';

/** A snapshot as Pyodide lays it out: a header whose second word says where memory starts. */
function snapshot(offset: number, memoryPages: number, written: number[]): Uint8Array {
  const bytes = new Uint8Array(offset + memoryPages * PAGE_BYTES);
  new DataView(bytes.buffer).setUint32(4, offset, true);
  for (const page of written) bytes[offset + page * PAGE_BYTES + 7] = page + 1;
  return bytes;
}

describe('snapshotInSharedMemory', () => {
  it('puts the memory image on a page, with a map of its pages that may be written', () => {
    const bytes = snapshot(128, 6, [1, 4]);
    const shared = snapshotInSharedMemory(encodePacked(packPages(bytes)));
    expect((shared.start + 128) % PAGE_BYTES).toBe(0);
    expect(new Uint8Array(shared.memory.buffer, shared.start, shared.length)).toEqual(bytes);
    expect(shared.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    // Memory page 1 is written; page 4's byte lies in the snapshot's page 4, which memory
    // pages 3 and 4 overlap (the image starts 128 bytes into a snapshot page): zero only
    // where no overlapped snapshot page is written.
    expect([...shared.pages!]).toEqual([1, 1, 0, 1, 1, 0]);
  });

  it('numbers its snapshots, and takes bytes that are no packed image as they are', () => {
    const first = snapshotInSharedMemory(encodePacked(packPages(snapshot(4096, 2, [0]))));
    const raw = snapshot(4096, 2, [1]);
    const second = snapshotInSharedMemory(raw);
    expect(second.id).toBeGreaterThan(first.id);
    expect(first.start).toBe(0); // already on a page
    expect(new Uint8Array(second.memory.buffer, second.start, second.length)).toEqual(raw);
    expect(second.pages).toBeNull(); // unknown: every page is compared
  });
});
