/**
 * Two views as tabs, the Timeline and another (the playground's process list, the embed's
 * console); and the Timeline kept
 * current: while it is shown, the kernel's trace is read about twice a second during a run, and
 * once more after it.
 */
import type { Kernel } from '../kernel-client';
import type { MessageKey } from '../i18n';
import { buildTimeline, type Arrow, type Slice } from '../timeline/model';
import { TimelinePanel } from './timeline-panel';
import { chromeTrace } from '../timeline/chrome-trace';
import { downloadBlob } from './file-transfer';
import { element } from './toolbar';

const REFRESH_MS = 500;

export class TimelineView {
  readonly panel: TimelinePanel;
  private timer = 0;
  /** Reads pending: a new one waits for the last. */
  private reading: Promise<void> | null = null;
  /** A run is going on: the timeline reaches the present. */
  private live = false;

  constructor(
    private readonly tabs: HTMLElement,
    /** `other`: the view the Timeline takes turns with. */
    private readonly views: Record<'other' | 'timeline', HTMLElement>,
    private readonly kernel: () => Kernel | null,
    private readonly t: (key: MessageKey, params?: Record<string, string | number>) => string,
  ) {
    this.panel = new TimelinePanel(views.timeline, (what) => this.describe(what));
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

  /** A run began: the Timeline starts empty and follows it. */
  runStarted(): void {
    this.live = true;
    this.panel.clear();
    clearInterval(this.timer);
    this.timer = window.setInterval(() => this.showing && void this.refresh(), REFRESH_MS);
  }

  /** The run ended: one last read, then no more polling. */
  runEnded(): void {
    this.live = false;
    clearInterval(this.timer);
    if (this.showing) void this.refresh();
  }

  refresh(): Promise<void> {
    const kernel = this.kernel();
    if (!kernel) return Promise.resolve();
    this.reading ??= Promise.all([kernel.trace(), kernel.traceDropped(), kernel.traceNow()])
      .then(([events, dropped, now]) => {
        // While the run goes on, its lanes reach the present, not only its last event.
        const timeline = buildTimeline(events, this.live ? now : undefined);
        this.panel.show(
          timeline,
          this.t('timelineLabel', { lanes: timeline.lanes.length, arrows: timeline.arrows.length }),
          // Past the trace's bound the panel says so, rather than slowing the page.
          dropped > 0 ? this.t('timelineDropped', { count: dropped }) : null,
        );
      })
      .catch(() => undefined) // a kernel gone between runs: the next read tells
      .finally(() => (this.reading = null));
    return this.reading;
  }

  private describe({ slice, arrow }: { slice?: Slice; arrow?: Arrow }): string {
    const ms = (t: number) => `${(t - (this.panel.shown?.start ?? 0)).toFixed(1)} ms`;
    if (arrow) {
      const bytes =
        arrow.bytes === undefined ? '' : this.t('timelineBytes', { count: arrow.bytes });
      return this.t('timelineArrow', {
        kind: this.t(`arrow_${arrow.kind}`),
        object: `${arrow.object}${bytes}`,
        from: arrow.from.lane,
        to: arrow.to.lane,
        at: ms(arrow.to.t),
      });
    }
    if (!slice) return '';
    const state =
      slice.state === 'blocked' || slice.state === 'deadlocked'
        ? `${slice.state === 'deadlocked' ? `${this.t('state_deadlocked')}: ` : ''}${this.t('timelineBlocked', { on: slice.detail ?? '' })}`
        : this.t(`state_${slice.state}`);
    return `${state} · ${ms(slice.start)} – ${ms(slice.end)}`;
  }
}
