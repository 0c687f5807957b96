/** Types every boundary speaks of. Types only: both sides `import type` this file. */
import type { ErrnoValue } from './constants';

export type Pid = number;
export type StartMethod = 'fork' | 'spawn';

/** A file of the user's workspace, as the processes see it in `/home/user`: text, or any
 * bytes as base64. `path` is relative, with `/` between folders. */
export interface WorkspaceFile {
  path: string;
  content: string;
  encoding?: 'base64';
}

/** What a run did to the workspace: a file written (whole), or a path removed. */
export type WorkspaceChange = { file: WorkspaceFile } | { removed: string };

/** A failed system call: Linux's errno. Every boundary reports errors this way. */
export interface SysError {
  errno: ErrnoValue;
}

/** What a system call resolves with: its value, or the errno it failed with. */
export type Reply<T> = Promise<T | SysError>;

export type { ErrnoValue };
