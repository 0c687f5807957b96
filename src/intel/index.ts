/**
 * A learner's Python editor: marks (syntax errors, undefined names) as one types, completion,
 * hover documentation and signature help. Loaded lazily (the pages import this module after
 * the first paint, inside Editor.enrich), so neither Monaco's widgets for these nor Ruff nor
 * the intel worker's Python weigh on the first load. All the analysis runs in the intel worker
 * (workers/intel.worker.ts), which only reads text.
 */
// The contributions the lean editor entry lacks: the suggest widget, hovers and parameter
// hints. Monaco attaches contributions to editors created after they load, hence enrich.
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/editor/contrib/hover/browser/hoverContribution';
import 'monaco-editor/editor/contrib/parameterHints/browser/parameterHints';
import * as Comlink from 'comlink';
import * as monaco from 'monaco-editor/editor/editor.api';
import type { Locale } from '../i18n';
import type { IntelApi, IntelConfig, IntelWorkerApi } from '../../workers/protocol/intel';
import { debounce, LEARNER_RULES, marksFromRuff } from './ruff-marks';
import { registerPythonProviders } from './python-provider';
import { addLateServices } from './late-services';

/** The owner of the marks Ruff's findings leave (a run's tracebacks have their own). */
export const LINT_OWNER = 'procbox-lint';
/** Marks follow typing after this pause: soon enough to help, rarely enough to not flicker. */
const LINT_PAUSE_MS = 300;

export interface PythonIntelligence {
  intel: IntelApi;
  /** Checks every Python model now (tests; the page relies on typing). */
  lintAll(): Promise<void>;
  dispose(): void;
}

declare global {
  interface Window {
    /** For the Playwright tests (tests/e2e/intel.spec.ts). */
    __procboxIntel?: { monaco: typeof monaco; intelligence: PythonIntelligence };
  }
}

function startWorker(): IntelWorkerApi {
  const worker = new Worker(new URL('../../workers/intel.worker.ts', import.meta.url), {
    type: 'module',
    name: 'intel',
  });
  const control = new MessageChannel();
  worker.postMessage({ control: control.port2 }, [control.port2]);
  return Comlink.wrap<IntelWorkerApi>(control.port1) as unknown as IntelWorkerApi;
}

function isPython(model: monaco.editor.ITextModel): boolean {
  return model.getLanguageId() === 'python' && !model.isDisposed();
}

/**
 * The intel worker, started at the first call: when the learner first edits Python, or asks for
 * a completion, a hover or a signature. A reader who only runs programs never pays for Ruff's
 * 11 MB module and a second Python, and on a 2-core machine the run's own workers keep the cores.
 */
function lazyIntel(config: IntelConfig): IntelApi {
  let worker: IntelWorkerApi | null = null;
  const started = () => {
    if (!worker) {
      worker = startWorker();
      void worker.init(config);
    }
    return worker;
  };
  return {
    lintReady: () => started().lintReady(),
    lint: (source) => started().lint(source),
    pythonReady: () => started().pythonReady(),
    complete: (at) => started().complete(at),
    hover: (at) => started().hover(at),
    signature: (at) => started().signature(at),
  };
}

export function installPythonIntelligence(options: {
  /** The learner's language, read at each check (marks follow a change of it). */
  locale: () => Locale;
}): PythonIntelligence {
  addLateServices(); // before Editor.enrich rebuilds the widget with the contributions
  const intel = lazyIntel({
    pyodideIndexURL: new URL('pyodide/', document.baseURI).href,
    lintRules: LEARNER_RULES,
    snapshotWaitMs: 60_000,
  });
  const disposables: monaco.IDisposable[] = registerPythonProviders(intel);

  async function lint(model: monaco.editor.ITextModel): Promise<void> {
    if (!isPython(model)) return;
    const version = model.getVersionId();
    const found = await intel.lint(model.getValue());
    if (model.isDisposed() || model.getVersionId() !== version) return; // a newer check follows
    const marks = marksFromRuff(
      found,
      options.locale(),
      (line) => model.getLineLength(line),
      model.getLineCount(),
    );
    monaco.editor.setModelMarkers(
      model,
      LINT_OWNER,
      marks.map((mark) => ({
        ...mark,
        severity:
          mark.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
        source: 'Ruff',
        tags: mark.unnecessary ? [monaco.MarkerTag.Unnecessary] : [],
      })),
    );
  }

  let editing = false;
  const watched = new WeakSet<monaco.editor.ITextModel>();
  function watch(model: monaco.editor.ITextModel): void {
    if (!isPython(model) || watched.has(model)) return;
    watched.add(model);
    const later = debounce(() => void lint(model), LINT_PAUSE_MS);
    // Marks begin with the learner's first keystroke (a whole text set from outside, an
    // example opened, starts nothing); from then on every change is checked.
    const changes = model.onDidChangeContent((event) => {
      if (!event.isFlush) editing = true;
      if (editing) later();
    });
    model.onWillDispose(() => {
      later.cancel();
      changes.dispose();
    });
  }

  monaco.editor.getModels().forEach(watch);
  disposables.push(monaco.editor.onDidCreateModel(watch));
  disposables.push(
    monaco.editor.onDidChangeModelLanguage(({ model }) => {
      if (isPython(model)) watch(model);
      else monaco.editor.setModelMarkers(model, LINT_OWNER, []);
    }),
  );

  const intelligence: PythonIntelligence = {
    intel,
    lintAll: async () => {
      await Promise.all(monaco.editor.getModels().map(lint));
    },
    dispose: () => disposables.forEach((d) => d.dispose()),
  };
  window.__procboxIntel = { monaco, intelligence };
  return intelligence;
}
