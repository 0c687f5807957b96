/**
 * The timeline as Chrome's Trace Event JSON, which Perfetto (ui.perfetto.dev) and
 * chrome://tracing open: a track per process and thread, named; a slice for each state; a flow
 * (an arrow) for each hand-over. Times are microseconds from the trace's start.
 */
import type { Timeline } from './model';

interface TraceEventJson {
  name: string;
  ph: 'M' | 'X' | 's' | 'f';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  id?: number;
  bp?: 'e';
  args?: Record<string, string | number>;
}

export function chromeTrace(timeline: Timeline): { traceEvents: TraceEventJson[] } {
  const lanes = new Map(timeline.lanes.map((lane) => [lane.id, lane]));
  const us = (t: number) => Math.round((t - timeline.start) * 1000);
  const events: TraceEventJson[] = [];
  for (const lane of timeline.lanes) {
    if (lane.parent === null) {
      events.push({
        name: 'process_name',
        ph: 'M',
        pid: lane.pid,
        tid: lane.tid,
        args: { name: lane.label },
      });
    }
    events.push({
      name: 'thread_name',
      ph: 'M',
      pid: lane.pid,
      tid: lane.tid,
      args: { name: lane.parent === null ? 'MainThread' : lane.label },
    });
  }
  for (const slice of timeline.slices) {
    const lane = lanes.get(slice.lane);
    if (!lane || slice.state === 'exited') continue;
    events.push({
      name:
        slice.state === 'blocked' && slice.detail !== null
          ? `blocked: ${slice.detail}`
          : slice.state,
      cat: 'state',
      ph: 'X',
      pid: lane.pid,
      tid: lane.tid,
      ts: us(slice.start),
      dur: Math.max(1, us(slice.end) - us(slice.start)),
    });
  }
  timeline.arrows.forEach((arrow, index) => {
    const from = lanes.get(arrow.from.lane);
    const to = lanes.get(arrow.to.lane);
    if (!from || !to) return;
    const name = `${arrow.kind} ${arrow.object}${arrow.bytes === undefined ? '' : ` (${arrow.bytes} bytes)`}`;
    const common = { name, cat: arrow.kind, id: index + 1 };
    // The program's line that made each end, where it is known.
    const line = (site?: string) => (site === undefined ? {} : { args: { line: site } });
    events.push({
      ...common,
      ph: 's',
      pid: from.pid,
      tid: from.tid,
      ts: us(arrow.from.t),
      ...line(arrow.from.site),
    });
    events.push({
      ...common,
      ph: 'f',
      bp: 'e',
      pid: to.pid,
      tid: to.tid,
      ts: us(arrow.to.t),
      ...line(arrow.to.site),
    });
  });
  return { traceEvents: events };
}
