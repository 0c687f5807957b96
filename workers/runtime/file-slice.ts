/**
 * The files slice of the Python layer's boundary (protocol/layer.ts `FileCalls`,
 * `FileBridge`): advisory locks, which the kernel keeps for every process (kernel/file-locks.ts),
 * and the end of shared mappings (file-mappings.ts). Everything else about files takes
 * CPython's own calls to the mounted volume (fs-mount.ts), with no message.
 */
import type * as Comlink from 'comlink';
import type { PyodideAPI } from 'pyodide';
import { Errno } from '../protocol/constants';
import type { FileBridge, FileCalls, LayerSlice } from '../protocol/layer';
import type { Syscalls } from '../protocol/process';
import type { Descriptions } from '../fs/descriptions';
import type { FileMappings } from './file-mappings';
import type { MountHooks, VolumeStream } from './fs-mount';
import type { CloseWait } from './close-wait';

const O_ACCMODE = 3;
const O_RDONLY = 0;
const O_WRONLY = 1;

type StreamTable = {
  getStream(fd: number): (VolumeStream & { node: { volume?: true } }) | null;
  getPath(node: unknown): string;
};

export function fileSlice(
  kernel: Comlink.Remote<Syscalls>,
  py: PyodideAPI,
  mappings: FileMappings,
  descriptions: Descriptions,
  link: FileBridge['fileLink'],
  closeWait: CloseWait,
): LayerSlice<FileCalls, FileBridge> & Pick<MountHooks, 'closed'> {
  const FS = py.FS as unknown as StreamTable;
  // Files this process took POSIX locks on, so a close tells the kernel only when it matters
  // (flock's are marked on the description, which any process may close last).
  const posixFiles = new Set<string>();

  return {
    calls: {
      async fileLock(fd, kind, type, start, end, wait) {
        const stream = FS.getStream(fd);
        if (!stream) return { errno: Errno.EBADF };
        if (!stream.node.volume) return 0; // outside the volume only this process sees it
        const access = stream.flags & O_ACCMODE;
        if (kind === 'posix' && type !== 'unlock') {
          if (type === 'shared' ? access === O_WRONLY : access === O_RDONLY) {
            return { errno: Errno.EBADF };
          }
        }
        const { ino, gen } = stream.node;
        const { description } = stream;
        const result = await kernel.fileLock({
          ino,
          gen,
          kind,
          type,
          description,
          start,
          end: end ?? null,
          wait,
          label: FS.getPath(stream.node),
        });
        if (result === 0 && type !== 'unlock') {
          if (kind === 'flock') descriptions.markFlocked(description);
          else posixFiles.add(`${ino}:${gen}`);
        }
        return result;
      },
    },
    bridge: {
      fileMapped: () => mappings.takeLast(),
      fileUnmap: (mapping) => mappings.release(mapping),
      fileLink: link,
    },
    closed(ino, gen, description, lastFlocked) {
      const posix = posixFiles.delete(`${ino}:${gen}`);
      // Waits, so that the locks are gone for every process when close() returns.
      if (posix || lastFlocked) {
        closeWait((seq) => void kernel.fileClosed(ino, gen, description, lastFlocked, seq));
      }
    },
  };
}
