/**
 * Views as tabs: the Timeline, another (the playground's process list, the embed's console)
 * and, on the playground, the Preview; and the Timeline kept current while it is shown
 * (timeline/live.ts).
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

export type LowerView = 'other' | 'timeline' | 'preview';

/** The view a tab shows: its `data-lower`, where that names one (else the other view). */
const viewOf = (tab: HTMLElement): LowerView =>
  tab.dataset.lower === 'timeline' || tab.dataset.lower === 'preview' ? tab.dataset.lower : 'other';

export class TimelineView {
  readonly panel: TimelinePanel;
  private readonly live: LiveTimeline;

  constructor(
    private readonly tabs: HTMLElement,
    /** `other`: the view the Timeline takes turns with; `preview`, where there is one. */
    private readonly views: { other: HTMLElement; timeline: HTMLElement; preview?: HTMLElement },
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
    for (const tab of this.tabList()) {
      tab.addEventListener('click', () => this.selectView(viewOf(tab)));
    }
    tabs.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
      event.preventDefault();
      const list = this.tabList().filter((tab) => !tab.hidden);
      const at = list.findIndex((tab) => tab.getAttribute('aria-selected') === 'true');
      const step = event.key === 'ArrowRight' ? 1 : list.length - 1;
      this.selectView(viewOf(list[(at + step) % list.length]));
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
    this.selectView(timeline ? 'timeline' : 'other');
  }

  /** Shows one of the views, its tab selected. */
  selectView(name: LowerView): void {
    const view = name === 'preview' && !this.views.preview ? 'other' : name;
    this.views.timeline.hidden = view !== 'timeline';
    element('timeline-actions').hidden = view !== 'timeline';
    this.views.other.hidden = view !== 'other';
    if (this.views.preview) this.views.preview.hidden = view !== 'preview';
    for (const tab of this.tabList()) {
      const selected = viewOf(tab) === view;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
    }
    if (view === 'timeline') void this.refresh();
  }

  private tabList(): HTMLElement[] {
    return [...this.tabs.querySelectorAll<HTMLElement>('[data-lower]')];
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
