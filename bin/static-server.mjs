/**
 * Serves the production build (dist/) for `procbox run`, with the headers listed in the build's
 * `_headers` file (cross-origin isolation, and the process worker's CSP).
 */
import {
  createReadStream,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { CACHE_PATH } from './cli-cache.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.zip': 'application/zip',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
};

/** Parses `_headers`: a path pattern (`*` wildcards) on one line, indented headers under it. */
export function parseHeadersFile(text) {
  const rules = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    if (!/^\s/.test(line)) {
      const pattern = line
        .trim()
        .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*');
      rules.push({ pattern: new RegExp(`^${pattern}$`), headers: {} });
    } else if (rules.length > 0) {
      const at = line.indexOf(':');
      rules.at(-1).headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
  }
  return rules;
}

const CACHE_NAME = /^[A-Za-z0-9._-]+$/;

/** A file named `kind-<hex id>` replaces the other builds' files of its kind (old snapshots). */
function replaceOlder(cache, name) {
  const kind = /^(.+-)[0-9a-f]+$/.exec(name)?.[1];
  if (!kind) return;
  for (const other of readdirSync(cache)) {
    if (other !== name && other.startsWith(kind) && /^[0-9a-f]+$/.test(other.slice(kind.length))) {
      rmSync(join(cache, other), { force: true });
    }
  }
}

/**
 * The CLI's cache folder under CACHE_PATH: GET a file, PUT one (written aside, then renamed
 * into place, so that runs at once never read half a file), DELETE one.
 */
function serveCache(cache, name, req, res) {
  const file = join(cache, name);
  if (!CACHE_NAME.test(name)) return res.writeHead(400).end();
  if (req.method === 'GET') {
    if (!existsSync(file)) return res.writeHead(404).end();
    res.setHeader('Content-Type', 'application/octet-stream');
    return createReadStream(file).pipe(res);
  }
  if (req.method === 'DELETE') {
    rmSync(file, { force: true });
    return res.writeHead(204).end();
  }
  if (req.method !== 'PUT') return res.writeHead(405).end();
  const parts = [];
  req.on('data', (part) => parts.push(part));
  req.on('end', () => {
    const aside = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
    try {
      writeFileSync(aside, Buffer.concat(parts));
      renameSync(aside, file);
      replaceOlder(cache, name);
      res.writeHead(204).end();
    } catch {
      rmSync(aside, { force: true });
      res.writeHead(500).end();
    }
  });
}

/** `withHeaders: false` plays a host that cannot set headers; `cache`: a folder served under
 * CACHE_PATH (the CLI's). */
export function serveStatic(dir, { withHeaders = true, cache = null } = {}) {
  const rules = withHeaders ? parseHeadersFile(readFileSync(join(dir, '_headers'), 'utf8')) : [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (cache && path.startsWith(CACHE_PATH)) {
      serveCache(cache, path.slice(CACHE_PATH.length), req, res);
      return;
    }
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    for (const rule of rules) {
      if (rule.pattern.test(path))
        for (const [k, v] of Object.entries(rule.headers)) res.setHeader(k, v);
    }
    res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}/`, close: () => server.close() });
    });
  });
}
