/**
 * The kernel's event trace as a timeline: one lane per process and per thread, each lane's
 * states over time, and an arrow for every hand-over between lanes (a Queue item put and taken,
 * a Pipe or socket message sent and received, a Lock released and acquired by another, an Event
 * set or a Condition notified and the waits that ended by it, a child
 * started, a connection accepted, a child's end reaching its joiner), and a deadlock's cycle:
 * each of its threads waiting for the next, in red. No DOM: the panel draws
 * it, the Chrome trace export writes it, the tests read it.
 */
import { OUTSIDE_PID } from '../../workers/protocol/outside';
import type { Pid, TraceEvent } from '../../workers/protocol/kernel';

/** `ready`: a thread that could run while another of its process has the CPU (the GIL). */
export type LaneState = 'running' | 'ready' | 'blocked' | 'sleeping' | 'deadlocked' | 'exited';

export interface Lane {
  /** `pid` for a process's main thread, `pid/tid` for its other threads. */
  id: string;
  pid: Pid;
  tid: Pid;
  label: string;
  /** The process lane a thread lane nests under. */
  parent: string | null;
}

export interface Slice {
  lane: string;
  state: LaneState;
  start: number;
  end: number;
  /** What a blocked lane waits on; a process's exit code (or -signal) once exited. */
  detail: string | null;
}

export type ArrowKind =
  'item' | 'message' | 'lock' | 'wake' | 'spawn' | 'connect' | 'join' | 'deadlock';

/** An end of an arrow: its lane, its time, and the program's line that made it, if known. */
export interface ArrowEnd {
  lane: string;
  t: number;
  site?: string;
}

export interface Arrow {
  kind: ArrowKind;
  from: ArrowEnd;
  to: ArrowEnd;
  /** The object handed over (`Queue#1`, `Lock#2`, a connection's two ends). */
  object: string;
  /** A socket message's size, as sent. */
  bytes?: number;
}

export interface Timeline {
  lanes: Lane[];
  slices: Slice[];
  arrows: Arrow[];
  start: number;
  end: number;
}

/** An arrow's end, with the program's line when the trace has it. */
const arrowEnd = (lane: string, t: number, site: string | undefined): ArrowEnd =>
  site === undefined ? { lane, t } : { lane, t, site };

const laneId = (pid: Pid, tid: Pid) => (tid === pid ? String(pid) : `${pid}/${tid}`);
/** A `threading` object lives in one process: two processes' `threading.Lock#1` are two locks. */
const objectKey = (pid: Pid, object: string) =>
  object.startsWith('threading.') ? `${pid} ${object}` : object;

/** Operations that give and take: what one lane gives, another takes, first in first out. */
const GIVES: Partial<Record<TraceEvent['type'], ArrowKind>> = { put: 'item', send: 'message' };
const TAKES: Partial<Record<TraceEvent['type'], TraceEvent['type']>> = { get: 'put', recv: 'send' };
/** Two processes' clocks may disagree by this much: a take stamped up to this long before its
 * give still takes it (a reply read within a millisecond of being sent). */
const SKEW_MS = 5;

/** A deadlock's threads waited since before it was found (their locks and joins leave no other
 * trace): each one's wait, at the time it began. */
function withDeadlockWaits(events: readonly TraceEvent[]): readonly TraceEvent[] {
  const waits: TraceEvent[] = events.flatMap((event) =>
    event.type !== 'deadlock'
      ? []
      : event.report.stuck.flatMap(({ pid, tid, object, since }) =>
          since === null || since >= event.t
            ? []
            : [{ type: 'wait' as const, t: since, pid, tid, on: object }],
        ),
  );
  return waits.length === 0 ? events : [...events, ...waits].sort((a, b) => a.t - b.t);
}

export function buildTimeline(trace: readonly TraceEvent[], now?: number): Timeline {
  const events = withDeadlockWaits(trace);
  const lanes = new Map<string, Lane>();
  const slices: Slice[] = [];
  const arrows: Arrow[] = [];
  /** Each lane's open slice, and the one before it. */
  const open = new Map<string, Slice>();
  const closed = new Map<string, Slice>();
  const start = events[0]?.t ?? 0;
  const end = Math.max(now ?? 0, events.at(-1)?.t ?? 0);

  const enter = (lane: string, state: LaneState, t: number, detail: string | null) => {
    const current = open.get(lane);
    if (current) {
      if (current.state === 'exited') return; // nothing follows an exit
      if (current.state === state && current.detail === detail) return;
      current.end = t;
      if (current.end > current.start) slices.push(current);
      closed.set(lane, current);
    }
    open.set(lane, { lane, state, start: t, end: t, detail });
  };
  const addLane = (pid: Pid, tid: Pid, label: string, t: number) => {
    const id = laneId(pid, tid);
    if (!lanes.has(id)) {
      lanes.set(id, { id, pid, tid, label, parent: tid === pid ? null : String(pid) });
      lanesOfProcess.set(pid, [...(lanesOfProcess.get(pid) ?? []), id]);
      enter(id, 'running', t, null);
    }
    return id;
  };
  const laneOf = (pid: Pid, tid: Pid, t: number) =>
    lanes.get(laneId(pid, tid))?.id ??
    addLane(
      pid,
      tid,
      pid === OUTSIDE_PID ? 'browser' : tid === pid ? `pid ${pid}` : `tid ${tid}`,
      t,
    );

  /** Unmatched gives per object, oldest first; the last release per Lock. */
  const given = new Map<string, (ArrowEnd & { bytes?: number })[]>();
  /** Takes that found no give, for a give stamped a moment after them (SKEW_MS). */
  const early = new Map<string, ArrowEnd[]>();
  const released = new Map<string, ArrowEnd>();
  /** Who took each lock last: a `threading` lock reports no release, only a new taker. */
  const taken = new Map<string, string>();
  /** The last set or notify per Event or Condition: the waits that end next were its doing. */
  const signalled = new Map<string, ArrowEnd>();
  /** Connections awaiting their accept, by `client end → server end`; and accepts whose
   * connect comes later in the trace (a client and a server stamp them each on its own). */
  const connecting = new Map<string, { lane: string; t: number }>();
  const acceptedFirst = new Map<string, ArrowEnd>();
  const exits = new Map<Pid, number>();
  /** Children whose end already has its join arrow. */
  const joinedChildren = new Set<Pid>();
  /** Per process, its lanes: one of them has the CPU at a time. */
  const lanesOfProcess = new Map<Pid, string[]>();

  for (const event of events) {
    const t = event.t;
    switch (event.type) {
      case 'spawn': {
        const child = addLane(event.pid, event.pid, `${event.name} (${event.pid})`, t);
        if (lanes.has(String(event.ppid))) {
          arrows.push({
            kind: 'spawn',
            from: { lane: String(event.ppid), t },
            to: { lane: child, t },
            object: event.method,
          });
        }
        break;
      }
      case 'exec': {
        const lane = lanes.get(String(event.pid));
        if (lane) lane.label = `${event.name} (${event.pid})`;
        break;
      }
      case 'exit':
        exits.set(event.pid, t);
        for (const lane of lanes.values()) {
          if (lane.pid === event.pid)
            enter(lane.id, 'exited', t, lane.tid === lane.pid ? String(event.code) : null);
        }
        break;
      case 'thread-start':
        addLane(event.pid, event.tid, `tid ${event.tid}`, t);
        break;
      case 'thread-name': {
        const lane = lanes.get(laneId(event.pid, event.tid));
        if (lane) lane.label = event.name;
        break;
      }
      case 'thread-exit':
        enter(laneOf(event.pid, event.tid, t), 'exited', t, null);
        break;
      case 'deadlock': {
        const { cycle, stuck } = event.report;
        const inCycle = new Set(cycle.map((link) => laneId(link.pid, link.tid)));
        for (const link of stuck) {
          const lane = laneOf(link.pid, link.tid, t);
          enter(lane, inCycle.has(lane) ? 'deadlocked' : 'blocked', t, link.object);
        }
        cycle.forEach((link, i) => {
          const next = cycle[(i + 1) % cycle.length];
          arrows.push({
            kind: 'deadlock',
            from: { lane: laneOf(link.pid, link.tid, t), t },
            to: { lane: laneOf(next.pid, next.tid, t), t },
            object: link.object,
          });
        });
        break;
      }
      case 'wait': {
        const lane = laneOf(event.pid, event.tid, t);
        if (event.on === null) enter(lane, 'running', t, null);
        else if (event.on === 'sleep') enter(lane, 'sleeping', t, null);
        else enter(lane, 'blocked', t, event.on);
        if (event.on === null) joined(lane, t);
        break;
      }
      case 'put':
      case 'send': {
        const key = `${event.type} ${event.object}`;
        const from = arrowEnd(laneOf(event.pid, event.tid, t), t, event.site);
        const takes = early.get(key) ?? [];
        const take = takes.findIndex((e) => e.lane !== from.lane && t - e.t <= SKEW_MS);
        if (take >= 0) {
          const [{ lane, site }] = takes.splice(take, 1);
          const size = event.bytes === undefined ? {} : { bytes: event.bytes };
          const kind = GIVES[event.type]!;
          arrows.push({ kind, from, to: arrowEnd(lane, t, site), object: event.object, ...size });
          break;
        }
        const list = given.get(key) ?? [];
        list.push({ ...from, bytes: event.bytes });
        given.set(key, list);
        break;
      }
      case 'get':
      case 'recv': {
        const to = laneOf(event.pid, event.tid, t);
        const gives = TAKES[event.type]!;
        const list = given.get(`${gives} ${event.object}`) ?? [];
        // The oldest give another lane made (a duplex pipe's own sends are not its receives).
        const at = list.findIndex((g) => g.lane !== to);
        if (at >= 0) {
          const [{ bytes, ...from }] = list.splice(at, 1);
          const size = bytes === undefined ? {} : { bytes };
          arrows.push({
            kind: GIVES[gives]!,
            from,
            to: arrowEnd(to, t, event.site),
            object: event.object,
            ...size,
          });
        } else {
          const key = `${gives} ${event.object}`;
          early.set(key, [
            ...(early.get(key) ?? []).filter((e) => t - e.t <= SKEW_MS),
            arrowEnd(to, t, event.site),
          ]);
        }
        break;
      }
      case 'run': {
        // A switch: this thread has the CPU. The others are ready for their turn, but for
        // those that wait (in Python: a lock, an Event, a join; a kernel wait that lasts says
        // on what).
        const lane = laneOf(event.pid, event.tid, t);
        const waits = new Set((event.waits ?? []).map((tid) => laneId(event.pid, tid)));
        for (const other of lanesOfProcess.get(event.pid) ?? []) {
          const state = open.get(other)?.state;
          if (other === lane) continue;
          if (waits.has(other) && (state === 'running' || state === 'ready')) {
            enter(other, 'blocked', t, null);
          } else if (state === 'running') enter(other, 'ready', t, null);
        }
        enter(lane, 'running', t, null);
        break;
      }
      case 'set':
      case 'notify':
        signalled.set(
          objectKey(event.pid, event.object),
          arrowEnd(laneOf(event.pid, event.tid, t), t, event.site),
        );
        break;
      case 'woken': {
        const to = laneOf(event.pid, event.tid, t);
        const from = signalled.get(objectKey(event.pid, event.object));
        if (from && from.lane !== to) {
          arrows.push({
            kind: 'wake',
            from,
            to: arrowEnd(to, t, event.site),
            object: event.object,
          });
        }
        break;
      }
      case 'reap': {
        // A join that found the child ended already: its arrow still shows who learnt of it.
        const exited = exits.get(event.child);
        if (
          exited !== undefined &&
          !joinedChildren.has(event.child) &&
          lanes.has(String(event.child))
        ) {
          joinedChildren.add(event.child);
          arrows.push({
            kind: 'join',
            from: { lane: String(event.child), t: exited },
            to: { lane: laneOf(event.pid, event.pid, t), t },
            object: `join(${event.child})`,
          });
        }
        break;
      }
      case 'release':
        released.set(
          objectKey(event.pid, event.object),
          arrowEnd(laneOf(event.pid, event.tid, t), t, event.site),
        );
        break;
      case 'acquire': {
        const key = objectKey(event.pid, event.object);
        const to = laneOf(event.pid, event.tid, t);
        // Released by one lane; or, for a threading lock, last taken by another by now.
        const last = taken.get(key);
        const from = released.get(key) ?? (last === undefined ? undefined : { lane: last, t });
        if (from && from.lane !== to) {
          arrows.push({
            kind: 'lock',
            from,
            to: arrowEnd(to, t, event.site),
            object: event.object,
          });
        }
        released.delete(key);
        taken.set(key, to);
        break;
      }
      case 'connect': {
        // The Preview's browser has no spawn: its first connection makes its lane.
        const key = `${event.from}→${event.to}`;
        const from = { lane: laneOf(event.pid, event.pid, t), t };
        const to = acceptedFirst.get(key);
        acceptedFirst.delete(key);
        if (to) arrows.push({ kind: 'connect', from, to, object: `${event.from} → ${event.to}` });
        else connecting.set(key, from);
        break;
      }
      case 'accept': {
        const key = `${event.from}→${event.to}`;
        const from = connecting.get(key);
        const to = { lane: String(event.pid), t };
        connecting.delete(key);
        if (from) arrows.push({ kind: 'connect', from, to, object: `${event.from} → ${event.to}` });
        else acceptedFirst.set(key, to);
        break;
      }
    }
  }

  /** A lane that waited on `join(N)` and runs again was woken by N's exit. */
  function joined(lane: string, t: number) {
    const last = closed.get(lane);
    const match = last && /^join\((\d+)\)$/.exec(last.detail ?? '');
    const child = match ? Number(match[1]) : null;
    const exited = child === null ? undefined : exits.get(child);
    if (child !== null && exited !== undefined && lanes.has(String(child))) {
      joinedChildren.add(child);
      arrows.push({
        kind: 'join',
        from: { lane: String(child), t: exited },
        to: { lane, t },
        object: `join(${child})`,
      });
    }
  }

  for (const slice of open.values()) {
    slice.end = Math.max(slice.start, end);
    slices.push(slice);
  }
  slices.sort((a, b) => a.start - b.start);
  // Each process's threads right under it, in the order they started.
  const all = [...lanes.values()];
  const ordered = all
    .filter((lane) => lane.parent === null)
    .flatMap((process) => [process, ...all.filter((lane) => lane.parent === process.id)]);
  const orphans = all.filter((lane) => lane.parent !== null && !lanes.has(lane.parent));
  return { lanes: [...ordered, ...orphans], slices, arrows, start, end };
}
