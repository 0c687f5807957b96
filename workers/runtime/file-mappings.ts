/**
 * `mmap` of volume files in this process: what `multiprocessing.shared_memory` stands on (a file
 * in /dev/shm, mapped), and `mmap.mmap(f.fileno(), 0)` on any file.
 *
 * A mapping must live in the WebAssembly heap, which no other worker sees, so a shared mapping
 * is mirrored as arena blocks are (ipc/mirror.ts): a local copy, the file's bytes in the volume,
 * and a twin; the runtime fences both kinds at every point where processes synchronise. Two
 * mappings of the same bytes in one process share one copy, as they share pages on Linux.
 *
 * The copy belongs to this module, not to libc (`allocated: false`), because Emscripten tells a
 * filesystem nothing when a mapping goes. The Python layer does (procbox/files.py), and then the
 * copy is fenced a last time and freed; a mapping it never hears of is kept, never reused.
 */
import { fenceBlock } from '../ipc/mirror';
import { Errno } from '../protocol/constants';
import { FsError, type Volume } from '../fs/volume';

/** The parts of Pyodide's Emscripten module this needs. */
export interface WasmHeap {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}
import type { InheritedMapping } from '../protocol/process';

interface Mapping {
  ptr: number;
  ino: number;
  /** Offset in the file of the first mapped byte. */
  position: number;
  length: number;
  twin: Uint8Array;
  refs: number;
  key: string;
}

export class FileMappings {
  private readonly byId = new Map<number, Mapping>();
  private readonly byKey = new Map<string, number>();
  private nextId = 1;
  private lastId = -1;

  constructor(
    private readonly volume: Volume,
    private readonly wasm: WasmHeap,
  ) {}

  /** stream_ops.mmap: the file's bytes `[position, position + length)` at a new address;
   * bytes past the end of the file read as zeros. */
  map(ino: number, gen: number, position: number, length: number, shared: boolean) {
    const key = `${ino}:${gen}:${position}:${length}`;
    const id = shared ? this.byKey.get(key) : undefined;
    if (id !== undefined) {
      const same = this.byId.get(id)!;
      same.refs++;
      this.lastId = id;
      return { ptr: same.ptr, allocated: false };
    }
    this.fenceFile(ino); // this process's writes to other mappings of the file go out first
    const ptr = this.wasm._malloc(length);
    if (!ptr) throw new FsError(Errno.ENOMEM);
    let twin = new Uint8Array(0);
    this.volume.withBytes(ino, (bytes) => {
      const local = this.wasm.HEAPU8.subarray(ptr, ptr + length);
      local.fill(0);
      local.set(bytes.subarray(Math.min(position, bytes.length), position + length));
      if (shared) twin = local.slice();
      return false;
    });
    if (!shared) return { ptr, allocated: true };
    this.volume.open(ino); // the file outlives its name while mapped, as on Linux
    const mapping = { ptr, ino, position, length, twin, refs: 1, key };
    this.lastId = this.nextId++;
    this.byId.set(this.lastId, mapping);
    this.byKey.set(key, this.lastId);
    return { ptr, allocated: false };
  }

  /** The id of the shared mapping the last `mmap` made or joined (-1: none), once. */
  takeLast(): number {
    const id = this.lastId;
    this.lastId = -1;
    return id;
  }

  /** The mapping is gone from Python: a last fence, and its copy is freed with its last user. */
  release(id: number): void {
    const mapping = this.byId.get(id);
    if (!mapping) return;
    this.fenceOne(mapping);
    if (--mapping.refs > 0) return;
    this.byId.delete(id);
    this.byKey.delete(mapping.key);
    this.volume.close(mapping.ino);
    this.wasm._free(mapping.ptr);
  }

  /** At exit: every mapping, fenced a last time, as exit unmaps them on Linux. */
  releaseAll(): void {
    for (const [id, mapping] of this.byId) {
      mapping.refs = 1;
      this.release(id);
    }
  }

  get size(): number {
    return this.byId.size;
  }

  /** The shared mappings, for a forked child (call after a fence). */
  list(): InheritedMapping[] {
    return [...this.byId].map(([id, { ptr, ino, position, length, refs, key }]) => ({
      id,
      ptr,
      ino,
      position,
      length,
      refs,
      key,
    }));
  }

  /** A forked child's: its parent's mappings, at the same addresses and ids, whose bytes its
   * memory already holds. */
  adopt(mappings: InheritedMapping[]): void {
    for (const { id, ...mapping } of mappings) {
      this.volume.open(mapping.ino);
      const twin = this.wasm.HEAPU8.slice(mapping.ptr, mapping.ptr + mapping.length);
      this.byId.set(id, { ...mapping, twin });
      this.byKey.set(mapping.key, id);
      this.nextId = Math.max(this.nextId, id + 1);
    }
  }

  /** Brings every shared mapping and its file together (see the header). */
  fence(): void {
    for (const mapping of this.byId.values()) this.fenceOne(mapping);
  }

  /** msync(2), and before a new mapping of the file. */
  fenceFile(ino: number): void {
    for (const mapping of this.byId.values()) if (mapping.ino === ino) this.fenceOne(mapping);
  }

  private fenceOne({ ptr, ino, position, length, twin }: Mapping): void {
    this.volume.withBytes(ino, (bytes) => {
      const n = Math.max(0, Math.min(length, bytes.length - position));
      if (n === 0) return false;
      const local = this.wasm.HEAPU8.subarray(ptr, ptr + n);
      return fenceBlock(local, bytes.subarray(position, position + n), twin.subarray(0, n));
    });
  }
}
