/**
 * Whole-tree operations on the volume by path, for the kernel: putting the page's workspace
 * in place before a run, emptying /tmp, and listing what the program left. Paths are relative
 * to a device's root, with `/` between parts.
 */
import { type DeviceId, ROOT_INODE, type VolumeFile } from '../protocol/fs';
import { Errno } from '../protocol/constants';
import { FsError, S_IFDIR, S_IFMT, S_IFREG, type Volume } from './volume';

/** The directory holding `path`'s last part, made as needed, and that part. */
function parentOf(volume: Volume, device: DeviceId, path: string): [number, string] {
  const parts = path.split('/').filter(Boolean);
  const name = parts.pop();
  if (!name) throw new FsError(Errno.EINVAL);
  let dir = ROOT_INODE[device];
  for (const part of parts) {
    try {
      dir = volume.lookup(dir, part);
    } catch (error) {
      if (!(error instanceof FsError) || error.errno !== Errno.ENOENT) throw error;
      dir = volume.create(dir, part, S_IFDIR | 0o755);
    }
  }
  return [dir, name];
}

/** The inode at `path`, or 0. */
export function resolve(volume: Volume, device: DeviceId, path: string): number {
  let ino = ROOT_INODE[device];
  for (const part of path.split('/').filter(Boolean)) {
    try {
      ino = volume.lookup(ino, part);
    } catch {
      return 0;
    }
  }
  return ino;
}

/** Writes a whole file, replacing what was there. */
export function writeFile(
  volume: Volume,
  device: DeviceId,
  path: string,
  content: Uint8Array,
): void {
  const [dir, name] = parentOf(volume, device, path);
  let ino: number;
  try {
    ino = volume.lookup(dir, name);
  } catch {
    ino = volume.create(dir, name, S_IFREG | 0o644);
  }
  volume.truncate(ino, 0);
  volume.write(ino, content, 0, false);
}

export function removeTree(volume: Volume, dir: number, name: string): void {
  const ino = volume.lookup(dir, name);
  if (volume.isDir(ino)) {
    for (const child of volume.names(ino)) removeTree(volume, ino, child);
    volume.rmdir(dir, name);
  } else volume.unlink(dir, name);
}

/** Empties a device's tree. */
export function clear(volume: Volume, device: DeviceId): void {
  const root = ROOT_INODE[device];
  for (const name of volume.names(root)) removeTree(volume, root, name);
}

/** Every regular file under a device's root, depth first, names sorted: one walk under one
 * hold of the lock, so a program changing a folder meanwhile costs no re-reading of it. */
export function listFiles(volume: Volume, device: DeviceId): (VolumeFile & { ino: number })[] {
  const files: (VolumeFile & { ino: number })[] = [];
  const walk = (dir: number, prefix: string) => {
    for (const name of volume.dirs.names(dir).sort()) {
      const ino = volume.dirs.find(dir, name);
      const stat = volume.stat(ino);
      const type = stat.mode & S_IFMT;
      if (type === S_IFDIR) walk(ino, `${prefix}${name}/`);
      else if (type === S_IFREG) {
        files.push({ path: prefix + name, size: stat.size, mtime: stat.mtime, ino });
      }
    }
  };
  volume.locked(() => walk(ROOT_INODE[device], ''));
  return files;
}

/** Makes a device's tree hold exactly `files` (other files and empty folders go). */
export function replaceFiles(
  volume: Volume,
  device: DeviceId,
  files: { path: string; content: Uint8Array }[],
): void {
  clear(volume, device);
  for (const file of files) writeFile(volume, device, file.path, file.content);
}
