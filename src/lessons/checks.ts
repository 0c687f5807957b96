/**
 * Grades one check run: what the processes printed, how they exited, and the facts of the
 * kernel's event trace. Each result says what was checked and, when it failed, why, as i18n
 * keys with parameters, so the page and `procbox check` word them in either language. No DOM.
 */
import type { OutputChunk, Pid, TraceEvent, WorkspaceFile } from '../../workers/protocol/kernel';
import { translate, type Locale, type MessageKey } from '../i18n';
import type { CheckSpec, LinesSpec, Localized } from './format';
import { deadlockText } from '../timeline/deadlock-text';
import { buildTimeline } from '../timeline/model';

export interface RunRecord {
  /** Each entry's file and pid, in the order they started. */
  entries: { path: string; pid: Pid }[];
  /** Every chunk the run's processes printed, in arrival order. */
  output: OutputChunk[];
  trace: TraceEvent[];
  /** Processes still alive when the check run stopped them (servers, a program that hung). */
  stillRunning: Pid[];
  /** The foreground entry had not exited when the lesson's time ran out. */
  timedOut: boolean;
  /** The workspace when the run ended (what file checks look at). */
  files: WorkspaceFile[];
}

/** Words to show: an i18n message (whose parameters may be words too), or a lesson's own text
 * in both languages. */
export type Text =
  { key: MessageKey; params?: Record<string, string | number | Text> } | { localized: Localized };

export interface CheckResult {
  passed: boolean;
  description: Text;
  /** Why it failed (null when it passed). */
  reason: Text | null;
}

export function textIn(locale: Locale, text: Text): string {
  if ('localized' in text) return text.localized[locale];
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(text.params ?? {})) {
    params[name] = typeof value === 'object' ? textIn(locale, value) : value;
  }
  return translate(locale, text.key, params);
}

const message = (key: MessageKey, params?: Record<string, string | number | Text>): Text => ({
  key,
  params,
});

/** Shown quoted, and cut short: a reason names a line, it does not reprint the output. */
function quote(line: string): string {
  const short = line.length > 80 ? `${line.slice(0, 77)}...` : line;
  // Control characters are shown escaped: a reason must not move a terminal's cursor.
  // eslint-disable-next-line no-control-regex
  return `"${short.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1))}"`;
}

/** The pids an entry stands for: its process and every descendant (or the whole run). */
function processesOf(record: RunRecord, entry: string | undefined): Set<Pid> {
  const roots = record.entries.filter((e) => entry === undefined || e.path === entry);
  const pids = new Set(roots.map((e) => e.pid));
  for (const event of record.trace) {
    if (event.type === 'spawn' && pids.has(event.ppid)) pids.add(event.pid);
  }
  return pids;
}

/** Complete lines per process and stream, in the order they were completed. */
function outputLines(record: RunRecord, pids: Set<Pid>, fds: Set<number>): string[] {
  const partial = new Map<string, string>();
  const lines: string[] = [];
  for (const chunk of record.output) {
    if (!pids.has(chunk.pid) || !fds.has(chunk.fd)) continue;
    const key = `${chunk.pid}:${chunk.fd}`;
    const pieces = ((partial.get(key) ?? '') + chunk.text).split('\n');
    partial.set(key, pieces.pop()!);
    lines.push(...pieces);
  }
  for (const rest of partial.values()) if (rest) lines.push(rest);
  return lines;
}

function fullMatch(pattern: string, line: string): boolean {
  return new RegExp(`^(?:${pattern})$`, 'u').test(line);
}

/** Patterns matched to distinct lines (augmenting paths): the patterns left without one. */
function unmatchedPatterns(patterns: string[], lines: string[]): string[] {
  const lineOwner = new Array<number>(lines.length).fill(-1);
  const assign = (p: number, seen: Set<number>): boolean => {
    for (let l = 0; l < lines.length; l++) {
      if (seen.has(l) || !fullMatch(patterns[p], lines[l])) continue;
      seen.add(l);
      if (lineOwner[l] < 0 || assign(lineOwner[l], seen)) {
        lineOwner[l] = p;
        return true;
      }
    }
    return false;
  };
  return patterns.filter((_, p) => !assign(p, new Set()));
}

function linesReason(spec: LinesSpec, lines: string[]): Text | null {
  const expected = spec.lines;
  if (spec.match === 'multiset') {
    const remaining = [...lines];
    const missing = expected.filter((line) => {
      const at = remaining.indexOf(line);
      if (at >= 0) remaining.splice(at, 1);
      return at < 0;
    });
    if (missing.length === 0 && remaining.length === 0) return null;
    if (missing.length > 0) {
      return message('reason_missingLine', { line: quote(missing[0]), count: missing.length });
    }
    return message('reason_extraLine', { line: quote(remaining[0]), count: remaining.length });
  }
  if (spec.match === 'regex' && spec.anyOrder) {
    const unmatched = unmatchedPatterns(expected, lines);
    if (unmatched.length > 0) return message('reason_noLineMatches', { pattern: unmatched[0] });
    if (lines.length !== expected.length) {
      return message('reason_lineCount', { expected: expected.length, got: lines.length });
    }
    return null;
  }
  const same = (i: number) =>
    spec.match === 'exact' ? lines[i] === expected[i] : fullMatch(expected[i], lines[i]);
  for (let i = 0; i < Math.max(lines.length, expected.length); i++) {
    if (i < lines.length && i < expected.length && same(i)) continue;
    if (i >= lines.length) {
      return message('reason_lineMissing', { n: i + 1, expected: quote(expected[i]) });
    }
    if (i >= expected.length)
      return message('reason_lineExtra', { n: i + 1, got: quote(lines[i]) });
    return spec.match === 'exact'
      ? message('reason_lineDiffers', {
          n: i + 1,
          expected: quote(expected[i]),
          got: quote(lines[i]),
        })
      : message('reason_lineNoMatch', { n: i + 1, got: quote(lines[i]), pattern: expected[i] });
  }
  return null;
}

function exitReason(record: RunRecord, entry: string, code: number): Text | null {
  const pid = record.entries.find((e) => e.path === entry)?.pid;
  if (pid === undefined) return message('reason_neverStarted', { who: entry });
  if (record.stillRunning.includes(pid)) return message('reason_stillRunning', { who: entry });
  const exit = record.trace.find((e) => e.type === 'exit' && e.pid === pid);
  if (!exit || exit.type !== 'exit') return message('reason_stillRunning', { who: entry });
  if (exit.code === code) return null;
  return exit.code < 0
    ? message('reason_killed', { signal: -exit.code })
    : message('reason_exitCode', { code: exit.code });
}

function fileReason(spec: Extract<CheckSpec, { kind: 'file' }>, record: RunRecord): Text | null {
  const file = record.files.find((f) => f.path === spec.path);
  if (!spec.exists) return file ? message('reason_fileStillThere', { path: spec.path }) : null;
  if (!file) return message('reason_fileMissing', { path: spec.path });
  if (!spec.lines) return null;
  if (file.encoding === 'base64') return message('reason_fileNotText', { path: spec.path });
  const lines = file.content.split('\n');
  if (lines.at(-1) === '') lines.pop(); // the last line's newline ends it, as in output
  return linesReason(spec.lines, lines);
}

function rangeText(min: number | undefined, max: number | undefined): Text {
  if (min !== undefined && max !== undefined) {
    return min === max
      ? message('range_exactly', { n: min })
      : message('range_between', { min, max });
  }
  return min !== undefined
    ? message('range_atLeast', { n: min })
    : message('range_atMost', { n: max! });
}

/**
 * The most clients the processes served at once: connections they accepted and had answered
 * (sent on), and that neither end had closed yet. Accepting or reading is not serving: an
 * asyncio server that makes clients take turns still accepts them all at once, and its
 * transports read every socket as data comes.
 */
function mostConcurrentClients(record: RunRecord, pids: Set<Pid>): number {
  const accepted = new Set<string>();
  const served = new Set<string>();
  let most = 0;
  for (const event of record.trace) {
    if (event.type === 'accept' && pids.has(event.pid)) {
      accepted.add(`TCP ${event.from} → ${event.to}`);
    } else if (event.type === 'send' && pids.has(event.pid)) {
      if (!accepted.has(event.object)) continue;
      served.add(event.object);
      most = Math.max(most, served.size);
    } else if (event.type === 'close') {
      for (const key of [`TCP ${event.from} → ${event.to}`, `TCP ${event.to} → ${event.from}`]) {
        accepted.delete(key);
        served.delete(key);
      }
    }
  }
  return most;
}

const QUEUE_OR_PIPE = /^(Queue|SimpleQueue|JoinableQueue|Pipe)#\d+$/;
const LOCK = /^(threading\.)?R?Lock#\d+$/;

function lostDataReason(record: RunRecord): Text | null {
  const counts = new Map<string, { given: number; taken: number }>();
  for (const event of record.trace) {
    if (!('object' in event) || !QUEUE_OR_PIPE.test(event.object)) continue;
    const entry = counts.get(event.object) ?? { given: 0, taken: 0 };
    if (event.type === 'put' || event.type === 'send') entry.given += 1;
    if (event.type === 'get' || event.type === 'recv') entry.taken += 1;
    counts.set(event.object, entry);
  }
  if (counts.size === 0) return message('reason_noQueue');
  for (const [object, { given, taken }] of counts) {
    if (given !== taken) return message('reason_dataLost', { object, given, taken });
  }
  return null;
}

/** The most threads or processes that took any one Lock, and that Lock's name. */
function busiestLock(record: RunRecord): { object: string; takers: number } | null {
  const takers = new Map<string, Set<string>>();
  for (const event of record.trace) {
    if (event.type !== 'acquire' || !LOCK.test(event.object)) continue;
    // A threading lock's name is its process's own; a multiprocessing lock's is the kernel's.
    const local = event.object.startsWith('threading.');
    const key = local ? `${event.pid} ${event.object}` : event.object;
    const set = takers.get(key) ?? new Set<string>();
    set.add(`${event.pid}.${event.tid}`);
    takers.set(key, set);
  }
  let best: { object: string; takers: number } | null = null;
  for (const [key, set] of takers) {
    if (!best || set.size > best.takers)
      best = { object: key.split(' ').at(-1)!, takers: set.size };
  }
  return best;
}

/** Too few hand-overs of the kind, or one within a single process where they must cross. */
function arrowsReason(
  spec: Extract<CheckSpec, { kind: 'arrows' }>,
  record: RunRecord,
): Text | null {
  const arrows = buildTimeline(record.trace).arrows.filter((a) => a.kind === spec.arrow);
  const pidOf = (lane: string) => Number(lane.split('/')[0]);
  const within = arrows.find((a) => pidOf(a.from.lane) === pidOf(a.to.lane));
  if (spec.acrossProcesses && within) {
    return message('reason_arrowWithin', { object: within.object, pid: pidOf(within.to.lane) });
  }
  if (arrows.length < spec.min) {
    return message('reason_arrowCount', {
      arrow: message(`arrow_${spec.arrow}`),
      count: arrows.length,
    });
  }
  return null;
}

function countReason(kind: 'processes' | 'threads', count: number, min?: number, max?: number) {
  if ((min === undefined || count >= min) && (max === undefined || count <= max)) return null;
  return message(kind === 'processes' ? 'reason_processCount' : 'reason_threadCount', { count });
}

function grade(spec: CheckSpec, record: RunRecord): { description: Text; reason: Text | null } {
  const who = (entry: string | undefined): string | Text => entry ?? message('check_theProgram');
  switch (spec.kind) {
    case 'output': {
      const fds = new Set(spec.stream === 'both' ? [1, 2] : [spec.stream === 'stderr' ? 2 : 1]);
      const lines = outputLines(record, processesOf(record, spec.entry), fds);
      const key: MessageKey =
        spec.match === 'regex' ? 'check_outputRegex' : `check_output_${spec.match}`;
      return {
        description: message(key, { who: who(spec.entry), count: spec.lines.length }),
        reason: linesReason(spec, lines),
      };
    }
    case 'exitCode':
      return {
        description: message('check_exitCode', { who: spec.entry, code: spec.code }),
        reason: exitReason(record, spec.entry, spec.code),
      };
    case 'processes':
    case 'threads': {
      const pids = processesOf(record, spec.entry);
      const started = record.trace.filter((e) =>
        spec.kind === 'processes'
          ? e.type === 'spawn' && pids.has(e.ppid) && (e.method === 'fork' || e.method === 'spawn')
          : e.type === 'thread-start' && pids.has(e.pid),
      ).length;
      return {
        description: message(spec.kind === 'processes' ? 'check_processes' : 'check_threads', {
          who: who(spec.entry),
          range: rangeText(spec.min, spec.max),
        }),
        reason: countReason(spec.kind, started, spec.min, spec.max),
      };
    }
    case 'concurrentClients': {
      const most = mostConcurrentClients(record, processesOf(record, spec.entry));
      return {
        description: message('check_concurrentClients', { who: who(spec.entry), min: spec.min }),
        reason: most >= spec.min ? null : message('reason_concurrentClients', { count: most }),
      };
    }
    case 'noDataLost':
      return { description: message('check_noDataLost'), reason: lostDataReason(record) };
    case 'lockGuarded': {
      const busiest = busiestLock(record);
      const reason =
        busiest === null
          ? message('reason_noLock')
          : busiest.takers >= spec.min
            ? null
            : message('reason_lockTakers', { object: busiest.object, count: busiest.takers });
      return { description: message('check_lockGuarded', { min: spec.min }), reason };
    }
    case 'noDeadlock': {
      const found = record.trace.find((e) => e.type === 'deadlock');
      const reason: Text | null = found
        ? {
            localized: {
              en: deadlockText(found.report, 'en'),
              'zh-CN': deadlockText(found.report, 'zh-CN'),
            },
          }
        : null;
      return { description: message('check_noDeadlock'), reason };
    }
    case 'arrows':
      return {
        description: message(spec.acrossProcesses ? 'check_arrowsAcross' : 'check_arrows', {
          min: spec.min,
          arrow: message(`arrow_${spec.arrow}`),
        }),
        reason: arrowsReason(spec, record),
      };
    case 'file': {
      const { path, exists, lines } = spec;
      const description = !exists
        ? message('check_fileAbsent', { path })
        : lines
          ? message('check_fileLines', { path, count: lines.lines.length })
          : message('check_file', { path });
      return { description, reason: fileReason(spec, record) };
    }
  }
}

/** Grades every check against the run; descriptions use the lesson's `say` where it has one. */
export function gradeRun(checks: readonly CheckSpec[], record: RunRecord): CheckResult[] {
  return checks.map((spec) => {
    const { description, reason } = grade(spec, record);
    return {
      passed: reason === null,
      description: spec.say ? { localized: spec.say } : description,
      reason,
    };
  });
}

/** The line under the results: how many passed, and whether the time ran out first. */
export function checkSummary(
  locale: Locale,
  results: readonly CheckResult[],
  timedOut: boolean,
  timeoutSeconds: number,
  deadlocked = false,
): string {
  const passed = results.filter((r) => r.passed).length;
  const count = results.length;
  return [
    timedOut ? translate(locale, 'checkTimedOut', { seconds: timeoutSeconds }) : '',
    deadlocked ? translate(locale, 'checkDeadlocked') : '',
    passed === count
      ? translate(locale, 'checkAllPassed', { count })
      : translate(locale, 'checkSomeFailed', { passed, count }),
  ]
    .filter(Boolean)
    .join(' ');
}
