/**
 * A workspace file as bytes: what an upload becomes (text or base64), what a download or the
 * zip holds, and how big a file is. No DOM here, so it is unit-tested in Node. The text-or-base64
 * rule is the kernel's too (workers/fs/workspace-file.ts).
 */
import { zipSync } from 'fflate';
import type { WorkspaceFile } from '../workers/protocol/kernel';
import { fileBytes } from '../workers/fs/workspace-file';

export { fileBytes, fileFromBytes } from '../workers/fs/workspace-file';

/** The name the workspace's zip downloads under. */
export const ZIP_NAME = 'procbox-workspace.zip';

/** Bytes on disk, counted without encoding or decoding a copy (files reach 50 MB). */
export function fileSize(file: WorkspaceFile): number {
  const text = file.content;
  if (file.encoding === 'base64') {
    const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
    return Math.floor((text.length * 3) / 4) - padding;
  }
  let bytes = text.length; // one a UTF-16 unit; more for what UTF-8 spends more on
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else {
      bytes += 2; // 3 bytes; a surrogate pair is 4 bytes for its 2 units
      const low = text.charCodeAt(i + 1);
      if (unit >= 0xd800 && unit < 0xdc00 && low >= 0xdc00 && low < 0xe000) i++;
    }
  }
  return bytes;
}

export function workspaceSize(files: readonly WorkspaceFile[]): number {
  return files.reduce((sum, f) => sum + fileSize(f), 0);
}

/** `out/part0.txt` → `part0.txt`: what a single file downloads as. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Every file in one zip, folders kept in the paths (`out/part0.txt`). */
export function zipWorkspace(files: readonly WorkspaceFile[]): Uint8Array<ArrayBuffer> {
  const entries: Record<string, Uint8Array> = {};
  for (const file of files) entries[file.path] = fileBytes(file);
  // fflate's types say ArrayBufferLike; the zip is always a new, ordinary ArrayBuffer.
  return zipSync(entries, { level: 6 }) as Uint8Array<ArrayBuffer>;
}
