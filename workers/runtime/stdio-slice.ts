/**
 * The stdio slice of the Python layer's boundary (protocol/layer.ts `StdioCalls`,
 * `StdioBridge`): output to the console with back-pressure, and the terminal's input.
 */
import type * as Comlink from 'comlink';
import type { LayerSlice, StdioBridge, StdioCalls } from '../protocol/layer';
import type { Syscalls } from '../protocol/process';

/** Bytes of output in flight before a printing process waits for the console (a pipe buffer). */
const OUTPUT_HIGH_WATER = 256 * 1024;
/**
 * Writes in flight before a printing process waits. Comlink listens once per pending call, so
 * thousands of pending writes would make every reply's dispatch cost thousands of checks.
 */
const WRITES_IN_FLIGHT = 64;

/**
 * `write` says whether the writer must wait, and `drained` is what it waits for: it resolves
 * once the console has shown enough of what is in flight.
 */
export function stdioSlice(kernel: Comlink.Remote<Syscalls>): LayerSlice<StdioCalls, StdioBridge> {
  let inFlight = 0;
  let writes = 0;
  let drained: (() => void)[] = [];
  const belowLowWater = () => inFlight <= OUTPUT_HIGH_WATER / 2 && writes <= WRITES_IN_FLIGHT / 2;
  return {
    calls: {
      read: (fd, max) => kernel.read(fd, max),
      drained: () =>
        belowLowWater() ? Promise.resolve() : new Promise<void>((resolve) => drained.push(resolve)),
    },
    bridge: {
      write(fd, data) {
        inFlight += data.length;
        writes += 1;
        void kernel.write(fd, data).then(() => {
          inFlight -= data.length;
          writes -= 1;
          if (belowLowWater()) {
            for (const resolve of drained) resolve();
            drained = [];
          }
        });
        return inFlight > OUTPUT_HIGH_WATER || writes >= WRITES_IN_FLIGHT;
      },
    },
  };
}
