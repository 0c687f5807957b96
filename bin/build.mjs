/** Builds the app for the CLI and the benchmark when dist/ is missing or stale. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(new URL('.', import.meta.url).pathname, '..');
const SOURCES = [
  'src',
  'workers',
  'index.html',
  'headless.html',
  'vite.config.ts',
  'package-lock.json',
];

function newestSource() {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const path of SOURCES) if (existsSync(join(root, path))) visit(join(root, path));
  return newest;
}

export async function ensureBuilt() {
  const built = join(root, 'dist/_headers');
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource()) return;
  process.stderr.write('procbox: building the app…\n');
  const { build } = await import('vite');
  await build({ root, logLevel: 'error' });
}
