/**
 * fork(2) for a WebAssembly CPython: the child starts from a copy of the parent's memory.
 *
 * The linear memory holds the whole interpreter (objects, modules, thread states), as Pyodide's
 * memory snapshots show; two things live outside it and are carried beside the copy:
 * - the JavaScript values Python holds (Pyodide's reference table, indexed from memory): those
 *   from boot are the child's own, plain values are copied, and any other object becomes one
 *   that says it stayed in the parent (the layer binds the child's own bridge before use);
 * - the strings Pyodide interned since boot.
 * CPython's own fork protocol runs around the copy: `PyOS_BeforeFork` (the `os.register_at_fork`
 * "before" hooks, the import lock) and `PyOS_AfterFork_Parent`, and in the child
 * `PyOS_AfterFork_Child`. The copy is made inside the forking thread's task (Pyodide gives each
 * stack-switching task a thread state of its own); the child hands that task's thread state back,
 * as a suspension does, and runs in a new task: as on Linux, only the forking thread goes on.
 */
import type { ForkState, JsRefCopy } from '../protocol/process';
import {
  clearSparse,
  type PageBase,
  packPages,
  type TargetPages,
  unpackPages,
  type WrittenPages,
  changedPages,
  PAGE_BYTES,
} from './sparse-copy';
import { sameChunkTest, samePageTest, zeroChunkTest, zeroPageTest } from './page-tests';
import { areaPatches } from './patch-copies';

/** What lives beside the memory copy that this module gathers (the rest of `ForkState` is the
 * process worker's: shared-memory blocks and file mappings). */
export type ImageState = Pick<
  ForkState,
  'imageLength' | 'imagePages' | 'imageBase' | 'jsRefs' | 'interned'
>;

/** Gives the bytes a fork's image of `bytes` is written to (a slot of the fork area, in the
 * snapshot's memory: ipc/fork-area.ts), or null where there is no room for it (then it goes
 * into bytes of its own, sent by message). */
export type ImagePlace = (bytes: number) => Uint8Array | null;

/** The parts of Pyodide's Emscripten module that fork reads and writes. */
export interface ForkableModule {
  HEAPU8: Uint8Array;
  /** Emscripten's WebAssembly memory, read in place by page tests where it is given. */
  memory?: WebAssembly.Memory;
  _malloc(bytes: number): number;
  /** The end of the memory in use (what malloc has taken from the system). It never moves
   * back (Emscripten's malloc does not give memory back), so past it memory was never written. */
  _sbrk(increment: number): number;
  /** Where malloc's heap begins (after the static data), up to `_sbrk(0)`. */
  ___heap_base: number;
  /** The C stack's low end, and its pointer: the stack grows down to its end. */
  _emscripten_stack_get_end(): number;
  _emscripten_stack_get_current(): number;
  /** Pyodide's stack switching: ends the running task's hold on the interpreter. */
  _captureThreadState(): number;
  __hiwire_get(index: number): unknown;
  __hiwire_set(index: number, value: unknown): number;
  __hiwire_immortal_get(index: number): unknown;
  __hiwire_immortal_add(value: unknown): void;
  _PyOS_BeforeFork(): void;
  _PyOS_AfterFork_Parent(): void;
  _PyOS_AfterFork_Child(): void;
}

/**
 * The snapshot a process booted from, as the base of its fork images. Every process restores
 * the same snapshot, so a page the parent has not written since is in the child's memory
 * already: the image leaves it out (three in five of a pool parent's written pages). Both read
 * the one shared copy, page by page beside their own memory.
 */
export interface SnapshotBase {
  /** Shared memory that holds the snapshot's memory image from `offset`, `length` bytes. */
  memory: WebAssembly.Memory;
  offset: number;
  length: number;
  /** SharedSnapshot.id: a child must have booted from its parent's snapshot. */
  id: number;
  /** Which pages of the memory image may be written (1) and which are zero (0), if known. */
  pages: Uint8Array | null;
}

/** The snapshot as the base of `module`'s pages, with the WebAssembly functions that read them;
 * for a fork's image (`image`), the copies of patches in the fork area too, and to pack one,
 * the tests by chunks. */
function pageBase(
  module: ForkableModule,
  snapshot: SnapshotBase | null,
  image: 'pack' | 'unpack' | null = null,
): PageBase {
  const own = module.memory;
  const chunks = image === 'pack';
  const zero = own ? zeroPageTest(own) : null;
  const zeroChunks = own && chunks ? zeroChunkTest(own) : null;
  if (!snapshot) return { zero, zeroChunks };
  const { memory, offset, length, pages } = snapshot;
  const same = own ? samePageTest(own, memory, offset) : null;
  const sameChunks = own && chunks ? sameChunkTest(own, memory, offset) : null;
  const area = own && image ? areaPatches(own, memory) : null;
  const bytes = new Uint8Array(memory.buffer, offset, length);
  return { bytes, pages, zero, same, zeroChunks, sameChunks, area };
}

/**
 * A booted process's pages that differ from its snapshot (Pyodide's start after the restore
 * wrote them), read at the end of its boot. Nothing runs in the worker from then until a fork's
 * image arrives, so the restore goes by this map instead of reading both memories again.
 * `learnt`: the pages the snapshot has zero that a boot from it writes, as the kernel's first
 * boot found them (`writtenAfterRestore`); without it they are read, and returned.
 */
export function changedSinceSnapshot(
  module: ForkableModule,
  snapshot: SnapshotBase,
  learnt: WrittenPages | null,
): { changed: WrittenPages; writtenAfterRestore: WrittenPages | null } {
  const changed = changedPages(module.HEAPU8, pageBase(module, snapshot), learnt);
  if (learnt) return { changed, writtenAfterRestore: null };
  const zeroInSnapshot = (page: number) =>
    page * PAGE_BYTES >= snapshot.length || snapshot.pages?.[page] === 0;
  return {
    changed,
    writtenAfterRestore: changed.map((differs, page) =>
      differs === 1 && zeroInSnapshot(page) ? 1 : 0,
    ),
  };
}

/**
 * Makes the WebAssembly functions that pack a fork's image and restore one (compiled and
 * instantiated on this memory and the snapshot's, then kept), at the end of a boot, while no
 * program waits: a start then pays none of it.
 */
export function prepareForkFunctions(module: ForkableModule, snapshot: SnapshotBase): void {
  pageBase(module, snapshot, 'pack');
  pageBase(module, snapshot, 'unpack');
}

/** Pyodide's own entries (null, globals, its API objects) come first in both tables. */
const FIRST_REF = 7;
const FIRST_INTERNED = 7;

function tableEntries(read: (index: number) => unknown, first: number): unknown[] {
  const entries: unknown[] = [];
  for (let index = first; ; index++) {
    try {
      entries.push(read(index));
    } catch {
      return entries; // past the table's end
    }
  }
}

/** The JavaScript values a process has when its boot ends: the same in every process. */
export function bootRefs(module: ForkableModule): unknown[] {
  return tableEntries((index) => module.__hiwire_get(index), FIRST_REF);
}

/** The values that stand for a parent's object, with what they stand for (a child forks too). */
const placeholders = new WeakMap<object, string>();

function describe(value: unknown, booted: unknown): JsRefCopy {
  if (value === booted) return { kind: 'boot' };
  const placeholder = placeholders.get(value as object);
  if (placeholder !== undefined) return { kind: 'gone', what: placeholder };
  if (typeof value !== 'object' && typeof value !== 'function') {
    return typeof value === 'symbol' ? { kind: 'gone', what: 'symbol' } : { kind: 'value', value };
  }
  if (value === null) return { kind: 'value', value: null };
  const what = (value as { constructor?: { name?: string } }).constructor?.name ?? typeof value;
  return { kind: 'gone', what };
}

/**
 * The parent's side, called synchronously from Python (the process is inside a layer call):
 * its memory and what lives beside it. The copy is made between CPython's before- and
 * after-fork steps, as fork(2) is.
 */
export function captureImage(
  module: ForkableModule,
  booted: unknown[],
  snapshot: SnapshotBase | null,
  place?: ImagePlace,
): { heap: Uint8Array; state: ImageState } {
  module._PyOS_BeforeFork();
  try {
    // Past malloc's end the memory is untouched: the child zeroes its own instead. Below the
    // stack pointer lie only frames that have returned: the child keeps its own pages there,
    // unread (reading a page makes it resident on some systems).
    const stack: [number, number] = [
      module._emscripten_stack_get_end(),
      module._emscripten_stack_get_current(),
    ];
    const memory = module.HEAPU8.subarray(0, module._sbrk(0));
    const base = pageBase(module, snapshot, 'pack');
    const { length, pages, packed: heap } = packPages(memory, stack, place, base, true);
    const refs = tableEntries((index) => module.__hiwire_get(index), FIRST_REF);
    const state: ImageState = {
      imageLength: length,
      imagePages: pages,
      imageBase: snapshot?.id ?? 0,
      jsRefs: refs.map((value, index) => describe(value, booted[index])),
      interned: tableEntries((index) => module.__hiwire_immortal_get(index), FIRST_INTERNED).map(
        String,
      ),
    };
    return { heap, state };
  } finally {
    module._PyOS_AfterFork_Parent();
  }
}

/** What a reference the child cannot have turns into: any use says why. */
function stayedInParent(what: string): object {
  const fail = () => {
    throw new Error(`this JavaScript ${what} stayed in the parent process at fork()`);
  };
  const placeholder = new Proxy(function gone() {}, {
    get: fail,
    apply: fail,
    construct: fail,
    set: fail,
  });
  placeholders.set(placeholder, what);
  return placeholder;
}

/**
 * The child's side, in a freshly booted worker before anything else runs Python: its memory
 * becomes the parent's, and its reference table matches the parent's index for index.
 * `changed`: its pages that differ from the snapshot (`changedSinceSnapshot`), if known.
 */
export function restoreImage(
  module: ForkableModule,
  heap: Uint8Array,
  state: ImageState,
  snapshot: SnapshotBase | null,
  changed: WrittenPages | null = null,
): void {
  if (state.imageBase !== (snapshot?.id ?? 0)) {
    throw new Error('fork: the child booted from another snapshot than its parent');
  }
  // The reference table grows to the parent's length. Its entries are no memory, so it grows
  // by setting one past its end (as Pyodide's allocator does); the allocator's bookkeeping in
  // memory is the parent's after the copy below.
  let own = bootRefs(module);
  for (let index = FIRST_REF + own.length; index < FIRST_REF + state.jsRefs.length; index++) {
    if (module.__hiwire_set(index, null) === -1) throw new Error('fork: the table cannot grow');
  }
  own = bootRefs(module);
  // Growing the memory writes malloc's bookkeeping: then which pages differ from the snapshot
  // is known no more.
  let known: TargetPages = changed ?? 'unknown';
  const length = state.imageLength;
  // Grows the memory (and its views); malloc may first use what is free at its end, so again
  // until it is long enough. What it takes is overwritten: the parent's heap replaces it all.
  while (module.HEAPU8.length < length) {
    const before = module.HEAPU8.length;
    known = 'unknown';
    if (module._malloc(length - before) === 0 && module.HEAPU8.length === before) {
      throw new Error("fork: the child's memory cannot grow to its parent's");
    }
  }
  const ownEnd = module._sbrk(0); // the child's own: past it, its memory is still zero
  const base = pageBase(module, snapshot, 'unpack');
  unpackPages(module.HEAPU8, { length, pages: state.imagePages, packed: heap }, known, base);
  // As fresh memory is, past the parent's end: malloc counts on it.
  if (ownEnd > length) clearSparse(module.HEAPU8.subarray(0, ownEnd), length, base.zero);
  state.jsRefs.forEach((copy, offset) => {
    module.__hiwire_set(FIRST_REF + offset, resolve(copy, own[offset]));
  });
  const interned = tableEntries((index) => module.__hiwire_immortal_get(index), FIRST_INTERNED);
  for (const text of state.interned.slice(interned.length)) module.__hiwire_immortal_add(text);
  // The forking thread's task stayed in the parent: back to the thread state it took over.
  module._captureThreadState();
}

/** The child's last step before its first Python task: CPython's after-fork, which keeps only
 * the current thread state and runs the `os.register_at_fork` child hooks. */
export function afterForkChild(module: ForkableModule): void {
  module._PyOS_AfterFork_Child();
}

function resolve(copy: JsRefCopy, own: unknown): unknown {
  switch (copy.kind) {
    case 'boot':
      return own;
    case 'value':
      return copy.value;
    case 'gone':
      return stayedInParent(copy.what);
  }
}
