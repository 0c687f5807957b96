/**
 * The shared volume (fs/volume.ts) mounted into this process's Emscripten filesystem at
 * `/home/user`, `/tmp` and `/dev/shm`, so CPython's own `open`, `os.stat`, `os.listdir`,
 * `os.rename`, `shutil` and `tempfile` reach the one filesystem every process sees.
 *
 * Emscripten caches the nodes it looks up by name and would answer later lookups from that
 * cache; another process may have renamed or removed the name meanwhile. So this mount's nodes
 * are never cached: every lookup asks the volume, and a node keeps the inode and generation it
 * found, so a stale one fails with ENOENT instead of naming another file.
 */
import type { PyodideAPI } from 'pyodide';
import { Errno } from '../protocol/constants';
import { type DeviceId, type InheritedFile, Inode, MOUNTS, ROOT_INODE } from '../protocol/fs';
import { FsError, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, type Volume } from '../fs/volume';
import type { FileMappings } from './file-mappings';
import { type CreatePath, patchCreatePath } from './fs-create-path';
import type { Descriptions } from '../fs/descriptions';

/** Node ids (and `st_ino`) of volume files: far above Emscripten's own, so never confused. */
const INO_BASE = 1 << 30;
const O_APPEND = 0o2000;
const MAP_SHARED = 1;

/** The bytes Emscripten hands a read or write: a view on the WebAssembly heap. */
const heapView = (buffer: Int8Array, offset: number, length: number) =>
  new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length);

export interface VolumeNode {
  id: number;
  name: string;
  mode: number;
  parent: VolumeNode;
  mount: unknown;
  node_ops: object;
  stream_ops: object;
  ino: number;
  gen: number;
  volume: true;
}

export interface VolumeStream {
  node: VolumeNode;
  flags: number;
  position: number;
  /** The open file description (fs/descriptions.ts), which `dup` shares: flock's owner. */
  description: number;
  shared: { flags: number; position: number };
}

/** What the mount tells the rest of the process. */
export interface MountHooks {
  mappings: FileMappings;
  /** A descriptor of a volume file closed; `lastFlocked` when it was its description's last,
   * in any process, and a flock was taken on that description. */
  closed(ino: number, gen: number, description: number, lastFlocked: boolean): void;
}

type Emscripten = PyodideAPI['FS'] & {
  ErrnoError: new (errno: number) => Error;
  FSNode: new (parent: VolumeNode | null, name: string, mode: number, rdev: number) => VolumeNode;
  hashAddNode(node: VolumeNode): void;
  mount(type: object, opts: object, mountpoint: string): VolumeNode;
  isFile(mode: number): boolean;
};

const LINUX_NAMES = Object.fromEntries(Object.entries(Errno).map(([name, n]) => [n, name]));

export function mountVolume(
  py: PyodideAPI,
  volume: Volume,
  descriptions: Descriptions,
  hooks: MountHooks,
) {
  const FS = py.FS as Emscripten;
  const emscriptenErrno = py.ERRNO_CODES as Record<string, number>;
  const EMSCRIPTEN_NAMES = Object.fromEntries(
    Object.entries(emscriptenErrno).map(([name, n]) => [n, name]),
  );
  const { mappings } = hooks;

  /** The stream's offset is its description's, in the volume, so a forked child's copy and
   * the parent move one offset, as on Linux; `dup` copies `shared` along. */
  const attach = (stream: VolumeStream, description: number) => {
    const { flags } = stream;
    stream.description = description;
    stream.shared = {
      flags,
      get position() {
        return descriptions.position(description);
      },
      set position(at: number) {
        descriptions.setPosition(description, at);
      },
    };
  };

  /** Volume errors carry Linux's numbers; Emscripten's C side expects its own (the Python
   * layer turns them back into Linux's, errors.py). */
  const guard = <T>(body: () => T): T => {
    try {
      return body();
    } catch (error) {
      if (error instanceof FsError) {
        throw new FS.ErrnoError(emscriptenErrno[LINUX_NAMES[error.errno]] ?? emscriptenErrno.EIO);
      }
      throw error;
    }
  };

  // No lock: the one the lookup took is gone already, and a stale generation fails later.
  const nodeFor = (parent: VolumeNode | null, name: string, ino: number): VolumeNode => {
    const mode = volume.get(ino, Inode.MODE);
    const gen = volume.get(ino, Inode.GEN);
    const node = new FS.FSNode(parent, name, mode, 0);
    node.id = INO_BASE + ino;
    node.ino = ino;
    node.gen = gen;
    node.volume = true;
    node.node_ops = nodeOps;
    node.stream_ops = streamOps;
    return node;
  };

  const live = (node: VolumeNode) => volume.check(node.ino, node.gen);

  const nodeOps = {
    getattr: (node: VolumeNode) =>
      guard(() =>
        volume.locked(() => {
          live(node);
          const stat = volume.stat(node.ino);
          node.mode = stat.mode;
          return {
            dev: 0x800 + stat.device,
            ino: node.id,
            mode: stat.mode,
            nlink: stat.nlink,
            uid: 0,
            gid: 0,
            rdev: 0,
            size: stat.size,
            atime: new Date(stat.atime),
            mtime: new Date(stat.mtime),
            ctime: new Date(stat.ctime),
            blksize: 4096,
            blocks: Math.ceil(stat.size / 512),
          };
        }),
      ),
    setattr: (
      node: VolumeNode,
      attr: { mode?: number; atime?: number; mtime?: number; size?: number; timestamp?: number },
    ) =>
      guard(() => {
        if (attr.size !== undefined) volume.truncate(node.ino, attr.size);
        volume.locked(() => {
          live(node);
          if (attr.mode !== undefined) {
            const mode = (volume.get(node.ino, Inode.MODE) & S_IFMT) | (attr.mode & 0o7777);
            volume.set(node.ino, Inode.MODE, mode);
            node.mode = mode;
          }
          if (attr.atime !== undefined) volume.setTime(node.ino, Inode.ATIME, +attr.atime);
          if (attr.mtime !== undefined) volume.setTime(node.ino, Inode.MTIME, +attr.mtime);
          volume.touch();
        });
      }),
    lookup: (parent: VolumeNode, name: string) => {
      const ino = guard(() => volume.find(parent.ino, name));
      if (ino === 0) throw new FS.ErrnoError(emscriptenErrno.ENOENT);
      return nodeFor(parent, name, ino);
    },
    mknod: (parent: VolumeNode, name: string, mode: number) =>
      guard(() => {
        const type = mode & S_IFMT;
        if (type !== S_IFDIR && type !== S_IFREG) throw new FsError(Errno.EPERM);
        return nodeFor(parent, name, volume.create(parent.ino, name, mode));
      }),
    rename: (node: VolumeNode, newDir: VolumeNode, newName: string) =>
      guard(() => volume.rename(node.parent.ino, node.name, newDir.ino, newName)),
    unlink: (parent: VolumeNode, name: string) => guard(() => volume.unlink(parent.ino, name)),
    rmdir: (parent: VolumeNode, name: string) => guard(() => volume.rmdir(parent.ino, name)),
    readdir: (node: VolumeNode) => guard(() => ['.', '..', ...volume.names(node.ino)]),
    symlink: (parent: VolumeNode, name: string, target: string) =>
      guard(() =>
        nodeFor(
          parent,
          name,
          volume.create(parent.ino, name, S_IFLNK | 0o777, new TextEncoder().encode(target)),
        ),
      ),
    readlink: (node: VolumeNode) =>
      guard(() => {
        if ((node.mode & S_IFMT) !== S_IFLNK) throw new FsError(Errno.EINVAL);
        return new TextDecoder().decode(volume.contents(node.ino));
      }),
  };

  const streamOps = {
    open: (stream: VolumeStream) => guard(() => attach(stream, descriptions.open(stream.node.ino))),
    dup: (stream: VolumeStream) => guard(() => descriptions.share(stream.description)),
    close: (stream: VolumeStream) =>
      guard(() => {
        const { ino, gen } = stream.node;
        const flocked = descriptions.flocked(stream.description);
        const last = descriptions.close(stream.description);
        hooks.closed(ino, gen, stream.description, last && flocked);
      }),
    read: (
      stream: VolumeStream,
      buffer: Int8Array,
      offset: number,
      length: number,
      position: number,
    ) =>
      guard(() => {
        // What this process wrote through a mapping is in the file, as in Linux's page cache.
        if (mappings.size > 0) mappings.fenceFile(stream.node.ino);
        return volume.read(stream.node.ino, heapView(buffer, offset, length), position);
      }),
    write: (
      stream: VolumeStream,
      buffer: Int8Array,
      offset: number,
      length: number,
      position: number,
    ) =>
      guard(() => {
        // What this process wrote through a mapping goes first, then this write over it.
        if (mappings.size > 0) mappings.fenceFile(stream.node.ino);
        const append = (stream.flags & O_APPEND) !== 0;
        const at = volume.write(
          stream.node.ino,
          heapView(buffer, offset, length),
          position,
          append,
        );
        // An append lands at the end as it is then; the stream's position follows it.
        if (append) stream.position = at;
        if (mappings.size > 0) mappings.fenceFile(stream.node.ino);
        return length;
      }),
    llseek: (stream: VolumeStream, offset: number, whence: number) =>
      guard(() => {
        let position = offset;
        if (whence === 1) position += stream.position;
        else if (whence === 2 && FS.isFile(stream.node.mode)) {
          position += volume.locked(() => volume.get(stream.node.ino, Inode.SIZE));
        }
        if (position < 0) throw new FsError(Errno.EINVAL);
        return position;
      }),
    mmap: (stream: VolumeStream, length: number, position: number, _prot: number, flags: number) =>
      guard(() => {
        live(stream.node);
        return mappings.map(
          stream.node.ino,
          stream.node.gen,
          position,
          length,
          (flags & MAP_SHARED) !== 0,
        );
      }),
    // munmap and msync(2) both come here, and tell no mapping apart: fence the file's.
    msync: (stream: VolumeStream) => (mappings.fenceFile(stream.node.ino), 0),
  };

  // Nodes of this mount stay out of Emscripten's name cache (see above): FS.rename re-adds
  // the node it moved.
  const hashAddNode = FS.hashAddNode.bind(FS);
  FS.hashAddNode = (node: VolumeNode) => {
    if (!node.volume) hashAddNode(node);
  };

  // A read or write at the shared offset reads it, does the I/O and advances it as one, under
  // the volume's lock (which the I/O takes again), as Linux's f_pos lock makes it: processes
  // sharing a description never write at the same offset.
  type Io = (stream: VolumeStream, ...rest: unknown[]) => number;
  const io = FS as unknown as { read: Io; write: Io };
  for (const name of ['read', 'write'] as const) {
    const op = io[name].bind(FS);
    io[name] = (stream, buffer, offset, length, position, ...rest) =>
      stream.node?.volume && position === undefined
        ? volume.locked(() => op(stream, buffer, offset, length, position, ...rest))
        : op(stream, buffer, offset, length, position, ...rest);
  }

  patchCreatePath(
    FS as unknown as CreatePath<VolumeNode>,
    (dir, name) => guard(() => volume.find(dir.ino, name)),
    emscriptenErrno,
  );

  const roots = new Map<DeviceId, { path: string; node: VolumeNode }>();
  for (const { path, device } of MOUNTS) {
    FS.mkdirTree(path);
    const type = { mount: () => nodeFor(null, '/', ROOT_INODE[device as DeviceId]) };
    roots.set(device, { path, node: FS.mount(type, {}, path) });
  }
  const streams = FS as unknown as {
    streams: (VolumeStream | null)[];
    getPath(node: VolumeNode): string;
    createStream(stream: object, fd: number): VolumeStream;
  };

  /** Lends each `source` volume file once more, as the child's `fd` (child fd → source). */
  const lend = (wanted: Map<number, number>): InheritedFile[] => {
    const files: InheritedFile[] = [];
    for (const [fd, source] of wanted) {
      const stream = streams.streams[source];
      if (!stream?.node.volume) continue;
      const { ino, gen } = stream.node;
      const device = volume.get(ino, Inode.DEVICE) as DeviceId;
      const under = roots.get(device)!.path;
      const path = streams.getPath(stream.node).slice(under.length + 1);
      descriptions.lend(stream.description);
      files.push({
        fd,
        description: stream.description,
        ino,
        gen,
        flags: stream.flags,
        device,
        path,
      });
    }
    return files;
  };

  return {
    /** fork: the volume files open here, each description lent once more for the child. */
    openFiles(): InheritedFile[] {
      return lend(new Map(streams.streams.map((_, fd) => [fd, fd])));
    },
    /** A command's standard streams that are files here (child's fd → this process's), lent;
     * null when one of them is no volume file. */
    lendFiles(only: Map<number, number>): InheritedFile[] | null {
      for (const source of only.values()) if (!streams.streams[source]?.node.volume) return null;
      return lend(only);
    },
    /** At exit, as Linux's exit closes every descriptor: descriptions a forked child shared
     * are released, and their flock locks with the last. */
    closeAll(): void {
      for (const stream of streams.streams) {
        if (stream?.node.volume) (FS as unknown as { close(s: VolumeStream): void }).close(stream);
      }
    },
    /** link(2): 0, or Linux's errno (a name outside the volume is another device: EXDEV). */
    link(source: string, target: string, follow: boolean): number {
      try {
        const from = FS.lookupPath(source, { follow }).node as VolumeNode;
        const dir = FS.lookupPath(target, { parent: true }).node as VolumeNode;
        if (!from.volume || !dir.volume) return Errno.EXDEV;
        live(from);
        volume.link(from.ino, dir.ino, target.slice(target.lastIndexOf('/') + 1));
        return 0;
      } catch (error) {
        if (error instanceof FsError) return error.errno;
        const code = (error as { errno?: unknown }).errno;
        if (typeof code !== 'number') throw error;
        return (Errno as Record<string, number>)[EMSCRIPTEN_NAMES[code]] ?? Errno.EIO;
      }
    },
    /** A forked child's first step: its parent's files, at the same numbers. */
    adopt(files: InheritedFile[]): void {
      for (const file of files) {
        const root = roots.get(file.device)!.node;
        const node = nodeFor(root, file.path || '.', file.ino);
        node.gen = file.gen;
        const stream = streams.createStream(
          {
            node,
            path: streams.getPath(node),
            flags: file.flags,
            seekable: true,
            position: 0,
            stream_ops: streamOps,
            ungotten: [],
            error: false,
          },
          file.fd,
        );
        attach(stream, file.description);
      }
    },
  };
}
