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
