/**
 * Two views as tabs, the Timeline and another (the playground's process list, the embed's
 * console); and the Timeline kept current while it is shown (timeline/live.ts).
 */
import type { Kernel } from '../kernel-client';
import type { MessageKey } from '../i18n';
import type { OutputMark } from './console-writes';
import { LiveTimeline } from '../timeline/live';
import { TimelinePanel, type Hit } from './timeline-panel';
import { chromeTrace } from '../timeline/chrome-trace';
import { downloadBlob } from './file-transfer';
import { element } from './toolbar';

/** What the Timeline asks of the console. */
export interface ConsoleLink {
  marks(): OutputMark[];
  /** Shows a write's lines. */
  show(mark: OutputMark): void;
}

export class TimelineView {
  readonly panel: TimelinePanel;
  private readonly live: LiveTimeline;

  constructor(
    private readonly tabs: HTMLElement,
    /** `other`: the view the Timeline takes turns with. */
    private readonly views: Record<'other' | 'timeline', HTMLElement>,
    kernel: () => Kernel | null,
    private readonly t: (key: MessageKey, params?: Record<string, string | number>) => string,
    /** The console: its writes, drawn on their lanes, and where a write clicked is shown. */
    private readonly console: ConsoleLink,
  ) {
    this.panel = new TimelinePanel(
      views.timeline,
      (what) => this.describe(what),
      (mark) => console.show(mark),
    );
    this.live = new LiveTimeline(
      (from) => kernel()?.traceSince(from) ?? Promise.reject(new Error('no kernel')),
      ({ timeline, dropped }) => {
        this.panel.show(
          timeline,
          this.t('timelineLabel', { lanes: timeline.lanes.length, arrows: timeline.arrows.length }),
          // Past the trace's bound the panel says so, rather than slowing the page.
          dropped > 0 ? this.t('timelineDropped', { count: dropped }) : null,
        );
        this.panel.showMarks(console.marks());
      },
      () => this.showing,
    );
    for (const tab of tabs.querySelectorAll<HTMLElement>('[data-lower]')) {
      tab.addEventListener('click', () => this.select(tab.dataset.lower === 'timeline'));
    }
    tabs.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
      event.preventDefault();
      this.select(!this.showing);
      tabs.querySelector<HTMLElement>('[aria-selected=true]')?.focus();
    });
    element('timeline-json').addEventListener('click', () => {
      const shown = this.panel.shown;
      if (!shown) return;
      const json = JSON.stringify(chromeTrace(shown));
      downloadBlob('procbox-trace.json', new Blob([json], { type: 'application/json' }));
    });
    element('timeline-png').addEventListener('click', () => {
      void this.panel.picture().then((png) => png && downloadBlob('procbox-timeline.png', png));
    });
    this.select(false);
  }

  get showing(): boolean {
    return !this.views.timeline.hidden;
  }

  select(timeline: boolean): void {
    this.views.timeline.hidden = !timeline;
    element('timeline-actions').hidden = !timeline;
    this.views.other.hidden = timeline;
    for (const tab of this.tabs.querySelectorAll<HTMLElement>('[data-lower]')) {
      const selected = (tab.dataset.lower === 'timeline') === timeline;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
    }
    if (timeline) void this.refresh();
  }

  /** A run began: the Timeline starts empty and follows it while it is shown. */
  runStarted(): void {
    this.panel.clear();
    this.live.start();
  }

  /** The run ended: one last read, then no more polling. */
  runEnded(): void {
    void this.live.stop();
  }

  refresh(): Promise<void> {
    return this.live.refresh();
  }

  /** A console line was clicked: its write is ringed, if the Timeline is shown and has it. */
  ringWrite(mark: OutputMark): void {
    if (!this.showing) return;
    this.panel.showMarks(this.console.marks());
    this.panel.ring(mark);
  }

  private describe({ slice, arrow, mark }: Hit): string {
    const ms = (t: number) => `${(t - (this.panel.shown?.start ?? 0)).toFixed(1)} ms`;
    if (mark) {
      const laneId = mark.tid === mark.pid ? String(mark.pid) : `${mark.pid}/${mark.tid}`;
      const lanes = this.panel.shown?.lanes ?? [];
      const lane = lanes.find((l) => l.id === laneId) ?? lanes.find((l) => l.pid === mark.pid);
      const text = mark.text.length > 60 ? `${mark.text.slice(0, 59)}…` : mark.text;
      return this.t(mark.fd === 2 ? 'timelineWriteError' : 'timelineWrite', {
        lane: lane?.label ?? `pid ${mark.pid}`,
        text,
        at: ms(mark.t),
      });
    }
    if (arrow) {
      const bytes =
        arrow.bytes === undefined ? '' : this.t('timelineBytes', { count: arrow.bytes });
      const said = this.t('timelineArrow', {
        kind: this.t(`arrow_${arrow.kind}`),
        object: `${arrow.object}${bytes}`,
        from: arrow.from.lane,
        to: arrow.to.lane,
        at: ms(arrow.to.t),
      });
      const { from, to } = arrow;
      if (from.site === undefined && to.site === undefined) return said;
      // The program's lines that gave and took, on a line of their own.
      return `${said}\n${this.t('timelineLines', { from: from.site ?? '?', to: to.site ?? '?' })}`;
    }
    if (!slice) return '';
    const state =
      slice.state === 'blocked' || slice.state === 'deadlocked'
        ? `${slice.state === 'deadlocked' ? `${this.t('state_deadlocked')}: ` : ''}${slice.detail === null ? this.t('timelineWaiting') : this.t('timelineBlocked', { on: slice.detail })}`
        : this.t(`state_${slice.state}`);
    return `${state} · ${ms(slice.start)} – ${ms(slice.end)}`;
  }
}
