/**
 * Drives the Procbox sandbox in headless Chromium: used by `procbox run`, the tests and the
 * benchmarks. The page is headless.html, which holds the kernel and nothing else.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { root } from './build.mjs';
import { CACHE_PATH, cacheDir } from './cli-cache.mjs';
import { serveStatic } from './static-server.mjs';

/** Flags for Chromium on a machine with a closed network (see the README). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** PROCBOX_CHROMIUM, then Playwright's own browser, then Debian's. */
export function findChromium() {
  const candidates = [process.env.PROCBOX_CHROMIUM];
  try {
    candidates.push(chromium.executablePath());
  } catch {
    // Playwright has no browser of its own here.
  }
  candidates.push('/usr/bin/chromium', '/usr/bin/chromium-browser');
  const found = candidates.find((path) => path && existsSync(path));
  if (!found) {
    throw new Error('No Chromium found: install Debian\'s "chromium" or set PROCBOX_CHROMIUM.');
  }
  return found;
}

export function launchChromium() {
  return chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
}

/** The built app served with the cache folder beside it (cli-cache.mjs), and a browser: what
 * `procbox` runs on, in its own process or in the daemon. `snapshotCache` is for openRunner. */
export async function startApp() {
  const [server, browser] = await Promise.all([
    serveStatic(join(root, 'dist'), { cache: cacheDir() }),
    launchChromium(),
  ]);
  const snapshotCache = new URL(CACHE_PATH, server.url).href;
  return {
    server,
    browser,
    snapshotCache,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Opens the headless runner in a new page. `onOutput(chunk)` sees every output chunk in
 * arrival order; or `onChunks(chunks)` each batch, and the page waits for what it returns. `snapshotCache`: the URL of a folder that keeps the memory snapshot across
 * browser profiles (the CLI's, served by bin/static-server.mjs).
 */
export async function openRunner(
  browser, // or a BrowserContext: its pages share their caches
  baseURL,
  {
    onOutput = () => {},
    onChunks = null,
    onNotice = () => {},
    onFiles = null,
    snapshotCache = null,
  } = {},
) {
  const page = await browser.newPage();
  // What the exposed function returns is awaited by the page: a caller's back-pressure.
  await page.exposeFunction('procboxOutput', (chunks) =>
    onChunks ? onChunks(chunks) : chunks.forEach(onOutput),
  );
  await page.exposeFunction('procboxNotice', (key, detail) => onNotice(key, detail));
  // Only for a caller that wants them: each change crosses to Node whole.
  if (onFiles) await page.exposeFunction('procboxFiles', (changes) => onFiles(changes));
  const url = new URL('headless.html', baseURL);
  if (snapshotCache) url.searchParams.set('snapshotCache', snapshotCache);
  await page.goto(url.href);
  // Where the host sends no headers, the page reloads once to become isolated.
  await page.waitForFunction(
    () => window.crossOriginIsolated && window.procboxHeadless !== undefined,
  );
  const boot = await page.evaluate(() => window.procboxHeadless.ready);
  return {
    page,
    /** Where the memory snapshot came from: `made`, `browser cache` or `cache folder`. */
    boot,
    /** Resolves with the exit code of the last entry. */
    run: (request) => page.evaluate((r) => window.procboxHeadless.run(r), request),
    stop: () => page.evaluate(() => window.procboxHeadless.stop()),
    stopAfterGrace: () => page.evaluate(() => window.procboxHeadless.stopAfterGrace()),
    writeStdin: (text) => page.evaluate((t) => window.procboxHeadless.writeStdin(t), text),
    closeStdin: () => page.evaluate(() => window.procboxHeadless.closeStdin()),
    endOfFile: () => page.evaluate(() => window.procboxHeadless.endOfFile()),
    resize: (columns, rows) =>
      page.evaluate(([c, r]) => window.procboxHeadless.resize(c, r), [columns, rows]),
    interrupt: () => page.evaluate(() => window.procboxHeadless.interrupt()),
    waitIdle: () => page.evaluate(() => window.procboxHeadless.waitIdle()),
    /** A fresh kernel in the same page, its workers kept booted: ready for another call. */
    fresh: () => page.evaluate(() => window.procboxHeadless.fresh()),
    chromeTrace: () => page.evaluate(() => window.procboxHeadless.chromeTrace()),
    close: () => page.close(),
  };
}

/** A run's outside end (a timeout): `stop()` ends it without the servers' grace. */
export function runControl() {
  let resolve;
  const stopping = new Promise((r) => (resolve = r));
  return {
    stopped: false,
    stopping,
    stop() {
      this.stopped = true;
      resolve(null);
    },
  };
}

/**
 * One `procbox run` on a runner, wherever its page lives (here, or in the daemon): runs the
 * request; once its last entry has exited, the others (servers) get their grace; then every
 * process is stopped and the last output delivered. Resolves with the call's last message:
 * the last entry's exit code (null when `control` stopped it first), and with `withTrace` the
 * run's timeline as Chrome Trace Event JSON.
 */
export async function runToEnd(runner, request, control = runControl(), withTrace = false) {
  const code = await Promise.race([runner.run(request), control.stopping]);
  if (!control.stopped && request.entries.length > 1) await runner.stopAfterGrace();
  await runner.stop();
  await runner.waitIdle();
  const trace = withTrace ? await runner.chromeTrace() : undefined;
  return { type: 'exit', code: control.stopped ? null : code, trace };
}

/** `procbox check` on a runner: the lesson's checks, worded in `locale`, once all is idle. */
export async function checkLesson(runner, { lessonFiles, learnerFiles, locale }) {
  const outcome = await runner.page.evaluate(
    ([lesson, learner, loc]) => window.procboxHeadless.check(lesson, learner, loc),
    [lessonFiles, learnerFiles, locale],
  );
  await runner.waitIdle();
  return outcome;
}
