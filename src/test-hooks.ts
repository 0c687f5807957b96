/** What end-to-end tests read: the console's real xterm buffer, and the editor as a user types. */
import type { Console } from './ui/console';
import type { Editor } from './ui/editor';
import type { TimelinePanel } from './ui/timeline-panel';

export interface ProcboxTestHooks {
  /** The xterm active buffer's text: rows joined with '\n', right-trimmed. */
  consoleText(): string;
  /** The console's rows as laid out, each marked when the terminal wrapped it. */
  consoleRows(): { text: string; wrapped: boolean; spaceAtEnd: boolean }[];
  /** The text selected in the console (a write the Timeline showed there). */
  consoleSelection(): string;
  /** The console's [columns, rows]. */
  consoleSize(): [number, number];
  /** Replaces the open file's text through Monaco, so it is saved like an edit. */
  editorSetValue(text: string): void;
  /** The open file's text as Monaco shows it. */
  editorValue(): string;
  /** The failures the last run's tracebacks marked in the editor. */
  editorFailures(): { path: string; line: number; message: string }[];
  /** What the Timeline shows: its process and thread lanes' labels, its arrows' kinds. */
  timeline?(): {
    processes: string[];
    threads: string[];
    arrows: string[];
    /** The console's writes drawn on the canvas: their text, lane and place (CSS pixels). */
    marks: { id: number; text: string; lane: string; x: number; y: number }[];
    /** The write ringed (a console line clicked, a dot clicked). */
    ringed: number | null;
    /** Each lane's states, by its label, each once, in the order first shown. */
    states: Record<string, string[]>;
  };
  /** The open file's name and the cursor's line and column (1-based), as Monaco has them. */
  editorCursor(): { path: string; line: number; column: number };
}

declare global {
  interface Window {
    __procbox?: ProcboxTestHooks;
  }
}

export function installTestHooks(terminal: Console, editor: Editor): void {
  window.__procbox = {
    consoleText: () => terminal.text(),
    consoleRows: () => terminal.rows(),
    consoleSelection: () => terminal.terminal.getSelection(),
    consoleSize: () => [terminal.terminal.cols, terminal.terminal.rows],
    editorSetValue: (text) => editor.setValue(text),
    editorValue: () => editor.editor.getValue(),
    editorFailures: () => editor.markedFailures(),
    editorCursor: () => {
      const at = editor.editor.getPosition();
      return { path: editor.activePath(), line: at?.lineNumber ?? 0, column: at?.column ?? 0 };
    },
  };
}

/** What the Timeline shows, for the tests: its lanes, arrows, the console's writes and states. */
export function installTimelineHook(panel: TimelinePanel): void {
  window.__procbox!.timeline = () => {
    const shown = panel.shown;
    const lanes = shown?.lanes ?? [];
    const statesOf = (id: string) =>
      new Set(shown?.slices.filter((slice) => slice.lane === id).map((slice) => slice.state));
    return {
      processes: lanes.filter((lane) => lane.parent === null).map((lane) => lane.label),
      threads: lanes.filter((lane) => lane.parent !== null).map((lane) => lane.label),
      arrows: shown?.arrows.map((arrow) => arrow.kind) ?? [],
      marks: panel
        .markPoints()
        .map(({ mark, lane, x, y }) => ({ id: mark.id, text: mark.text, lane, x, y })),
      ringed: panel.ringedMark,
      states: Object.fromEntries(lanes.map((lane) => [lane.label, [...statesOf(lane.id)]])),
    };
  };
}
