/**
 * The CLI's workspace: the current directory's files, copied into /home/user before a run so
 * sibling modules and data files are there as `python3 FILE` finds them, and (with
 * `--write-back`) what the run changed there, written back afterwards.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** As the playground's workspace (protocol/fs.ts WORKSPACE_CAP). */
export const WORKSPACE_CAP = 50 * 1024 * 1024;
export const FILE_CAP = 2000;
const SKIPPED = new Set(['node_modules', '__pycache__']);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A file as the page takes it: text, or base64 for bytes that are not UTF-8 text. */
export function workspaceFile(path, bytes) {
  if (!bytes.includes(0)) {
    try {
      return { path, content: utf8.decode(bytes) };
    } catch {
      // not text
    }
  }
  return { path, content: Buffer.from(bytes).toString('base64'), encoding: 'base64' };
}

export class WorkspaceTooBig extends Error {}

/** Every file under `dir` but hidden ones (`.git`, `.venv`, …), `node_modules` and byte-code
 * caches; more than the cap is an error that says which cap. */
export function readWorkspace(dir) {
  const files = [];
  let bytes = 0;
  const walk = (at) => {
    for (const name of readdirSync(at).sort()) {
      if (name.startsWith('.') || SKIPPED.has(name)) continue;
      const path = join(at, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) {
        bytes += stat.size;
        if (files.length >= FILE_CAP || bytes > WORKSPACE_CAP) {
          throw new WorkspaceTooBig(
            `${dir} holds more than ${FILE_CAP} files or ${WORKSPACE_CAP / 1024 / 1024} MB ` +
              '(hidden folders and node_modules aside): run procbox from a smaller folder',
          );
        }
        files.push(workspaceFile(relative(dir, path).split(sep).join('/'), readFileSync(path)));
      }
    }
  };
  walk(dir);
  return files;
}

/** The workspace for `procbox run FILE...` from `dir`, and the entries' paths in it. A FILE
 * outside `dir` joins the workspace under its own name. */
export function runWorkspace(dir, paths) {
  const files = readWorkspace(dir);
  const entries = paths.map((path) => {
    const inside = relative(dir, resolve(path));
    if (!inside.startsWith('..') && !isAbsolute(inside)) return inside.split(sep).join('/');
    const name = basename(path);
    files.push(workspaceFile(name, readFileSync(path)));
    return name;
  });
  return { files, entries };
}

/** Applies a run's changes (protocol/common.ts WorkspaceChange) to `dir`. */
export function writeBack(dir, changes) {
  const root = resolve(dir);
  const target = (path) => {
    const at = resolve(root, ...path.split('/'));
    if (!at.startsWith(root + sep)) throw new Error(`refusing to write outside ${root}: ${path}`);
    return at;
  };
  for (const change of changes) {
    if ('removed' in change) rmSync(target(change.removed), { force: true });
    else {
      const at = target(change.file.path);
      mkdirSync(dirname(at), { recursive: true });
      const { content, encoding } = change.file;
      writeFileSync(at, encoding === 'base64' ? Buffer.from(content, 'base64') : content);
    }
  }
}
