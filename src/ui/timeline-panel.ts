/**
 * The Timeline panel: the run's lanes (a process, its threads nested under it), each lane's
 * states as coloured bars, and an arrow for each hand-over, drawn on one canvas so that a
 * hundred thousand events stay smooth (only what is in view is drawn; a DOM element per bar
 * would not keep up). The wheel zooms around the pointer, a drag pans, a double click fits the
 * whole run, and hovering names the state or the arrow under the pointer. A dot on a lane is a
 * write to the console: clicking it shows its lines there, and a line clicked there is ringed
 * here.
 */
import type { Arrow, ArrowKind, Lane, LaneState, Slice, Timeline } from '../timeline/model';
import type { OutputMark } from './console-writes';

const LABELS = 150;
const AXIS = 22;
const PROCESS_ROW = 24;
const THREAD_ROW = 18;

const STATE_COLOURS: Record<LaneState, string> = {
  running: '#3fa34d',
  ready: '#9cc9a3',
  blocked: '#d98e04',
  sleeping: '#5b7fbf',
  deadlocked: '#e11d48',
  exited: 'transparent',
};
const ARROW_COLOURS: Record<ArrowKind, string> = {
  item: '#c678dd',
  message: '#2aa5c7',
  lock: '#e5534b',
  wake: '#e3b341',
  spawn: '#8b949e',
  connect: '#2aa5c7',
  join: '#8b949e',
  deadlock: '#e11d48',
};

interface Row {
  lane: Lane;
  top: number;
  height: number;
}

export class TimelinePanel {
  private readonly canvas = document.createElement('canvas');
  private readonly tip = document.createElement('div');
  /** "Older events dropped", when the trace has let some go. */
  private readonly dropped = document.createElement('p');
  private timeline: Timeline | null = null;
  private rows: Row[] = [];
  private slicesByLane = new Map<string, Slice[]>();
  /** The time window shown; null follows the whole run as it grows. */
  private view: { start: number; end: number } | null = null;
  private drawing = 0;
  /** The console's writes, and the one ringed. */
  private marks: OutputMark[] = [];
  private ringed: number | null = null;

  constructor(
    private readonly host: HTMLElement,
    private readonly describe: (what: Hit) => string,
    /** A write's dot was clicked. */
    private readonly markClicked: (mark: OutputMark) => void = () => {},
  ) {
    this.canvas.className = 'timeline-canvas';
    this.canvas.setAttribute('role', 'img');
    this.tip.className = 'timeline-tip';
    this.tip.hidden = true;
    this.dropped.className = 'timeline-dropped';
    this.dropped.dataset.testid = 'timeline-dropped';
    this.dropped.hidden = true;
    host.append(this.dropped, this.canvas, this.tip);
    new ResizeObserver(() => this.redraw()).observe(host);
    this.bindPointer();
  }

  /** The timeline as drawn, as a PNG (for a tutorial's author). */
  picture(): Promise<Blob | null> {
    return new Promise((resolve) => this.canvas.toBlob(resolve, 'image/png'));
  }

  get shown(): Timeline | null {
    return this.timeline;
  }

  show(timeline: Timeline, label: string, dropped: string | null = null): void {
    this.timeline = timeline;
    this.dropped.textContent = dropped ?? '';
    this.dropped.hidden = dropped === null;
    this.canvas.setAttribute('aria-label', label);
    this.slicesByLane = new Map();
    for (const slice of timeline.slices) {
      const list = this.slicesByLane.get(slice.lane) ?? [];
      list.push(slice);
      this.slicesByLane.set(slice.lane, list);
    }
    let top = AXIS;
    this.rows = timeline.lanes.map((lane) => {
      const height = lane.parent === null ? PROCESS_ROW : THREAD_ROW;
      const row = { lane, top, height };
      top += height;
      return row;
    });
    this.host.style.minHeight = `${top + 8}px`;
    this.redraw();
  }

  /** The console's writes, drawn as dots on their lanes. */
  showMarks(marks: OutputMark[]): void {
    this.marks = marks;
    this.redraw();
  }

  /** Rings a write (a line clicked in the console), bringing its time into view; false when it
   * has no lane here. */
  ring(mark: OutputMark): boolean {
    if (!this.rowOfMark(mark)) return false;
    this.ringed = mark.id;
    const { start, end } = this.window();
    if (mark.t < start || mark.t > end) {
      const span = end - start;
      this.view = { start: mark.t - span / 2, end: mark.t + span / 2 };
    }
    this.redraw();
    return true;
  }

  /** Where each write in view is drawn, and on which lane's label. */
  markPoints(): { mark: OutputMark; lane: string; x: number; y: number }[] {
    const width = this.host.clientWidth;
    const { start, end } = this.window();
    return this.marks.flatMap((mark) => {
      const row = this.rowOfMark(mark);
      if (!row || mark.t < start || mark.t > end) return [];
      return [{ mark, lane: row.lane.label, x: this.x(mark.t, width), y: row.top + 4 }];
    });
  }

  /** The id of the write ringed, if any. */
  get ringedMark(): number | null {
    return this.ringed;
  }

  clear(): void {
    this.view = null;
    this.ringed = null;
    this.marks = [];
    this.show({ lanes: [], slices: [], arrows: [], start: 0, end: 0 }, '');
  }

  private window(): { start: number; end: number } {
    const t = this.timeline;
    if (this.view) return this.view;
    if (!t || t.end <= t.start) return { start: t?.start ?? 0, end: (t?.start ?? 0) + 1 };
    return { start: t.start, end: t.end + (t.end - t.start) * 0.02 };
  }

  private x(t: number, width: number): number {
    const { start, end } = this.window();
    return LABELS + ((t - start) / (end - start)) * (width - LABELS);
  }

  private timeAt(x: number, width: number): number {
    const { start, end } = this.window();
    return start + ((x - LABELS) / (width - LABELS)) * (end - start);
  }

  private redraw(): void {
    if (this.drawing) return;
    this.drawing = requestAnimationFrame(() => {
      this.drawing = 0;
      this.draw();
    });
  }

  private draw(): void {
    const width = this.host.clientWidth;
    const height = Math.max(this.host.clientHeight, (this.rows.at(-1)?.top ?? AXIS) + PROCESS_ROW);
    const scale = devicePixelRatio || 1;
    this.canvas.width = width * scale;
    this.canvas.height = height * scale;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const g = this.canvas.getContext('2d');
    if (!g || width <= LABELS) return;
    g.scale(scale, scale);
    const style = getComputedStyle(this.host);
    const text = style.getPropertyValue('--text') || '#ddd';
    const muted = style.getPropertyValue('--muted') || '#999';
    const border = style.getPropertyValue('--border') || '#333';
    g.font = '11px system-ui, sans-serif';
    this.drawAxis(g, width, muted, border);
    const { start, end } = this.window();
    const laneRow = new Map(this.rows.map((row) => [row.lane.id, row]));
    for (const row of this.rows) {
      const indent = row.lane.parent === null ? 6 : 18;
      g.fillStyle = row.lane.parent === null ? text : muted;
      g.fillText(row.lane.label, indent, row.top + row.height / 2 + 4, LABELS - indent - 4);
      g.fillStyle = border;
      g.fillRect(0, row.top + row.height - 0.5, width, 0.5);
      for (const slice of this.slicesByLane.get(row.lane.id) ?? []) {
        if (slice.end < start || slice.start > end || slice.state === 'exited') continue;
        const x0 = Math.max(LABELS, this.x(slice.start, width));
        const x1 = Math.min(width, this.x(slice.end, width));
        g.fillStyle = STATE_COLOURS[slice.state];
        g.fillRect(x0, row.top + 4, Math.max(1, x1 - x0), row.height - 8);
      }
    }
    for (const arrow of this.timeline?.arrows ?? []) {
      if (arrow.to.t < start || arrow.from.t > end) continue;
      const from = laneRow.get(arrow.from.lane);
      const to = laneRow.get(arrow.to.lane);
      if (!from || !to) continue;
      this.drawArrow(
        g,
        [this.x(arrow.from.t, width), from.top + from.height / 2],
        [this.x(arrow.to.t, width), to.top + to.height / 2],
        ARROW_COLOURS[arrow.kind],
        arrow.kind === 'deadlock' ? 2.5 : 1.2,
      );
    }
    this.drawMarks(g, width, text);
  }

  /** The row a write's dot sits on: its thread's lane, else its process's. */
  private rowOfMark(mark: OutputMark): Row | undefined {
    const id = mark.tid === mark.pid ? String(mark.pid) : `${mark.pid}/${mark.tid}`;
    return (
      this.rows.find((row) => row.lane.id === id) ??
      this.rows.find((row) => row.lane.id === String(mark.pid))
    );
  }

  private drawMarks(g: CanvasRenderingContext2D, width: number, text: string): void {
    const { start, end } = this.window();
    for (const mark of this.marks) {
      if (mark.t < start || mark.t > end) continue;
      const row = this.rowOfMark(mark);
      if (!row) continue;
      const x = this.x(mark.t, width);
      g.fillStyle = mark.fd === 2 ? '#f85149' : text;
      g.beginPath();
      g.arc(x, row.top + 4, 2.5, 0, Math.PI * 2);
      g.fill();
      if (mark.id !== this.ringed) continue;
      g.strokeStyle = text;
      g.lineWidth = 2;
      g.beginPath();
      g.arc(x, row.top + 4, 6, 0, Math.PI * 2);
      g.stroke();
      g.fillRect(x - 0.5, row.top, 1, row.height);
    }
  }

  private drawAxis(g: CanvasRenderingContext2D, width: number, muted: string, border: string) {
    const { start, end } = this.window();
    const span = end - start;
    // A tick every 1, 2 or 5 × 10^n ms, about every 100 px.
    const rough = (span * 100) / Math.max(1, width - LABELS);
    const power = 10 ** Math.floor(Math.log10(Math.max(rough, 1e-3)));
    const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? power * 10;
    const origin = this.timeline?.start ?? 0;
    g.fillStyle = muted;
    for (let t = Math.ceil((start - origin) / step) * step; origin + t <= end; t += step) {
      const x = this.x(origin + t, width);
      g.fillRect(x, AXIS - 5, 1, 5);
      const label =
        step >= 1000 ? `${(t / 1000).toFixed(step >= 10_000 ? 0 : 1)} s` : `${Math.round(t)} ms`;
      g.fillText(label, x + 3, AXIS - 8);
    }
    g.fillStyle = border;
    g.fillRect(0, AXIS - 0.5, width, 0.5);
  }

  private drawArrow(
    g: CanvasRenderingContext2D,
    [x0, y0]: [number, number],
    [x1, y1]: [number, number],
    colour: string,
    lineWidth: number,
  ) {
    g.strokeStyle = colour;
    g.fillStyle = colour;
    g.lineWidth = lineWidth;
    g.beginPath();
    g.moveTo(x0, y0);
    g.lineTo(x1, y1);
    g.stroke();
    const angle = Math.atan2(y1 - y0, x1 - x0);
    g.beginPath();
    g.moveTo(x1, y1);
    g.lineTo(x1 - 7 * Math.cos(angle - 0.4), y1 - 7 * Math.sin(angle - 0.4));
    g.lineTo(x1 - 7 * Math.cos(angle + 0.4), y1 - 7 * Math.sin(angle + 0.4));
    g.fill();
  }

  /** What lies under the pointer: a write's dot, an arrow within 4 px, else the state bar. */
  private hit(x: number, y: number): Hit | null {
    const width = this.host.clientWidth;
    const { start, end } = this.window();
    let nearest: { mark: OutputMark; distance: number } | null = null;
    for (const mark of this.marks) {
      if (mark.t < start || mark.t > end) continue;
      const row = this.rowOfMark(mark);
      if (!row) continue;
      const distance = Math.hypot(x - this.x(mark.t, width), y - (row.top + 4));
      if (distance < 6 && (!nearest || distance < nearest.distance)) nearest = { mark, distance };
    }
    if (nearest) return { mark: nearest.mark };
    const laneRow = new Map(this.rows.map((row) => [row.lane.id, row]));
    for (const arrow of this.timeline?.arrows ?? []) {
      const from = laneRow.get(arrow.from.lane);
      const to = laneRow.get(arrow.to.lane);
      if (!from || !to) continue;
      const a = [this.x(arrow.from.t, width), from.top + from.height / 2];
      const b = [this.x(arrow.to.t, width), to.top + to.height / 2];
      if (distanceToSegment([x, y], a, b) < 4) return { arrow };
    }
    const row = this.rows.find((r) => y >= r.top && y < r.top + r.height);
    if (!row || x < LABELS) return null;
    const t = this.timeAt(x, width);
    const slice = this.slicesByLane
      .get(row.lane.id)
      ?.find((s) => s.start <= t && t <= s.end && s.state !== 'exited');
    return slice ? { slice } : null;
  }

  private bindPointer(): void {
    let dragging: { x: number; view: { start: number; end: number } } | null = null;
    this.canvas.addEventListener('wheel', (event) => {
      if (!this.timeline) return;
      event.preventDefault();
      const width = this.host.clientWidth;
      const { start, end } = this.window();
      const at = this.timeAt(event.offsetX, width);
      const factor = Math.exp(event.deltaY * 0.002);
      const span = Math.max(0.05, (end - start) * factor);
      const share = (at - start) / (end - start);
      this.view = { start: at - span * share, end: at + span * (1 - share) };
      this.redraw();
    });
    let moved = false;
    this.canvas.addEventListener('pointerdown', (event) => {
      dragging = { x: event.offsetX, view: this.window() };
      moved = false;
      this.canvas.setPointerCapture(event.pointerId);
    });
    this.canvas.addEventListener('pointerup', (event) => {
      dragging = null;
      if (moved) return;
      // A click, not a drag: on a write's dot, its lines are shown in the console.
      const found = this.hit(event.offsetX, event.offsetY);
      if (!found?.mark) return;
      this.ringed = found.mark.id;
      this.redraw();
      this.markClicked(found.mark);
    });
    this.canvas.addEventListener('dblclick', () => {
      this.view = null;
      this.redraw();
    });
    this.canvas.addEventListener('pointermove', (event) => {
      if (dragging && Math.abs(event.offsetX - dragging.x) > 3) moved = true;
      if (dragging && moved) {
        const width = this.host.clientWidth;
        const { start, end } = dragging.view;
        const shift = ((event.offsetX - dragging.x) / (width - LABELS)) * (end - start);
        this.view = { start: start - shift, end: end - shift };
        this.redraw();
        return;
      }
      const found = this.hit(event.offsetX, event.offsetY);
      this.tip.hidden = !found;
      if (!found) return;
      this.tip.textContent = this.describe(found);
      this.tip.style.left = `${Math.min(event.offsetX + 12, this.host.clientWidth - 220)}px`;
      this.tip.style.top = `${event.offsetY + 14}px`;
    });
    this.canvas.addEventListener('pointerleave', () => (this.tip.hidden = true));
  }
}

/** What the pointer can be over. */
export interface Hit {
  slice?: Slice;
  arrow?: Arrow;
  mark?: OutputMark;
}

function distanceToSegment(p: number[], a: number[], b: number[]): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const length = dx * dx + dy * dy;
  const k =
    length === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length));
  return Math.hypot(p[0] - (a[0] + k * dx), p[1] - (a[1] + k * dy));
}
