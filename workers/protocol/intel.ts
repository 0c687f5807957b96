/**
 * The page ↔ intel-worker boundary (src/intel/ ↔ workers/intel.worker.ts), over Comlink. The
 * worker only reads text: Ruff checks the buffer, and a Pyodide with the layer's stdlib answers
 * completions, hovers and signatures from `procbox/intel.py`, which parses the buffer and never
 * runs it. Positions are 1-based lines and UTF-16 columns, as Monaco's.
 * Types only.
 */

/** One of Ruff's findings, as its WebAssembly build reports it (the part the page reads).
 * Rows and columns are 1-based; columns count UTF-16 units, as Monaco's. */
export interface RuffDiagnostic {
  /** The rule (`F821`), or `invalid-syntax` (null in older builds) for a syntax error. */
  code: string | null;
  message: string;
  /** `unnecessary` (an unused import) is shown faded. */
  tags: string[];
  start_location: { row: number; column: number };
  end_location: { row: number; column: number };
}

export type CompletionKind =
  'module' | 'class' | 'function' | 'property' | 'variable' | 'constant' | 'keyword';

export interface CompletionEntry {
  label: string;
  kind: CompletionKind;
  /** One line as Python would write it: `class Thread(group=None, …)`, `sock: socket.socket`. */
  detail: string;
  /** The start of its docstring (plain text). */
  doc: string;
}

export interface HoverAnswer {
  signature: string;
  doc: string;
  /** The dotted name hovered, on the hovered line. */
  startColumn: number;
  endColumn: number;
}

export interface SignatureAnswer {
  /** `Thread(group=None, target=None, …)` */
  label: string;
  doc: string;
  /** Each parameter's [start, end) in `label`. */
  parameters: [number, number][];
  /** Index into `parameters`, or -1. */
  activeParameter: number;
}

/** A buffer and a position in it. */
export interface TextAt {
  source: string;
  line: number;
  column: number;
}

/** How the worker's Python started, for the page's measurements (and the tests). */
export interface IntelStatus {
  /** `snapshot`: from the kernel's memory snapshot in Cache Storage; `plain`: loadPyodide. */
  boot: 'snapshot' | 'plain';
  bootMs: number;
  /** The worker's WebAssembly memory once booted, in bytes (Pyodide's heap). */
  heapBytes: number;
}

export interface IntelApi {
  /** Resolves once Ruff is loaded, with its load time in ms. */
  lintReady(): Promise<number>;
  lint(source: string): Promise<RuffDiagnostic[]>;
  /** Resolves once Python is booted. */
  pythonReady(): Promise<IntelStatus>;
  complete(at: TextAt): Promise<CompletionEntry[]>;
  hover(at: TextAt): Promise<HoverAnswer | null>;
  signature(at: TextAt): Promise<SignatureAnswer | null>;
}

/** What the page sends first: where Pyodide's files are (the page's origin). */
export interface IntelConfig {
  pyodideIndexURL: string;
  /** Ruff's rules to check (its `lint.select`); syntax errors are always reported. */
  lintRules: string[];
  /** Give up waiting for the kernel's snapshot after this long and boot plainly. */
  snapshotWaitMs: number;
}

export interface IntelWorkerApi extends IntelApi {
  init(config: IntelConfig): Promise<void>;
}
