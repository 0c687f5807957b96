/**
 * A workspace file as bytes: what an upload becomes (text or base64), what a download or the
 * zip holds, and how big a file is. No DOM here, so it is unit-tested in Node. The kernel makes
 * the same text-or-base64 decision for files a program writes (workers/kernel/workspace.ts).
 */
import { zipSync } from 'fflate';
import type { WorkspaceFile } from '../workers/protocol/kernel';

/** The name the workspace's zip downloads under. */
export const ZIP_NAME = 'procbox-workspace.zip';

// ignoreBOM keeps a byte-order mark in the text, so the file downloads with the bytes it came with.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Text when the bytes are UTF-8 without NUL bytes (what an editor can show and give back
 * unchanged), else base64. */
export function fileFromBytes(path: string, bytes: Uint8Array): WorkspaceFile {
  if (!bytes.includes(0)) {
    try {
      return { path, content: strictUtf8.decode(bytes) };
    } catch {
      // not UTF-8: binary, below
    }
  }
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return { path, content: btoa(binary), encoding: 'base64' };
}

/** The file's real bytes: base64 decoded, or the text as UTF-8. */
export function fileBytes(file: WorkspaceFile): Uint8Array<ArrayBuffer> {
  if (file.encoding === 'base64') {
    return Uint8Array.from(atob(file.content), (ch) => ch.charCodeAt(0));
  }
  return new TextEncoder().encode(file.content);
}

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
