/**
 * How Emscripten's FS creates files, adjusted for the volume (fs-mount.ts).
 */

const UMASK = 0o022;

interface LookupOptions {
  parent?: boolean;
  follow?: boolean;
  noent_okay?: boolean;
}
/** What the patches read of a node: whether the volume holds it, and its mode. */
interface PathNode {
  volume?: boolean;
  mode: number;
}

/** The part of Emscripten's FS that a create goes through. */
export interface CreatePath<VolumeNode extends PathNode> {
  open(path: string, flags: number, mode?: number): unknown;
  mkdir(path: string, mode?: number): unknown;
  lookupPath(path: string, opts?: LookupOptions): { path: string; node?: VolumeNode };
  lookupNode(parent: VolumeNode, name: string): VolumeNode;
  mayCreate(dir: VolumeNode, name: string): number;
  nodePermissions(node: VolumeNode, perms: string): number;
  isMountpoint(node: VolumeNode): boolean;
  isLink(mode: number): boolean;
  isDir(mode: number): boolean;
}

/** New files and folders get the mode a umask leaves, and creating one throws nothing.
 *
 * Creating a file asks twice whether its name is free (open's lookup, then mknod's
 * `mayCreate`), and Emscripten answers "no such name" by throwing, which costs more than the
 * whole create in a worker. In the volume's folders both ask the volume instead: a create
 * throws nothing. */
export function patchCreatePath<VolumeNode extends PathNode>(
  FS: CreatePath<VolumeNode>,
  find: (dir: VolumeNode, name: string) => number,
  errno: Record<string, number>,
) {
  // Linux's default umask leaves 0644 and 0755; Emscripten applies none.
  const open = FS.open.bind(FS);
  FS.open = (path, flags, mode = 0o666) => open(path, flags, mode & ~UMASK);
  const mkdir = FS.mkdir.bind(FS);
  FS.mkdir = (path, mode = 0o777) => mkdir(path, mode & ~UMASK);

  const mayCreate = FS.mayCreate.bind(FS);
  FS.mayCreate = (dir, name) => {
    if (!dir.volume || !FS.isDir(dir.mode)) return mayCreate(dir, name);
    return find(dir, name) !== 0 ? errno.EEXIST : FS.nodePermissions(dir, 'wx');
  };

  const lookupPath = FS.lookupPath.bind(FS);
  FS.lookupPath = (path, opts = {}) => {
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (!opts.noent_okay || opts.parent || name === '' || name === '.' || name === '..') {
      return lookupPath(path, opts);
    }
    // The folder as Emscripten finds it (links and mounts followed), then the name in it.
    const dir = lookupPath(path, { ...opts, parent: true, noent_okay: false });
    const parent = dir.node!;
    if (!parent.volume) return lookupPath(path, opts);
    const full = dir.path === '/' ? `/${name}` : `${dir.path}/${name}`;
    if (find(parent, name) === 0) return { path: full };
    const node = FS.lookupNode(parent, name);
    if (FS.isMountpoint(node) || FS.isLink(node.mode)) return lookupPath(path, opts);
    return { path: full, node };
  };
}
