/**
 * A lesson as lessons/README.md describes it: lesson.json, its text in each locale, starter/ and
 * solution/. Parsed from a map of relative paths to contents, so the bundled lessons and a
 * folder `procbox check` reads go through the same checks. No DOM here.
 */
import type { StartMethod, WorkspaceFile } from '../../workers/protocol/kernel';
import { LOCALES, type Locale } from '../i18n';
import { invalidFileName } from '../store';

export type Localized = Record<Locale, string>;

export type OutputMatch = 'exact' | 'multiset' | 'regex';

/** What one check asserts; lessons/README.md explains each kind. */
export type CheckSpec = { say?: Localized } & (
  | ({
      kind: 'output';
      entry?: string;
      stream: 'stdout' | 'stderr' | 'both';
    } & LinesSpec)
  | { kind: 'exitCode'; entry: string; code: number }
  | { kind: 'processes' | 'threads'; entry?: string; min?: number; max?: number }
  | { kind: 'concurrentClients'; entry?: string; min: number }
  | { kind: 'noDataLost' }
  | { kind: 'noDeadlock' }
  | { kind: 'lockGuarded'; min: number }
  /** At least `min` hand-overs of a kind on the run's timeline (Queue items, messages, locks);
   * with `acrossProcesses`, each from one process to another. */
  | { kind: 'arrows'; arrow: CheckedArrow; min: number; acrossProcesses: boolean }
  | {
      kind: 'file';
      /** A path in the workspace (`out/total.txt`). */
      path: string;
      /** False: the check passes when the file is gone. */
      exists: boolean;
      /** What its lines must be, as an output check's (none: only that it exists). */
      lines: LinesSpec | null;
    }
);

/** The hand-overs an `arrows` check can count (src/timeline/model.ts `ArrowKind`). */
export const CHECKED_ARROWS = ['item', 'message', 'lock', 'wake'] as const;
export type CheckedArrow = (typeof CHECKED_ARROWS)[number];

/** Lines to compare, as an output check or a file check states them. */
export interface LinesSpec {
  match: OutputMatch;
  /** For `regex`: each pattern may match any one line, not the line in its place. */
  anyOrder: boolean;
  lines: string[];
}

export interface Lesson {
  id: string;
  title: Localized;
  text: Localized;
  /** Started in this order by Run and Check; the last one is the foreground. */
  entries: string[];
  startMethod: StartMethod;
  timeoutSeconds: number;
  /** Files the checks always take from the starter, whatever the learner made of them. */
  given: string[];
  checks: CheckSpec[];
  starter: WorkspaceFile[];
  /** The reference solution: the starter with solution/'s files in place of its own. */
  solution: WorkspaceFile[];
}

/** Why a folder is not a lesson: for authors, in English, as a compiler's error would be. */
export class LessonFormatError extends Error {}

/** A lesson's text without its leading `# Title` when that is the title the pane's header
 * already shows. */
export function withoutTitle(markdown: string, title: string): string {
  const heading = /^\s*#[ \t]+(.+?)[ \t#]*(?:\r?\n|$)/.exec(markdown);
  return heading && heading[1].trim() === title.trim()
    ? markdown.slice(heading[0].length)
    : markdown;
}

function fail(message: string): never {
  throw new LessonFormatError(message);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function localized(value: unknown, where: string): Localized {
  if (!isObject(value)) fail(`${where} must be an object with ${LOCALES.join(' and ')}`);
  const out = {} as Localized;
  for (const locale of LOCALES) {
    const text = value[locale];
    if (typeof text !== 'string' || !text.trim()) fail(`${where} has no "${locale}" text`);
    out[locale] = text;
  }
  return out;
}

function count(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < 0) fail(`${where} must be a count`);
  return value as number;
}

function entryName(value: unknown, where: string, files: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !files.includes(value)) {
    fail(`${where} names no starter file: ${JSON.stringify(value)}`);
  }
  return value;
}

function parseLines(raw: Record<string, unknown>, where: string): LinesSpec {
  const { match, lines } = raw;
  if (match !== 'exact' && match !== 'multiset' && match !== 'regex') {
    fail(`${where}.match must be exact, multiset or regex`);
  }
  if (!Array.isArray(lines) || !lines.every((l) => typeof l === 'string')) {
    fail(`${where}.lines must be a list of strings`);
  }
  if (match === 'regex') {
    for (const pattern of lines) {
      try {
        new RegExp(pattern, 'u');
      } catch {
        fail(`${where}.lines: not a regular expression: ${pattern}`);
      }
    }
  }
  return { match, anyOrder: raw.order === 'any', lines };
}

function parseCheck(raw: unknown, where: string, files: string[]): CheckSpec {
  if (!isObject(raw)) fail(`${where} must be an object`);
  const say = raw.say === undefined ? {} : { say: localized(raw.say, `${where}.say`) };
  const entry = entryName(raw.entry, `${where}.entry`, files);
  switch (raw.kind) {
    case 'output': {
      const { stream = 'stdout' } = raw;
      if (stream !== 'stdout' && stream !== 'stderr' && stream !== 'both') {
        fail(`${where}.stream must be stdout, stderr or both`);
      }
      return { ...say, kind: 'output', entry, stream, ...parseLines(raw, where) };
    }
    case 'file': {
      const { path, exists = true } = raw;
      if (typeof path !== 'string' || !path || path.startsWith('/') || path.includes('..')) {
        fail(`${where}.path must be a path in the workspace`);
      }
      if (typeof exists !== 'boolean') fail(`${where}.exists must be true or false`);
      const lines = raw.lines === undefined ? null : parseLines(raw, where);
      if (!exists && lines) fail(`${where}: a file that must be gone has no lines`);
      return { ...say, kind: 'file', path, exists, lines };
    }
    case 'exitCode':
      if (entry === undefined) fail(`${where}.entry is required`);
      if (!Number.isInteger(raw.code)) fail(`${where}.code must be an integer`);
      return { ...say, kind: 'exitCode', entry, code: raw.code as number };
    case 'processes':
    case 'threads': {
      const min = count(raw.min, `${where}.min`);
      const max = count(raw.max, `${where}.max`);
      if (min === undefined && max === undefined) fail(`${where} needs min or max`);
      return { ...say, kind: raw.kind, entry, min, max };
    }
    case 'concurrentClients':
    case 'lockGuarded': {
      const min = count(raw.min, `${where}.min`);
      if (min === undefined) fail(`${where}.min is required`);
      return raw.kind === 'lockGuarded'
        ? { ...say, kind: 'lockGuarded', min }
        : { ...say, kind: 'concurrentClients', entry, min };
    }
    case 'noDataLost':
    case 'noDeadlock':
      return { ...say, kind: raw.kind };
    case 'arrows': {
      const min = count(raw.min, `${where}.min`) ?? 1;
      const { arrow, acrossProcesses = false } = raw;
      if (!CHECKED_ARROWS.includes(arrow as CheckedArrow)) {
        fail(`${where}.arrow must be one of ${CHECKED_ARROWS.join(', ')}`);
      }
      if (typeof acrossProcesses !== 'boolean')
        fail(`${where}.acrossProcesses must be true or false`);
      return { ...say, kind: 'arrows', arrow: arrow as CheckedArrow, min, acrossProcesses };
    }
    default:
      return fail(`${where}.kind is unknown: ${JSON.stringify(raw.kind)}`);
  }
}

function filesUnder(folder: string, files: ReadonlyMap<string, string>): WorkspaceFile[] {
  const out: WorkspaceFile[] = [];
  for (const [path, content] of files) {
    if (!path.startsWith(`${folder}/`)) continue;
    const name = path.slice(folder.length + 1);
    const problem = invalidFileName(
      name,
      out.map((f) => f.path),
    );
    if (problem) fail(`${path}: not a usable file name (${problem})`);
    out.push({ path: name, content });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Parses one lesson folder's files (paths relative to it, '/'-separated). */
export function parseLesson(id: string, files: ReadonlyMap<string, string>): Lesson {
  const manifest = files.get('lesson.json');
  if (manifest === undefined) fail('lesson.json is missing');
  let raw: unknown;
  try {
    raw = JSON.parse(manifest);
  } catch (error) {
    fail(`lesson.json is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(raw)) fail('lesson.json must hold an object');

  const text = {} as Localized;
  for (const locale of LOCALES) {
    const markdown = files.get(`${locale}.md`);
    if (markdown === undefined) fail(`${locale}.md is missing`);
    text[locale] = markdown;
  }
  const starter = filesUnder('starter', files);
  if (starter.length === 0) fail('starter/ has no files');
  const names = starter.map((f) => f.path);
  const replaced = new Map(filesUnder('solution', files).map((f) => [f.path, f.content]));
  for (const name of replaced.keys()) {
    if (!names.includes(name)) fail(`solution/${name} has no starter/${name}`);
  }

  if (!Array.isArray(raw.entries) || raw.entries.length === 0) fail('entries must list files');
  const entries = raw.entries.map((e, i) => entryName(e, `entries[${i}]`, names)!);
  // Tabs open in run order (server, then client), then the other files by name.
  const place = (f: WorkspaceFile) =>
    entries.includes(f.path) ? entries.indexOf(f.path) : entries.length;
  starter.sort((a, b) => place(a) - place(b));
  const given = Array.isArray(raw.given)
    ? raw.given.map((g, i) => entryName(g, `given[${i}]`, names)!)
    : [];
  if (raw.given !== undefined && !Array.isArray(raw.given)) fail('given must list files');
  const startMethod = raw.startMethod ?? 'fork';
  if (startMethod !== 'fork' && startMethod !== 'spawn') fail('startMethod is fork or spawn');
  const timeoutSeconds = raw.timeout ?? 30;
  if (typeof timeoutSeconds !== 'number' || !(timeoutSeconds > 0 && timeoutSeconds <= 600)) {
    fail('timeout must be between 0 and 600 seconds');
  }
  if (!Array.isArray(raw.checks) || raw.checks.length === 0) fail('checks must list checks');

  return {
    id,
    title: localized(raw.title, 'title'),
    text,
    entries,
    startMethod,
    timeoutSeconds,
    given,
    checks: raw.checks.map((c, i) => parseCheck(c, `checks[${i}]`, names)),
    starter,
    solution: starter.map((f) => ({ path: f.path, content: replaced.get(f.path) ?? f.content })),
  };
}

/**
 * The files a check run gets: the learner's, with any missing starter file and every given
 * file taken from the lesson. Extra files the learner made are kept (a module they import).
 */
export function filesForCheck(lesson: Lesson, learner: readonly WorkspaceFile[]): WorkspaceFile[] {
  const out = learner
    .filter((f) => !lesson.given.includes(f.path))
    .map((f) => ({ path: f.path, content: f.content }));
  for (const file of lesson.starter) {
    if (lesson.given.includes(file.path) || !out.some((f) => f.path === file.path)) {
      out.push({ ...file });
    }
  }
  return out;
}
