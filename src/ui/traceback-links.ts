/**
 * Where a traceback points: `File "/home/user/main.py", line 4` names a workspace file and a
 * line, which the console makes a link that opens the file there (console.ts).
 */

/** The workspace's folder in every process (the kernel's volume mounts it there). */
const HOME = '/home/user/';
const PLACE = /File "([^"\n]+)", line (\d+)/g;

export interface TracebackPlace {
  /** The match's first and past-the-end character indexes in the line. */
  start: number;
  end: number;
  /** The file's path in the workspace (`main.py`, `pkg/util.py`). */
  path: string;
  line: number;
}

/** The traceback places in one line of console text that name files of the workspace. */
export function tracebackPlaces(
  text: string,
  isWorkspaceFile: (path: string) => boolean,
): TracebackPlace[] {
  const places: TracebackPlace[] = [];
  for (const match of text.matchAll(PLACE)) {
    const named = match[1];
    // A relative path is relative to the program's folder, which is the workspace's.
    const path = named.startsWith(HOME)
      ? named.slice(HOME.length)
      : named.startsWith('/')
        ? null
        : named.replace(/^(\.\/)+/, '');
    const line = Number(match[2]);
    if (path === null || !isWorkspaceFile(path) || line < 1) continue;
    places.push({ start: match.index, end: match.index + match[0].length, path, line });
  }
  return places;
}

/** The line a traceback ended at in the workspace, and what it raised. */
export interface Failure {
  path: string;
  line: number;
  /** The exception line: `ValueError: boom`. */
  message: string;
}

/**
 * Reads each process's stderr as it comes and gives, for every traceback that ends, its
 * innermost frame in a workspace file with the exception it raised: where the editor marks
 * the run's failure.
 */
export class TracebackReader {
  /** Per process: its stderr line not yet ended, and the traceback being read. */
  private readonly partial = new Map<number, string>();
  private readonly reading = new Map<number, Omit<Failure, 'message'> | null>();

  constructor(private readonly isWorkspaceFile: (path: string) => boolean) {}

  feed(pid: number, fd: number, text: string): Failure[] {
    if (fd !== 2) return [];
    const lines = ((this.partial.get(pid) ?? '') + text).split('\n');
    this.partial.set(pid, lines.pop() ?? '');
    const failures: Failure[] = [];
    for (const raw of lines) {
      const line = raw.trimEnd();
      if (line === 'Traceback (most recent call last):') {
        this.reading.set(pid, null);
      } else if (this.reading.has(pid) && /^\s/.test(line)) {
        const [place] = tracebackPlaces(line, this.isWorkspaceFile);
        if (place) this.reading.set(pid, { path: place.path, line: place.line });
      } else if (this.reading.has(pid) && line) {
        // The exception line ends it (a chained one's traceback follows, and is read anew).
        const innermost = this.reading.get(pid);
        this.reading.delete(pid);
        if (innermost) failures.push({ ...innermost, message: line });
      }
    }
    return failures;
  }

  reset(): void {
    this.partial.clear();
    this.reading.clear();
  }
}
