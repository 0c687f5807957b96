import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { isolationHeaders, PROCESS_WORKER_CSP } from './workers/protocol/headers';

/** Pyodide's runtime files, served from node_modules (never a CDN) under /pyodide/. */
const PYODIDE_FILES = [
  'pyodide.asm.mjs',
  'pyodide.asm.wasm',
  'python_stdlib.zip',
  'pyodide-lock.json',
  'pyodide.mjs',
];
const pyodideDir = resolve(import.meta.dirname, 'node_modules/pyodide');

const contentTypes: Record<string, string> = {
  mjs: 'text/javascript',
  wasm: 'application/wasm',
  zip: 'application/zip',
  json: 'application/json',
};

/** Names the memory snapshot: a new Pyodide or Python layer must never boot an old one. */
function snapshotId(): string {
  const hash = createHash('sha256');
  hash.update(JSON.parse(readFileSync(resolve(pyodideDir, 'package.json'), 'utf8')).version);
  const layer = resolve(import.meta.dirname, 'workers/python');
  for (const file of readdirSync(layer, { recursive: true }).map(String).sort()) {
    if (file.endsWith('.py')) hash.update(file).update(readFileSync(resolve(layer, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

function pyodideAssets(): Plugin {
  return {
    name: 'procbox:pyodide-assets',
    configureServer(server) {
      server.middlewares.use('/pyodide/', (req, res, next) => {
        const file = (req.url ?? '').split('?')[0].replace(/^\//, '');
        if (!PYODIDE_FILES.includes(file)) return next();
        res.setHeader('Content-Type', contentTypes[file.split('.').pop() ?? ''] ?? 'text/plain');
        for (const [k, v] of Object.entries(isolationHeaders)) res.setHeader(k, v);
        createReadStream(resolve(pyodideDir, file)).pipe(res);
      });
    },
    generateBundle() {
      for (const file of PYODIDE_FILES) {
        this.emitFile({
          type: 'asset',
          fileName: `pyodide/${file}`,
          source: readFileSync(resolve(pyodideDir, file)),
        });
      }
    },
  };
}

/** The process worker runs untrusted code: its script gets a CSP that forbids every connection. */
function processWorkerCsp(): Plugin {
  const middleware = (req: { url?: string }, res: { setHeader(k: string, v: string): void }) => {
    if (/process\.worker/.test(req.url ?? '')) {
      res.setHeader('Content-Security-Policy', PROCESS_WORKER_CSP);
    }
  };
  return {
    name: 'procbox:process-worker-csp',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        middleware(req, res);
        next();
      });
    },
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        middleware(req, res);
        next();
      });
    },
  };
}

/** `_headers` (the Netlify / Cloudflare Pages format): the headers for hosts that read it. */
function headersFile(): Plugin {
  return {
    name: 'procbox:headers-file',
    generateBundle() {
      const global = Object.entries(isolationHeaders).map(([k, v]) => `  ${k}: ${v}`);
      const source = [
        '/*',
        ...global,
        '/assets/process.worker-*',
        `  Content-Security-Policy: ${PROCESS_WORKER_CSP}`,
        '',
      ].join('\n');
      this.emitFile({ type: 'asset', fileName: '_headers', source });
    },
  };
}

export default defineConfig({
  plugins: [pyodideAssets(), processWorkerCsp(), headersFile()],
  define: { __PROCBOX_SNAPSHOT_ID__: JSON.stringify(snapshotId()) },
  server: { headers: isolationHeaders, port: 5173 },
  preview: { headers: isolationHeaders, port: 4173 },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['pyodide'] },
  build: {
    target: 'es2022',
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        headless: resolve(import.meta.dirname, 'headless.html'),
      },
    },
  },
});
