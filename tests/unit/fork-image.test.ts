import { describe, expect, it } from 'vitest';
import {
  bootRefs,
  captureImage,
  changedSinceSnapshot,
  type ForkableModule,
  restoreImage,
} from '../../workers/runtime/fork-image';
import { PAGE_BYTES } from '../../workers/runtime/sparse-copy';

/** Pyodide's module as fork reads it: a memory, the reference and interned tables (indexes
 * past the end throw, as a WebAssembly table's do), malloc's end, CPython's fork steps. */
function fakeModule(memory: number, refs: unknown[], interned: string[]) {
  const calls: string[] = [];
  const table = (entries: unknown[]) => (index: number) => {
    if (index >= entries.length) throw new RangeError('table index is out of bounds');
    return entries[index];
  };
  const module = {
    HEAPU8: new Uint8Array(memory),
    end: memory,
    stack: [0, 0], // its low end, and its pointer: none
    refs,
    interned,
    calls,
    _malloc(bytes: number) {
      const grown = new Uint8Array(module.HEAPU8.length + bytes);
      grown.set(module.HEAPU8);
      module.HEAPU8 = grown;
      module.end = grown.length;
      return 8;
    },
    _sbrk: () => module.end,
    ___heap_base: 0,
    _emscripten_stack_get_end: () => module.stack[0],
    _emscripten_stack_get_current: () => module.stack[1],
    __hiwire_get: (index: number) => table(module.refs)(index),
    __hiwire_set(index: number, value: unknown) {
      if (index > module.refs.length) return -1;
      if (index === module.refs.length) return module.refs.push(value) - 1; // a table grows so
      module.refs[index] = value;
      return 0;
    },
    __hiwire_immortal_get: (index: number) => table(module.interned)(index),
    __hiwire_immortal_add: (text: unknown) => void module.interned.push(String(text)),
    _captureThreadState: () => (calls.push('handback'), 1),
    _PyOS_BeforeFork: () => void calls.push('before'),
    _PyOS_AfterFork_Parent: () => void calls.push('parent'),
    _PyOS_AfterFork_Child: () => void calls.push('child'),
  };
  return module satisfies ForkableModule;
}

const pyodideOwn = () => Array.from({ length: 7 }, (_, i) => ({ pyodide: i }));

describe('fork image', () => {
  it('copies memory up to malloc’s end between CPython’s before and after steps', () => {
    const parent = fakeModule(64, [...pyodideOwn()], Array(7).fill('x'));
    parent.HEAPU8.set([1, 2, 3, 4], 0);
    parent.end = 32;
    const { heap } = captureImage(parent, bootRefs(parent), null);
    expect(heap.length).toBe(32);
    expect([...heap.subarray(0, 4)]).toEqual([1, 2, 3, 4]);
    expect(parent.calls).toEqual(['before', 'parent']);

    const child = fakeModule(16, [...pyodideOwn()], Array(7).fill('x'));
    child.HEAPU8.fill(9);
    restoreImage(child, heap, captureImage(parent, bootRefs(parent), null).state, null);
    expect(child.HEAPU8.length).toBeGreaterThanOrEqual(32);
    expect([...child.HEAPU8.subarray(0, 4)]).toEqual([1, 2, 3, 4]);
    expect(child.HEAPU8.subarray(32).every((byte) => byte === 0)).toBe(true); // fresh memory
    expect(child.calls).toEqual(['handback']);
  });

  it('gives the child its own boot references, plain values, and placeholders for the rest', () => {
    const booted = { fromBoot: 'parent' };
    const parent = fakeModule(8, [...pyodideOwn(), booted], Array(7).fill('x'));
    const atBoot = bootRefs(parent);
    const bridge = { pid: 3 };
    parent.refs.push('a string', 42, null, bridge);
    parent.interned.push('procbox_name');
    const { heap, state } = captureImage(parent, atBoot, null);

    const childBooted = { fromBoot: 'child' };
    const child = fakeModule(8, [...pyodideOwn(), childBooted], Array(7).fill('x'));
    const childAtBoot = bootRefs(child);
    restoreImage(child, heap, state, null);
    expect(child.refs.slice(7, 11)).toEqual([childBooted, 'a string', 42, null]);
    expect(() => (child.refs[11] as { pid: number }).pid).toThrow(
      /this JavaScript Object stayed in the parent process at fork\(\)/,
    );
    expect(child.interned.slice(7)).toEqual(['procbox_name']);
    expect(child.refs[0]).toEqual({ pyodide: 0 }); // Pyodide's own entries stay the child's

    // The child forks in turn: its placeholder stays a placeholder in the grandchild.
    const again = captureImage(child, childAtBoot, null).state;
    expect(again.jsRefs.at(-1)).toEqual({ kind: 'gone', what: 'Object' });
  });

  it('leaves the stack below its pointer, and the child’s memory past its own end, unread', () => {
    const page = PAGE_BYTES;
    const parent = fakeModule(8 * page, [...pyodideOwn()], Array(7).fill('x'));
    parent.HEAPU8.fill(1, 0, page); // static data
    parent.HEAPU8.fill(2, page, 4 * page); // returned frames, below the stack pointer
    parent.HEAPU8.fill(3, 4 * page, 5 * page); // live frames
    parent.HEAPU8.fill(4, 5 * page, 6 * page); // the heap, up to malloc's end
    parent.stack = [page, 4 * page];
    parent.end = 6 * page;
    const { heap, state } = captureImage(parent, bootRefs(parent), null);
    expect(heap.length).toBe(3 * page); // the returned frames are not sent
    expect([...state.imagePages]).toEqual([1, 2, 2, 2, 1, 1]);

    const child = fakeModule(8 * page, [...pyodideOwn()], Array(7).fill('x'));
    child.HEAPU8.fill(7, page, 2 * page); // its own returned frames
    child.HEAPU8.fill(9, 7 * page); // (never so: past its end memory is zero; this shows it unread)
    child.end = 5 * page;
    restoreImage(child, heap, state, null);
    const at = (p: number) => child.HEAPU8[p * page];
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(at)).toEqual([1, 7, 0, 0, 3, 4, 0, 9]);
  });

  it('grows a smaller child to the parent’s length, though malloc first uses its free end', () => {
    const parent = fakeModule(64, [...pyodideOwn()], Array(7).fill('x'));
    parent.HEAPU8.fill(6);
    const { heap, state } = captureImage(parent, bootRefs(parent), null);
    const child = fakeModule(16, [...pyodideOwn()], Array(7).fill('x'));
    const grow = child._malloc;
    child._malloc = (bytes: number) => grow(Math.ceil(bytes / 2)); // part came from its free end
    restoreImage(child, heap, state, null);
    expect([...child.HEAPU8.subarray(0, 64)]).toEqual([...parent.HEAPU8]);
  });

  it('fails, rather than spin, when the child cannot grow to its parent’s length', () => {
    const parent = fakeModule(64, [...pyodideOwn()], Array(7).fill('x'));
    const { heap, state } = captureImage(parent, bootRefs(parent), null);
    const child = fakeModule(16, [...pyodideOwn()], Array(7).fill('x'));
    child._malloc = () => 0; // out of memory
    expect(() => restoreImage(child, heap, state, null)).toThrow(/cannot grow/);
  });

  it('leaves out the pages still the snapshot’s, and refuses a child of another snapshot', () => {
    const page = PAGE_BYTES;
    // The snapshot, as the kernel shares it: its memory image after a header of one page; its
    // last page is zero.
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const pages = new Uint8Array([1, 1, 1, 0]);
    const snapshot = { memory: shared, offset: page, length: 4 * page, id: 2, pages };
    const snapshotBytes = new Uint8Array(shared.buffer, page, 4 * page);
    snapshotBytes.fill(5, 0, 3 * page);
    const parent = fakeModule(6 * page, [...pyodideOwn()], Array(7).fill('x'));
    parent.HEAPU8.set(snapshotBytes);
    parent.HEAPU8.fill(6, 2 * page, 3 * page); // written since its boot
    parent.HEAPU8.fill(7, 4 * page, 5 * page); // past the snapshot
    const { heap, state } = captureImage(parent, bootRefs(parent), snapshot);
    expect([...state.imagePages]).toEqual([0, 0, 1, 0, 1, 0]);
    expect(heap.length).toBe(2 * page);
    expect(state.imageBase).toBe(2);

    // A child's boot wrote pages 1 and 3 after its restore. The kernel's first boot reads
    // every page, and finds which of those the snapshot has zero a boot writes (page 3).
    const booted = () => {
      const child = fakeModule(6 * page, [...pyodideOwn()], Array(7).fill('x'));
      child.HEAPU8.set(snapshotBytes);
      child.HEAPU8.fill(8, page, 2 * page);
      child.HEAPU8.fill(8, 3 * page, 4 * page);
      return child;
    };
    const first = changedSinceSnapshot(booted(), snapshot, null);
    expect([...first.changed]).toEqual([0, 1, 0, 1, 0, 0]);
    expect([...first.writtenAfterRestore!]).toEqual([0, 0, 0, 1, 0, 0]);
    // Later boots read only those: page 5 is taken to be fresh, unread (never so: it shows it).
    const child = booted();
    child.HEAPU8[5 * page] = 9;
    const later = changedSinceSnapshot(child, snapshot, first.writtenAfterRestore);
    expect([...later.changed]).toEqual([0, 1, 0, 1, 0, 0]);
    expect(later.writtenAfterRestore).toBeNull();
    restoreImage(child, heap, state, snapshot, later.changed);
    expect([...child.HEAPU8.subarray(0, 5 * page)]).toEqual([
      ...parent.HEAPU8.subarray(0, 5 * page),
    ]);
    expect(child.HEAPU8[5 * page]).toBe(9);
    // A page past what the first boot knew (a memory that grew further) is read.
    const grown = booted();
    grown.HEAPU8[5 * page] = 9;
    const known = first.writtenAfterRestore!.subarray(0, 5);
    expect([...changedSinceSnapshot(grown, snapshot, known).changed]).toEqual([0, 1, 0, 1, 0, 1]);

    const other = fakeModule(6 * page, [...pyodideOwn()], Array(7).fill('x'));
    expect(() => restoreImage(other, heap, state, { ...snapshot, id: 3 })).toThrow(
      /another snapshot/,
    );
    expect(() => restoreImage(other, heap, state, null)).toThrow(/another snapshot/);
  });
});
