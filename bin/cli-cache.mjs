/**
 * Where `procbox run` and `procbox check` keep what outlives a browser profile: the memory
 * snapshot Pyodide boots from. PROCBOX_CACHE_DIR, else $XDG_CACHE_HOME/procbox, else
 * ~/.cache/procbox. Served to the page by bin/static-server.mjs under CACHE_PATH.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CACHE_PATH = '/__procbox-cache/';

export function cacheDir() {
  const dir =
    process.env.PROCBOX_CACHE_DIR ||
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'procbox');
  mkdirSync(dir, { recursive: true });
  return dir;
}
