/**
 * The workspace's layout. On a wide screen the panes (lesson, editor, console, processes) sit
 * side by side with splitters between them: drag one, or focus it and use the arrow keys; Enter
 * or a double click folds its pane away and back. Sizes are flex weights, remembered in the
 * preferences. Below PHONE_WIDTH one pane shows at a time, chosen by a tab bar.
 */
import type { PreferenceStore } from '../preferences';

export const PHONE_WIDTH = 600;

/** What the phone's tab bar switches between. */
export type PhoneView = 'editor' | 'console' | 'processes' | 'lesson';

/** Below this many pixels a dragged pane folds away. */
const FOLD_BELOW = 48;
/** A pane unfolded or dragged keeps at least this many pixels. */
const SMALLEST = 120;
/** One arrow key press moves a splitter by this share of its two panes. */
const KEY_STEP = 0.05;

/** How a splitter's two neighbours share their room, and which one it folds. */
export interface SplitMove {
  before: number;
  after: number;
}

/**
 * New weights for the panes either side of a splitter moved to `offset` pixels from the start
 * of the first: the two keep their summed weight, shared as their pixels now are.
 */
export function shareWeights(
  weights: SplitMove,
  pixels: SplitMove,
  offset: number,
): SplitMove & { folded: 'before' | 'after' | null } {
  const total = pixels.before + pixels.after;
  const sum = weights.before + weights.after;
  const first = Math.min(Math.max(offset, 0), total);
  if (first < FOLD_BELOW) return { before: 0, after: sum, folded: 'before' };
  if (total - first < FOLD_BELOW) return { before: sum, after: 0, folded: 'after' };
  const clamped = Math.min(Math.max(first, SMALLEST), total - SMALLEST);
  const before = total > 0 ? (sum * clamped) / total : sum / 2;
  return { before, after: sum - before, folded: null };
}

export class Layout {
  private readonly panes = new Map<string, HTMLElement>();
  private readonly phone = matchMedia(`(max-width: ${PHONE_WIDTH}px)`);
  private view: PhoneView = 'editor';

  constructor(
    private readonly root: HTMLElement,
    private readonly preferences: PreferenceStore,
    private readonly phoneTabs: HTMLElement,
  ) {
    for (const pane of root.querySelectorAll<HTMLElement>('[data-pane]')) {
      this.panes.set(pane.dataset.pane ?? '', pane);
    }
    for (const splitter of root.querySelectorAll<HTMLElement>('[data-splitter]')) {
      this.bindSplitter(splitter);
    }
    for (const tab of phoneTabs.querySelectorAll<HTMLElement>('[data-view]')) {
      tab.addEventListener('click', () => this.showOnPhone(tab.dataset.view as PhoneView));
    }
    phoneTabs.addEventListener('keydown', (event) => this.onPhoneTabKey(event));
    this.phone.addEventListener('change', () => this.apply());
    this.apply();
  }

  /** On a phone, brings a pane to the front (Run shows the console, a traceback link the
   * editor); on a wide screen every pane is in view already. */
  showOnPhone(view: PhoneView): void {
    this.view = view;
    this.apply();
  }

  /** The lesson pane (and its tab and splitter) comes and goes with the lesson. */
  lessonShown(shown: boolean): void {
    const tab = this.phoneTabs.querySelector<HTMLElement>('[data-view=lesson]');
    if (tab) tab.hidden = !shown;
    if (shown) this.view = 'lesson';
    else if (this.view === 'lesson') this.view = 'editor';
    this.apply();
  }

  private apply(): void {
    const phone = this.phone.matches;
    document.body.classList.toggle('phone', phone);
    this.root.dataset.view = this.view;
    for (const tab of this.phoneTabs.querySelectorAll<HTMLElement>('[data-view]')) {
      const selected = tab.dataset.view === this.view;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
    }
    const { paneSizes, collapsed } = this.preferences.value;
    for (const [name, pane] of this.panes) {
      const folded = collapsed.includes(name);
      pane.classList.toggle('collapsed', folded);
      const weight = paneSizes[name];
      pane.style.flexGrow = weight === undefined ? '' : String(weight);
    }
    for (const splitter of this.root.querySelectorAll<HTMLElement>('[data-splitter]')) {
      this.describe(splitter);
    }
  }

  private neighbours(splitter: HTMLElement): [HTMLElement, HTMLElement] | null {
    const [a, b] = (splitter.dataset.splitter ?? '').split('|');
    const before = this.panes.get(a);
    const after = this.panes.get(b);
    return before && after ? [before, after] : null;
  }

  private weight(pane: HTMLElement): number {
    return Number(getComputedStyle(pane).flexGrow) || 1;
  }

  private size(pane: HTMLElement, vertical: boolean): number {
    if (pane.classList.contains('collapsed')) return 0;
    const box = pane.getBoundingClientRect();
    return vertical ? box.height : box.width;
  }

  private bindSplitter(splitter: HTMLElement): void {
    const vertical = splitter.getAttribute('aria-orientation') === 'horizontal';
    splitter.addEventListener('pointerdown', (down) => {
      const pair = this.neighbours(splitter);
      if (!pair || down.button !== 0) return;
      down.preventDefault();
      splitter.setPointerCapture(down.pointerId);
      const [before, after] = pair;
      const weights = { before: this.weight(before), after: this.weight(after) };
      const pixels = { before: this.size(before, vertical), after: this.size(after, vertical) };
      const start = vertical ? down.clientY : down.clientX;
      const move = (event: PointerEvent) => {
        const delta = (vertical ? event.clientY : event.clientX) - start;
        this.setShare(splitter, shareWeights(weights, pixels, pixels.before + delta), false);
      };
      const up = () => {
        splitter.removeEventListener('pointermove', move);
        this.save();
      };
      splitter.addEventListener('pointermove', move);
      splitter.addEventListener('pointerup', up, { once: true });
      splitter.addEventListener('pointercancel', up, { once: true });
    });
    splitter.addEventListener('dblclick', () => this.toggleFold(splitter));
    splitter.addEventListener('keydown', (event) => {
      const pair = this.neighbours(splitter);
      if (!pair) return;
      const step = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1 }[event.key];
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        this.toggleFold(splitter);
      } else if (step !== undefined) {
        event.preventDefault();
        const [before, after] = pair;
        const pixels = { before: this.size(before, vertical), after: this.size(after, vertical) };
        const weights = { before: this.weight(before), after: this.weight(after) };
        const total = pixels.before + pixels.after;
        const offset = pixels.before + step * KEY_STEP * total;
        this.setShare(splitter, shareWeights(weights, pixels, offset), true);
      }
    });
  }

  /** Sets the two panes' weights; a pane that reached its edge folds, one dragged back unfolds. */
  private setShare(
    splitter: HTMLElement,
    share: ReturnType<typeof shareWeights>,
    save: boolean,
  ): void {
    const pair = this.neighbours(splitter);
    if (!pair) return;
    const [before, after] = pair;
    const sizes = { ...this.preferences.value.paneSizes };
    const folded = new Set(this.preferences.value.collapsed);
    const names = [before.dataset.pane ?? '', after.dataset.pane ?? ''];
    folded.delete(names[0]);
    folded.delete(names[1]);
    if (share.folded === 'before') folded.add(names[0]);
    else sizes[names[0]] = share.before;
    if (share.folded === 'after') folded.add(names[1]);
    else sizes[names[1]] = share.after;
    this.pending = { paneSizes: sizes, collapsed: [...folded] };
    if (save) this.save();
    else this.applyPending();
  }

  /** A drag's sizes, shown as it goes and saved when it ends. */
  private pending: { paneSizes: Record<string, number>; collapsed: string[] } | null = null;

  private applyPending(): void {
    if (!this.pending) return;
    const { paneSizes, collapsed } = this.pending;
    for (const [name, pane] of this.panes) {
      pane.classList.toggle('collapsed', collapsed.includes(name));
      if (paneSizes[name] !== undefined) pane.style.flexGrow = String(paneSizes[name]);
    }
  }

  private save(): void {
    if (!this.pending) return;
    this.preferences.update(this.pending);
    this.pending = null;
    this.apply();
  }

  /** Folds the pane the splitter names in `data-folds`, or unfolds whichever of its two is
   * folded. */
  private toggleFold(splitter: HTMLElement): void {
    const pair = this.neighbours(splitter);
    if (!pair) return;
    const names = pair.map((pane) => pane.dataset.pane ?? '');
    const folded = new Set(this.preferences.value.collapsed);
    const open = names.filter((name) => folded.has(name));
    if (open.length > 0) for (const name of open) folded.delete(name);
    else folded.add(splitter.dataset.folds ?? names[0]);
    this.preferences.update({ collapsed: [...folded] });
    this.apply();
  }

  /** The splitter's value for assistive technology: the first pane's share, in percent. */
  private describe(splitter: HTMLElement): void {
    const pair = this.neighbours(splitter);
    if (!pair) return;
    const vertical = splitter.getAttribute('aria-orientation') === 'horizontal';
    const [a, b] = pair.map((pane) => this.size(pane, vertical));
    const share = a + b > 0 ? Math.round((100 * a) / (a + b)) : 50;
    splitter.setAttribute('aria-valuenow', String(share));
    splitter.setAttribute('aria-valuemin', '0');
    splitter.setAttribute('aria-valuemax', '100');
  }

  private onPhoneTabKey(event: KeyboardEvent): void {
    const tabs = [...this.phoneTabs.querySelectorAll<HTMLElement>('[data-view]')].filter(
      (tab) => !tab.hidden,
    );
    const index = tabs.findIndex((tab) => tab.dataset.view === this.view);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[
      event.key
    ];
    if (next === undefined) return;
    event.preventDefault();
    const tab = tabs[(next + tabs.length) % tabs.length];
    this.showOnPhone(tab.dataset.view as PhoneView);
    tab.focus();
  }
}
