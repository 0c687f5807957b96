/**
 * The editor's intel worker: reads the buffer's text and answers the page (src/intel/) through
 * protocol/intel.ts. Two tools, loaded one after the other so the first answers sooner:
 * - Ruff's WebAssembly build checks the buffer (syntax errors, undefined names): here, not in
 *   the page, because its 11 MB module and its first check (~0.1–0.25 s) would be long tasks on
 *   the page's thread.
 * - A Pyodide answers completions, hovers and signatures from the stdlib processes run on
 *   (`procbox/intel.py`). It boots from the kernel's memory snapshot (Cache Storage, kept by
 *   kernel/snapshot-store.ts) when there is one, so it has the layer's modules as processes
 *   have them, in a fraction of a plain boot's time; on a first visit it waits for the kernel to
 *   keep one, and boots plainly only if none comes.
 * No user code runs here: the buffer is parsed (ast), never executed, and only the stdlib
 * modules it imports are imported. Once booted, the worker is locked down as process workers
 * are, all the same.
 */
import * as Comlink from 'comlink';
import { loadPyodide, type PyodideAPI } from 'pyodide';
import initRuff, { PositionEncoding, Workspace } from '@astral-sh/ruff-wasm-web';
import ruffWasmURL from '@astral-sh/ruff-wasm-web/ruff_wasm_bg.wasm?url';
import type {
  CompletionEntry,
  IntelConfig,
  IntelStatus,
  IntelWorkerApi,
  RuffDiagnostic,
  TextAt,
} from './protocol/intel';
import { SnapshotStore } from './kernel/snapshot-store';
import { LAYER_DIR, writeLayerFiles } from './runtime/python-layer';
import { layerImage } from './runtime/python-sources';
import { decodePacked, unpackPages } from './runtime/sparse-copy';
import { withSharedSnapshot } from './runtime/snapshot-restore';
import { lockDown } from './runtime/sandbox';

const SNAPSHOT_POLL_MS = 500;

/** Resolves once, with what `settle` is given. */
function deferred<T>(): { promise: Promise<T>; settle(value: T | Promise<T>): void } {
  let settle!: (value: T | Promise<T>) => void;
  const promise = new Promise<T>((resolve) => (settle = resolve));
  return { promise, settle };
}

const ruff = deferred<{ workspace: Workspace; loadMs: number }>();
const python = deferred<{ py: PyodideAPI; status: IntelStatus }>();
type Answer = (name: string, source: string, line: number, column: number) => string;
let answer: Answer | null = null;

async function loadRuff(rules: string[]): Promise<{ workspace: Workspace; loadMs: number }> {
  const started = performance.now();
  await initRuff({ module_or_path: ruffWasmURL });
  const settings = { 'target-version': 'py314', lint: { select: rules } };
  const workspace = new Workspace(settings, PositionEncoding.Utf16);
  workspace.check('import os\n'); // its first check is its slowest: taken before any keystroke
  return { workspace, loadMs: performance.now() - started };
}

/** The kernel's snapshot, unpacked, once it keeps one (null: none came in time). */
async function keptSnapshot(waitMs: number): Promise<Uint8Array | null> {
  const store = new SnapshotStore();
  const until = performance.now() + waitMs;
  for (;;) {
    const kept = await store.load();
    const image = kept && decodePacked(kept.bytes);
    if (image) {
      const bytes = new Uint8Array(image.length);
      unpackPages(bytes, image, 'fresh');
      return bytes;
    }
    if (performance.now() >= until || !('caches' in globalThis)) return null;
    await new Promise((resolve) => setTimeout(resolve, SNAPSHOT_POLL_MS));
  }
}

function boot(config: IntelConfig, snapshot: Uint8Array | null): Promise<PyodideAPI> {
  return withSharedSnapshot(snapshot, null, (bytes) =>
    // The options a process worker boots with: a snapshot restores into the same settings.
    loadPyodide({
      indexURL: config.pyodideIndexURL,
      env: { HOME: '/home/user', PYTHON_COLORS: '0' },
      convertNullToNone: true,
      ...(bytes ? { _loadSnapshot: bytes } : {}),
    }),
  ).then(({ loaded }) => loaded);
}

async function bootPython(config: IntelConfig): Promise<{ py: PyodideAPI; status: IntelStatus }> {
  const snapshot = await keptSnapshot(config.snapshotWaitMs);
  const started = performance.now();
  let py: PyodideAPI;
  let from: IntelStatus['boot'] = snapshot ? 'snapshot' : 'plain';
  try {
    py = await boot(config, snapshot);
  } catch (error) {
    if (!snapshot) throw error;
    console.warn('intel: the snapshot did not boot; booting plainly', error);
    from = 'plain';
    py = await boot(config, null);
  }
  // The layer as processes have it (a plain boot has none), intel.py and intel_scope.py included.
  writeLayerFiles(py.FS, layerImage());
  py.runPython(
    `import sys, importlib\nif ${JSON.stringify(LAYER_DIR)} not in sys.path: sys.path.insert(0, ${JSON.stringify(LAYER_DIR)})\nimportlib.invalidate_caches()`,
  );
  answer = py.pyimport('procbox.intel').answer as Answer;
  const heap = (py as unknown as { _module: { HEAPU8: Uint8Array } })._module.HEAPU8;
  const status = { boot: from, bootMs: performance.now() - started, heapBytes: heap.length };
  return { py, status };
}

async function ask<T>(name: string, at: TextAt): Promise<T> {
  await python.promise;
  return JSON.parse(answer!(name, at.source, at.line, at.column)) as T;
}

const api: IntelWorkerApi = {
  async init(config) {
    ruff.settle(loadRuff(config.lintRules));
    await ruff.promise.catch(() => undefined); // Ruff first: marks matter most while typing
    python.settle(bootPython(config));
    // Nothing here needs the network or the origin's storage once both are loaded.
    void Promise.allSettled([ruff.promise, python.promise]).then(() => lockDown());
  },
  lintReady: async () => (await ruff.promise).loadMs,
  async lint(source) {
    const { workspace } = await ruff.promise;
    return (workspace.check(source) as RuffDiagnostic[]).map((d) => ({
      code: d.code,
      message: d.message,
      tags: d.tags,
      start_location: d.start_location,
      end_location: d.end_location,
    }));
  },
  pythonReady: async () => (await python.promise).status,
  complete: (at) => ask<{ items: CompletionEntry[] }>('complete', at).then((found) => found.items),
  hover: (at) => ask('hover', at),
  signature: (at) => ask('signature', at),
};

/** The page's first message carries the control port; nothing else is read from `self`. */
self.addEventListener(
  'message',
  (event: MessageEvent<{ control: MessagePort }>) => Comlink.expose(api, event.data.control),
  { once: true },
);
