/**
 * Kernel calls as plain messages on the syscall port (protocol/process.ts `PlainCall`).
 *
 * `tell` posts a call nobody waits for. `ask` posts one of the network's calls and waits for
 * its answer blocked in `Atomics.wait`, as a system call that completes at once holds the CPU;
 * the kernel writes the answer into the interrupt buffer (protocol/constants.ts
 * `ANSWERED_INDEX`). A Comlink reply costs a stack switch and two event-loop turns (about
 * 180 µs here); an answer, about 60. Only calls the kernel answers at once may be asked: the
 * whole worker waits.
 */
import type { SysError } from '../protocol/common';
import { ANSWER_AT, ANSWER_LENGTH_INDEX, ANSWERED_INDEX, Errno } from '../protocol/constants';
import type { NetAnswer, NetNowName, NetSyscalls } from '../protocol/net';
import type { PlainCall, PlainCallMessage, Syscalls, ToldName } from '../protocol/process';

/** How long an answer may take before the call fails with EIO (the kernel is gone or stuck). */
const ANSWER_WAIT_MS = 30_000;

export interface PlainCalls {
  tell<Name extends ToldName>(name: Name, ...args: Parameters<Syscalls[Name]>): void;
  /** Runs `make`; what it tells goes in one message, at its end. */
  together(make: () => void): void;
  ask<Name extends NetNowName>(
    name: Name,
    ...args: Parameters<NetSyscalls[Name]>
  ): Exclude<NetAnswer<Name>, SysError> | SysError;
}

export function plainCalls(port: MessagePort, interrupts: Int32Array): PlainCalls {
  let asked = 0;
  let gathered: PlainCall[] | null = null;
  const post = (call: PlainCall) => {
    if (gathered) gathered.push(call);
    else port.postMessage({ plain: [call] } satisfies PlainCallMessage);
  };
  return {
    tell: (name, ...args) => post({ seq: null, name, args }),
    together(make) {
      const outer = gathered;
      gathered ??= [];
      const mine = gathered;
      try {
        make();
      } finally {
        if (!outer) {
          gathered = null;
          if (mine.length) port.postMessage({ plain: mine } satisfies PlainCallMessage);
        }
      }
    },
    ask(name, ...args) {
      if (gathered) throw new Error('procbox: a call asked while tells are gathered');
      const seq = ++asked;
      post({ seq, name, args });
      const until = performance.now() + ANSWER_WAIT_MS;
      for (let answered; (answered = Atomics.load(interrupts, ANSWERED_INDEX)) < seq;) {
        const left = until - performance.now();
        if (left <= 0) return { errno: Errno.EIO };
        Atomics.wait(interrupts, ANSWERED_INDEX, answered, left);
      }
      return readAnswer(interrupts) as never;
    },
  };
}

/** The last answer the kernel wrote into `interrupts` (InterruptLine.answer). */
export function readAnswer(interrupts: Int32Array): unknown {
  const length = Atomics.load(interrupts, ANSWER_LENGTH_INDEX);
  // TextDecoder takes no view of shared memory: the answer is copied out first.
  const json = new Uint8Array(interrupts.buffer, ANSWER_AT, length).slice();
  return JSON.parse(new TextDecoder().decode(json));
}
