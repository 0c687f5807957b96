/** The Python programs the benchmark runs, each both in Procbox and in native python3. */

export const HELLO = 'print("hello")\n';

/**
 * Process.start() to the child's first line, and to join(), ten times. Each start waits a
 * second first, so the warm pool has refilled: this measures a start with a warm pool.
 */
export const PROCESS_START = `import multiprocessing as mp
import time


def child(i):
    print("first", i, repr(time.time()), flush=True)


if __name__ == "__main__":
    for i in range(10):
        time.sleep(1)
        t0 = time.time()
        print("start", i, repr(t0), flush=True)
        p = mp.Process(target=child, args=(i,))
        p.start()
        p.join()
        print("joined", i, repr(time.time()), flush=True)
`;

/** Eight idle children: the memory they take is read from outside. */
export const IDLE_CHILDREN = `import multiprocessing as mp
import time

if __name__ == "__main__":
    for _ in range(8):
        mp.Process(target=time.sleep, args=(600,), daemon=True).start()
    print("idle", flush=True)
    time.sleep(600)
`;

/** Medians of start→first line and start→joined, in ms, from PROCESS_START's output. */
export function startTimes(stdout) {
  const at = { start: [], first: [], joined: [] };
  for (const line of stdout.split('\n')) {
    const [kind, i, t] = line.split(' ');
    if (kind in at) at[kind][Number(i)] = Number(t) * 1000;
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    firstLine: median(at.first.map((t, i) => t - at.start[i])),
    joined: median(at.joined.map((t, i) => t - at.start[i])),
  };
}
