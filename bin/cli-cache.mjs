/**
 * Where `procbox run` and `procbox check` keep what outlives a browser profile: the memory
 * snapshot Pyodide boots from. PROCBOX_CACHE_DIR, else $XDG_CACHE_HOME/procbox, else
 * ~/.cache/procbox (a temporary folder if that cannot be made). Served to the page by
 * bin/static-server.mjs under CACHE_PATH.
 */
import { mkdirSync } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const CACHE_PATH = '/__procbox-cache/';

export function cacheDir() {
  const dir =
    process.env.PROCBOX_CACHE_DIR ||
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'procbox');
  try {
    mkdirSync(dir, { recursive: true });
    return dir;
  } catch {
    // A home that cannot be written (a locked-down CI runner): the system's temporary folder.
    const fallback = join(tmpdir(), `procbox-cache-${userInfo().uid}`);
    mkdirSync(fallback, { recursive: true });
    return fallback;
  }
}
