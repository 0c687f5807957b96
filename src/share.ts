/**
 * Share links: the fragment `#v1:…` holds every file, the run configuration and the start
 * method, as JSON compressed with raw DEFLATE (fflate) in URL-safe base64. The fragment never
 * reaches a server. Decoding treats the link as hostile: size caps before and after
 * decompression, strict base64, and the same file-name rules as the workspace. No DOM here.
 */
import { deflateSync, Inflate, strFromU8, strToU8 } from 'fflate';
import type { StartMethod, WorkspaceFile } from '../workers/protocol/kernel';
import { translate, type Locale } from './i18n';
import { invalidFileName, type NameProblem, type WorkspaceState } from './store';

export const SHARE_PREFIX = 'v1:';
/** Links longer than this get cut by some chat apps and mail clients. */
export const CHAT_LIMIT = 8 * 1024;
const MAX_FRAGMENT = 1_000_000;
const MAX_JSON_BYTES = 4 * 1024 * 1024;
const MAX_FILES = 64;

export type SharedWorkspace = Pick<WorkspaceState, 'files' | 'active' | 'entries' | 'startMethod'>;

export type ShareProblem =
  | { kind: 'version' }
  | { kind: 'encoding' }
  | { kind: 'tooLarge' }
  | { kind: 'corrupt' }
  | { kind: 'format' }
  | { kind: 'fileName'; name: string; problem: NameProblem };

export function isShareFragment(fragment: string): boolean {
  return /^v\d+:/.test(fragment);
}

export function encodeShare(workspace: SharedWorkspace): string {
  const json = JSON.stringify({
    files: workspace.files.map((f) => [f.path, f.content]),
    active: workspace.active,
    entries: workspace.entries,
    startMethod: workspace.startMethod,
  });
  return SHARE_PREFIX + toBase64Url(deflateSync(strToU8(json), { level: 9 }));
}

/** The workspace a fragment (without `#`) holds, or why it cannot be opened. */
export function decodeShare(fragment: string): SharedWorkspace | ShareProblem {
  if (!fragment.startsWith(SHARE_PREFIX)) return { kind: 'version' };
  if (fragment.length > MAX_FRAGMENT) return { kind: 'tooLarge' };
  const packed = fromBase64Url(fragment.slice(SHARE_PREFIX.length));
  if (packed === null) return { kind: 'encoding' };
  const json = inflateCapped(packed, MAX_JSON_BYTES);
  if (typeof json === 'string') return { kind: json };
  let raw: unknown;
  try {
    raw = JSON.parse(strFromU8(json));
  } catch {
    return { kind: 'corrupt' };
  }
  return validate(raw);
}

/** What the page says about a link it cannot open. */
export function shareProblemMessage(locale: Locale, problem: ShareProblem): string {
  // JSON quoting shows a hostile name's control characters as escapes, not as terminal codes.
  const name = problem.kind === 'fileName' ? JSON.stringify(problem.name) : '';
  const reason = translate(locale, `shareProblem_${problem.kind}`, { name });
  return translate(locale, 'shareBroken', { reason });
}

function validate(raw: unknown): SharedWorkspace | ShareProblem {
  if (typeof raw !== 'object' || raw === null) return { kind: 'format' };
  const s = raw as Record<string, unknown>;
  if (!Array.isArray(s.files) || s.files.length === 0 || s.files.length > MAX_FILES) {
    return { kind: 'format' };
  }
  const files: WorkspaceFile[] = [];
  for (const entry of s.files as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2) return { kind: 'format' };
    const [path, content] = entry as unknown[];
    if (typeof path !== 'string' || typeof content !== 'string') return { kind: 'format' };
    const problem = invalidFileName(
      path,
      files.map((f) => f.path),
    );
    if (problem) return { kind: 'fileName', name: path, problem };
    files.push({ path, content });
  }
  const names = files.map((f) => f.path);
  const ticked = new Set(Array.isArray(s.entries) ? (s.entries as unknown[]) : []);
  const startMethod: StartMethod = s.startMethod === 'spawn' ? 'spawn' : 'fork';
  return {
    files,
    active: typeof s.active === 'string' && names.includes(s.active) ? s.active : names[0],
    entries: names.filter((name) => ticked.has(name)),
    startMethod,
  };
}

/** Inflates in small steps, so a compression bomb stops at the cap instead of filling memory. */
function inflateCapped(data: Uint8Array, cap: number): Uint8Array | 'tooLarge' | 'corrupt' {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    size += chunk.length;
    if (size > cap) throw new RangeError('over the cap');
    chunks.push(chunk);
    ended ||= final;
  });
  try {
    const step = 1024;
    for (let at = 0; at < data.length; at += step) {
      inflater.push(data.subarray(at, at + step), at + step >= data.length);
    }
  } catch (error) {
    return error instanceof RangeError ? 'tooLarge' : 'corrupt';
  }
  if (!ended) return 'corrupt';
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}
