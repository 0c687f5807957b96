/**
 * A close that the process waits for, as close(2) returns only once it is done: the kernel
 * stores each close's number at CLOSED_INDEX of the process's interrupt buffer once it has
 * carried it out (protocol/constants.ts). So whatever this process does next (tells another
 * process through shared memory, polls, writes), the end reads as closed and its locks as gone.
 */
import { CLOSED_INDEX } from '../protocol/constants';

/** How long a close waits for the kernel before it stands without it. */
const CLOSE_WAIT_MS = 1000;

/** `send(seq)` makes the kernel call; the returned function waits for it to be carried out. */
export type CloseWait = (send: (seq: number) => void) => void;

export function closeWaiter(interrupts: Int32Array): CloseWait {
  let closes = 0;
  return (send) => {
    const seq = ++closes;
    send(seq);
    const until = performance.now() + CLOSE_WAIT_MS;
    for (let done; (done = Atomics.load(interrupts, CLOSED_INDEX)) < seq;) {
      const left = until - performance.now();
      if (left <= 0) break; // the kernel is gone or stuck: the close stands here anyway
      Atomics.wait(interrupts, CLOSED_INDEX, done, left);
    }
  };
}
