/**
 * The kernel's side of the shared volume: it makes the volume, puts the page's workspace in
 * `/home/user` and empties `/tmp` and `/dev/shm` before each run, tells the page what the
 * program created, changed or removed there while it runs, and frees the volume's lock when
 * a process dies holding it.
 */
import { Device } from '../protocol/fs';
import type { WorkspaceChange, WorkspaceFile } from '../protocol/common';
import { VOLUME_BYTES } from '../protocol/fs';
import { KERNEL_HOLDER, Volume } from '../fs/volume';
import { Descriptions } from '../fs/descriptions';
import { clear, listFiles, replaceFiles } from '../fs/tree';
import { fileBytes, fileFromBytes } from '../fs/workspace-file';

/** How often a run's changes reach the page. */
export const WORKSPACE_SYNC_MS = 200;
/** Folders the page is not shown (CPython's byte-code cache). */
const HIDDEN = /(^|\/)__pycache__\//;

export class Workspace {
  readonly buffer = new SharedArrayBuffer(VOLUME_BYTES);
  readonly volume = new Volume(this.buffer, KERNEL_HOLDER);
  private readonly descriptions = new Descriptions(this.volume, null);
  /** What the page last heard of each file: its inode, size and mtime. */
  private reported = new Map<string, string>();
  private seenChanges = -1;

  constructor() {
    this.volume.format();
  }

  /** Before a run: the workspace exactly as the page has it, and empty /tmp and /dev/shm. */
  prepare(files: WorkspaceFile[]): void {
    // Processes close what they left open as they end; this clears whatever a worker that ran
    // on a moment after its death opened.
    this.descriptions.reset();
    this.volume.resetOpens();
    replaceFiles(
      this.volume,
      Device.HOME,
      files.map((file) => ({ path: file.path, content: fileBytes(file) })),
    );
    clear(this.volume, Device.TMP);
    clear(this.volume, Device.SHM);
    this.reported = this.state();
    this.seenChanges = this.volume.changes();
  }

  private state(): Map<string, string> {
    const state = new Map<string, string>();
    for (const file of listFiles(this.volume, Device.HOME)) {
      if (!HIDDEN.test(file.path)) state.set(file.path, `${file.ino}:${file.size}:${file.mtime}`);
    }
    return state;
  }

  /** What changed in /home/user since the last call (nothing when the volume did not move). */
  changes(): WorkspaceChange[] {
    const changes = this.volume.changes();
    if (changes === this.seenChanges) return [];
    this.seenChanges = changes;
    const now = this.state();
    const found: WorkspaceChange[] = [];
    for (const [path, stamp] of now) {
      if (this.reported.get(path) === stamp) continue;
      const ino = Number(stamp.split(':')[0]);
      found.push({ file: fileFromBytes(path, this.volume.contents(ino)) });
    }
    for (const path of this.reported.keys()) if (!now.has(path)) found.push({ removed: path });
    this.reported = now;
    return found;
  }

  /** Every file in /home/user (byte-code caches aside), for a lesson's file checks. */
  files(): WorkspaceFile[] {
    return listFiles(this.volume, Device.HOME)
      .filter((file) => !HIDDEN.test(file.path))
      .map((file) => fileFromBytes(file.path, this.volume.contents(file.ino)));
  }

  /** Closes every description reference in `counts` (a process's, which has ended); returns
   * those whose last reference that was and that had a flock. */
  closeAll(counts: Int32Array): number[] {
    return this.descriptions.closeHeld(counts);
  }

  /** A process died: if it held the volume's lock, the lock is free again. */
  released(pid: number): void {
    this.volume.releaseIfHeldBy(pid);
  }

  /** The pid holding the volume's lock, or 0. */
  holder(): number {
    const holder = this.volume.holderOf();
    return holder === KERNEL_HOLDER ? 0 : holder;
  }
}
