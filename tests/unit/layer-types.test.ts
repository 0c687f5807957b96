/**
 * Type-level checks of the Python layer's boundary (workers/protocol/layer.ts): `npm run
 * typecheck` compiles this file, so each `@ts-expect-error` below fails the build if the
 * protocol stopped catching that mistake. The runtime test only keeps Vitest honest.
 */
import { describe, expect, it } from 'vitest';
import type {
  LayerBridge,
  LayerCalls,
  LayerSlice,
  SchedulerBridge,
  StdioBridge,
  StdioCalls,
} from '../../workers/protocol/layer';

declare const scheduler: SchedulerBridge;

function misspelt(): void {
  // @ts-expect-error a call name the protocol lacks
  scheduler.callFor(1, 'slep', 10);
  // @ts-expect-error the wrong number of arguments for a call
  scheduler.callFor(1, 'sleep');
  // @ts-expect-error the wrong type of argument
  scheduler.callFor(1, 'read', 0, 'all');
  scheduler.callFor(1, 'waitpid', 2); // an optional argument may be left out
}

function sliceWithATypo(): LayerSlice<StdioCalls, StdioBridge> {
  return {
    calls: {
      read: async () => new Uint8Array(0),
      // @ts-expect-error a member the slice does not declare
      drainned: async () => undefined,
    },
    bridge: { write: () => false },
  };
}

// Every call the layer can make is in the whole boundary, and nothing else is.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const callsAreTheSlices: Same<
  keyof LayerCalls,
  | 'read'
  | 'drained'
  | 'sleep'
  | 'spawn'
  | 'command'
  | 'exec'
  | 'waitpid'
  | 'kill'
  | 'processes'
  | 'sigaction'
  | 'sigmask'
  | 'sigpending'
  | 'sigwait'
  | 'pause'
  | 'setitimer'
  | 'getitimer'
  | 'pipe'
  | 'socketpair'
  | 'semCreate'
  | 'semOpen'
  | 'semUnlink'
  | 'shmCreate'
  | 'fdWait'
  | 'semWait'
  | 'fileLock'
  | 'threadStart'
> = true;
// A bridge member and a call never share a name: Python tells them apart by how it reaches them.
const disjoint: Same<Extract<keyof LayerBridge, keyof LayerCalls>, never> = true;

describe('the layer protocol', () => {
  it('is checked by the compiler (see the @ts-expect-error lines)', () => {
    expect([callsAreTheSlices, disjoint]).toEqual([true, true]);
    expect(typeof misspelt).toBe('function');
    expect(typeof sliceWithATypo).toBe('function');
  });
});
