/** The fork area (ipc/fork-area.ts): slots of shared memory that fork images wait in. */
import { describe, expect, it } from 'vitest';
import {
  FORK_AREA_BYTES,
  FORK_SLOTS,
  FORK_SLOT_BYTES,
  claimForkSlot,
  forkSlotBytes,
  freeForkSlot,
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
  it('gives each fork a slot of its own, none when all are taken or the image is too large', () => {
    const area = new SharedArrayBuffer(FORK_AREA_BYTES);
    expect(claimForkSlot(area, FORK_SLOT_BYTES + 1)).toBeNull();
    const claims = Array.from({ length: FORK_SLOTS }, () => claimForkSlot(area, 4096)!);
    expect(new Set(claims.map((c) => c.held.slot)).size).toBe(FORK_SLOTS);
    expect(claims.every((c) => c.into.length === 4096 && c.into.buffer === area)).toBe(true);
    expect(claimForkSlot(area, 4096)).toBeNull(); // all taken: the image goes by transfer
    freeForkSlot(area, claims[1].held);
    expect(claimForkSlot(area, 4096)?.held.slot).toBe(claims[1].held.slot);
  });

  it('a slot given back and taken again is not freed by its earlier holder', () => {
    const area = new SharedArrayBuffer(FORK_AREA_BYTES);
    const first = claimForkSlot(area, 8)!.held;
    freeForkSlot(area, first); // the child, restored
    const second = claimForkSlot(area, 8)!.held;
    expect(second.slot).toBe(first.slot);
    freeForkSlot(area, first); // the kernel, as the first child ends: not its slot any more
    for (let i = 1; i < FORK_SLOTS; i++) expect(claimForkSlot(area, 8)).not.toBeNull();
    expect(claimForkSlot(area, 8)).toBeNull(); // the second still holds its slot
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
    const area = new SharedArrayBuffer(FORK_AREA_BYTES);
    let held = null as ReturnType<typeof claimForkSlot>;
    const { heap, state } = captureImage(parent, bootRefs(parent), null, (bytes) => {
      held = claimForkSlot(area, bytes);
      return held!.into;
    });
    expect(heap.buffer).toBe(area); // written in the slot, nothing else to send
    const child = module(new Uint8Array(memory).fill(9));
    restoreImage(child, forkSlotBytes(area, held!.held), state, null);
    expect([...child.HEAPU8]).toEqual([...parent.HEAPU8]);
  });

  it('a copy never sent, its fork failed in Python, gives its slot back at the next fork or exit', async () => {
    const area = new SharedArrayBuffer(FORK_AREA_BYTES);
    const spawned: unknown[] = [];
    const kernel = {
      spawn: async (request: unknown) => (spawned.push(request), { pid: 2, sentinel: null }),
      exit: async () => {},
    };
    const request = {
      ipc: { forkArea: area },
      isatty: [false, false, false],
    } as unknown as ExecRequest;
    const capture = () => {
      const claimed = claimForkSlot(area, 8);
      if (!claimed) throw new Error('no slot free');
      const state = { imageSlot: claimed.held } as ForkState;
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
    const free = Array.from({ length: FORK_SLOTS }, () => claimForkSlot(area, 8));
    expect(free.filter((claim) => claim !== null)).toHaveLength(FORK_SLOTS - 1);
  });
});
