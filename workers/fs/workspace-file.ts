/**
 * A workspace file as bytes and back (protocol/common.ts `WorkspaceFile`): text when the bytes
 * are UTF-8 without NUL bytes, which an editor can show and give back unchanged, else base64.
 * One rule for what a program writes (kernel/workspace.ts) and what the page uploads.
 */
import type { WorkspaceFile } from '../protocol/common';

// ignoreBOM keeps a byte-order mark in the text, so the file keeps the bytes it came with.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

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
