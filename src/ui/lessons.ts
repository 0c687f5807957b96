/**
 * The lessons list (a dialog) and the lesson pane: the lesson's text, Check, and the results of
 * the last check, each with why it failed. What Check runs and how it grades live in
 * src/lessons; this file only shows them.
 */
import { marked } from 'marked';
import { withoutTitle } from '../lessons/format';
import { translate, type Locale } from '../i18n';
import { LESSONS } from '../lessons/catalog';
import { checkSummary, textIn, type CheckResult } from '../lessons/checks';
import type { Lesson } from '../lessons/format';
import type { ProgressStore } from '../lessons/progress';
import { element } from './toolbar';

export class LessonsDialog {
  private readonly dialog = element<HTMLDialogElement>('lessons');
  private readonly list = element('lessons-list', this.dialog);

  constructor(
    private readonly locale: () => Locale,
    private readonly progress: ProgressStore,
    private readonly open: (lesson: Lesson) => void,
  ) {
    element('lessons-close', this.dialog).addEventListener('click', () => this.dialog.close());
  }

  show(): void {
    const locale = this.locale();
    this.list.replaceChildren(
      ...LESSONS.map((lesson) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'example';
        button.dataset.testid = `lesson-${lesson.id}`;
        const title = document.createElement('strong');
        title.textContent = lesson.title[locale];
        const status = document.createElement('span');
        const passed = this.progress.of(lesson.id)?.passed ?? false;
        status.className = passed ? 'passed' : '';
        status.textContent = translate(locale, passed ? 'lessonPassed' : 'lessonNotPassed');
        button.append(title, status);
        button.addEventListener('click', () => {
          this.dialog.close();
          this.open(lesson);
        });
        return button;
      }),
    );
    this.dialog.showModal();
  }
}

export interface LessonPaneActions {
  check(): void;
  /** Runs the lesson's reference solution (or starter) with the Timeline shown. */
  showTimeline(which: 'solution' | 'starter'): void;
  reset(): void;
  leave(): void;
}

export class LessonPane {
  private readonly pane = element('lesson-pane');
  private readonly title = element('lesson-title', this.pane);
  private readonly text = element('lesson-text', this.pane);
  private readonly summary = element('check-summary', this.pane);
  private readonly results = element('check-results', this.pane);
  private readonly checkButton = element<HTMLButtonElement>('check', this.pane);
  private lesson: Lesson | null = null;
  private shown: { results: CheckResult[]; timedOut: boolean; deadlocked: boolean } | null = null;
  private running = false;

  constructor(
    private readonly locale: () => Locale,
    actions: LessonPaneActions,
  ) {
    this.checkButton.addEventListener('click', () => actions.check());
    this.text.addEventListener('click', (event) => {
      const button = (event.target as HTMLElement).closest<HTMLElement>('[data-show-timeline]');
      if (button) actions.showTimeline(button.dataset.showTimeline as 'solution' | 'starter');
    });
    element('lesson-reset', this.pane).addEventListener('click', () => actions.reset());
    element('lesson-leave', this.pane).addEventListener('click', () => actions.leave());
  }

  get current(): Lesson | null {
    return this.lesson;
  }

  /** Shows a lesson (and its last results, if any), or hides the pane with null. */
  show(lesson: Lesson | null, lastResults?: CheckResult[]): void {
    this.lesson = lesson;
    this.pane.hidden = lesson === null;
    this.shown = lastResults ? { results: lastResults, timedOut: false, deadlocked: false } : null;
    this.render();
  }

  setRunning(running: boolean): void {
    this.running = running;
    this.checkButton.disabled = running;
    this.render();
  }

  /** A fenced block of language `timeline` (its text `solution`, the default, or `starter`)
   * becomes a button that runs that program with the Timeline shown. */
  private embedTimelines(locale: Locale): void {
    for (const code of this.text.querySelectorAll('pre > code.language-timeline')) {
      const which = code.textContent?.trim() === 'starter' ? 'starter' : 'solution';
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'runs';
      button.dataset.showTimeline = which;
      button.dataset.testid = 'lesson-timeline';
      button.textContent = translate(
        locale,
        which === 'solution' ? 'lessonShowSolutionTimeline' : 'lessonShowStarterTimeline',
      );
      code.parentElement!.replaceWith(button);
    }
  }

  showResults(results: CheckResult[], timedOut: boolean, deadlocked = false): void {
    this.shown = { results, timedOut, deadlocked };
    this.render();
  }

  /** Everything in the pane follows the locale, the lesson text included. */
  render(): void {
    const lesson = this.lesson;
    if (!lesson) return;
    const locale = this.locale();
    const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
      translate(locale, key, params);
    this.title.textContent = lesson.title[locale];
    // The lesson's own Markdown, bundled with the app or given to `procbox check`: never the
    // learner's code or a link's contents.
    this.text.innerHTML = marked.parse(withoutTitle(lesson.text[locale], lesson.title[locale]), {
      async: false,
    });
    this.text.dataset.locale = locale;
    this.embedTimelines(locale);

    const shown = this.shown;
    this.summary.className = shown?.results.every((r) => r.passed) ? 'passed' : 'failed';
    this.summary.textContent = this.running
      ? t('checkRunning')
      : shown
        ? checkSummary(
            locale,
            shown.results,
            shown.timedOut,
            lesson.timeoutSeconds,
            shown.deadlocked,
          )
        : '';
    this.results.replaceChildren(
      ...(this.running || !shown ? [] : shown.results).map((result) => {
        const item = document.createElement('li');
        item.className = result.passed ? 'passed' : 'failed';
        item.dataset.testid = 'check-result';
        const mark = document.createElement('span');
        mark.className = 'mark';
        mark.textContent = result.passed ? '✓' : '✗';
        const description = document.createElement('span');
        description.textContent = textIn(locale, result.description);
        item.append(mark, description);
        if (result.reason) {
          const reason = document.createElement('div');
          reason.className = 'reason';
          reason.textContent = textIn(locale, result.reason);
          item.append(reason);
        }
        return item;
      }),
    );
  }
}
