/** The fork area (ipc/fork-area.ts): slots of shared memory that fork images wait in. */
import { describe, expect, it } from 'vitest';
import {
  FORK_SLOTS,
  FORK_SLOT_BYTES,
  claimForkSlot,
  forkSlotBytes,
  freeForkSlot,
  FORK_AREA_BYTES,
  FORK_SLOT_STATES_BYTES,
  isForkSlot,
} from '../../workers/ipc/fork-area';
import { processSlice } from '../../workers/runtime/process-slice';
import type { ExecRequest, ForkState } from '../../workers/protocol/process';
import {
  bootRefs,
  captureImage,
  type ForkableModule,
  restoreImage,
} from '../../workers/runtime/fork-image';

describe('fork area', () => {
  const slotStates = () => new SharedArrayBuffer(FORK_SLOT_STATES_BYTES);

  it('gives each fork a slot of its own, none when all are taken or the image is too large', () => {
    const states = slotStates();
    expect(claimForkSlot(states, FORK_SLOT_BYTES + 1)).toBeNull();
    const claims = Array.from({ length: FORK_SLOTS }, () => claimForkSlot(states, 4096)!);
    expect(new Set(claims.map((c) => c.slot)).size).toBe(FORK_SLOTS);
    expect(claimForkSlot(states, 4096)).toBeNull(); // all taken: the image goes by transfer
    freeForkSlot(states, claims[1]);
    expect(claimForkSlot(states, 4096)?.slot).toBe(claims[1].slot);
    // Each slot's bytes are its own, after the area's start.
    const area = { buffer: new SharedArrayBuffer(100 + FORK_AREA_BYTES), start: 100 };
    const views = claims.map((held) => forkSlotBytes(area, held, 4096));
    expect(views.map((view) => view.byteOffset).sort((a, b) => a - b)).toEqual(
      Array.from({ length: FORK_SLOTS }, (_, slot) => 100 + slot * FORK_SLOT_BYTES),
    );
  });

  it('a slot given back and taken again is not freed by its earlier holder', () => {
    const states = slotStates();
    const first = claimForkSlot(states, 8)!;
    freeForkSlot(states, first); // the child, restored
    const second = claimForkSlot(states, 8)!;
    expect(second.slot).toBe(first.slot);
    freeForkSlot(states, first); // the kernel, as the first child ends: not its slot any more
    for (let i = 1; i < FORK_SLOTS; i++) expect(claimForkSlot(states, 8)).not.toBeNull();
    expect(claimForkSlot(states, 8)).toBeNull(); // the second still holds its slot
    expect(isForkSlot(second)).toBe(true);
    expect(isForkSlot({ slot: FORK_SLOTS, token: 1 })).toBe(false);
    expect(isForkSlot({ slot: 0, token: 0 })).toBe(false);
  });

  it('a child restores its memory from the slot its parent wrote', () => {
    const memory = 8 * 4096;
    const module = (bytes: Uint8Array) =>
      ({
        HEAPU8: bytes,
        _malloc: () => 0,
        _sbrk: () => bytes.length,
        ___heap_base: 0,
        _emscripten_stack_get_end: () => 0,
        _emscripten_stack_get_current: () => 0,
        __hiwire_get: (index: number) => {
          if (index >= 7) throw new RangeError('out of bounds');
          return index;
        },
        __hiwire_set: () => 0,
        __hiwire_immortal_get: () => {
          throw new RangeError('out of bounds');
        },
        __hiwire_immortal_add: () => {},
        _captureThreadState: () => 0,
        _PyOS_BeforeFork: () => {},
        _PyOS_AfterFork_Parent: () => {},
        _PyOS_AfterFork_Child: () => {},
      }) satisfies ForkableModule;
    const parent = module(new Uint8Array(memory));
    parent.HEAPU8.fill(5, 4096, 3 * 4096);
    const states = slotStates();
    const area = { buffer: new SharedArrayBuffer(FORK_AREA_BYTES), start: 0 };
    let held = null as ReturnType<typeof claimForkSlot>;
    const { heap, state } = captureImage(parent, bootRefs(parent), null, (bytes) => {
      held = claimForkSlot(states, bytes);
      return forkSlotBytes(area, held!, bytes);
    });
    expect(heap.buffer).toBe(area.buffer); // written in the slot, nothing else to send
    const child = module(new Uint8Array(memory).fill(9));
    restoreImage(child, forkSlotBytes(area, held!), state, null);
    expect([...child.HEAPU8]).toEqual([...parent.HEAPU8]);
  });

  it('a copy never sent, its fork failed in Python, gives its slot back at the next fork or exit', async () => {
    const states = slotStates();
    const spawned: unknown[] = [];
    const kernel = {
      spawn: async (request: unknown) => (spawned.push(request), { pid: 2, sentinel: null }),
      exit: async () => {},
    };
    const request = {
      ipc: { forkSlots: states },
      isatty: [false, false, false],
    } as unknown as ExecRequest;
    const capture = () => {
      const claimed = claimForkSlot(states, 8);
      if (!claimed) throw new Error('no slot free');
      const state = { imageSlot: claimed } as ForkState;
      return { heap: new Uint8Array(0), state };
    };
    Object.assign(globalThis, { navigator: globalThis.navigator ?? { hardwareConcurrency: 2 } });
    const { calls, bridge } = processSlice(
      kernel as never,
      request,
      new Int32Array(8),
      () => [],
      () => ({ cwd: '/home/user', files: [] }),
      () => [],
      capture,
    );
    for (let i = 0; i <= FORK_SLOTS; i++) bridge.forkCapture(); // each drops the one before
    await calls.spawn('Process-1', 'fork', new Uint8Array(0), [], 5); // the sentinel at fd 5
    expect(spawned).toHaveLength(1); // its slot is the kernel's and the child's now
    bridge.forkCapture();
    bridge.exit(0); // this copy was never sent
    const free = Array.from({ length: FORK_SLOTS }, () => claimForkSlot(states, 8));
    expect(free.filter((claim) => claim !== null)).toHaveLength(FORK_SLOTS - 1);
  });
});
