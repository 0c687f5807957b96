/**
 * Wake-ups on time in a worker whose waits chain from one timer's task to the next.
 */

/** HTML clamps a timeout set inside a timer's task (five deep) to at least this. */
const NESTED_TIMEOUT_MS = 4;

/**
 * A wake-up at `due` (performance.now()'s time). A timeout can fire about a millisecond early,
 * and a short one set from inside a timer's task (a chain of timed waits is one) is clamped to
 * 4 ms: a 1 ms wait, or the rest of one woken early, would sleep on for 4 ms. So the last few
 * milliseconds are waited out by `soon` (a message to itself, which no rule clamps) instead.
 */
export class WakeUp {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private cancelled = false;

  constructor(
    readonly due: number,
    private readonly wake: () => void,
    private readonly soon: (then: () => void) => void,
  ) {
    this.fire();
  }

  readonly fire = () => {
    if (this.cancelled) return;
    clearTimeout(this.timer); // when an event-loop turn fires it before its timeout
    const left = this.due - performance.now();
    if (left <= 0) {
      this.cancelled = true;
      this.wake();
    } else if (left > NESTED_TIMEOUT_MS) {
      this.timer = setTimeout(this.fire, left);
    } else {
      this.soon(this.fire);
    }
  };

  cancel(): void {
    this.cancelled = true;
    clearTimeout(this.timer);
  }
}

/** `then` after the events queued now: a message to itself, which no timer rule clamps. */
export function messageSoon(): (then: () => void) => void {
  const poke = new MessageChannel();
  const poked: (() => void)[] = [];
  poke.port1.onmessage = () => poked.shift()?.();
  return (then) => {
    poked.push(then);
    poke.port2.postMessage(0);
  };
}

/** Resolves at `ms` from now, on time (see WakeUp); `cancel` drops it. */
export function wakeAfter(
  ms: number,
  soon: (then: () => void) => void,
): { done: Promise<void>; cancel: () => void } {
  let wakeUp!: WakeUp;
  const done = new Promise<void>((resolve) => {
    wakeUp = new WakeUp(performance.now() + ms, resolve, soon);
  });
  return { done, cancel: () => wakeUp.cancel() };
}
