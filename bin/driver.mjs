/**
 * Drives the Procbox sandbox in headless Chromium: used by `procbox run`, the tests and the
 * benchmarks. The page is headless.html, which holds the kernel and nothing else.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

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

/**
 * Opens the headless runner in a new page. `onOutput(chunk)` sees every output chunk in
 * arrival order. `snapshotCache`: the URL of a folder that keeps the memory snapshot across
 * browser profiles (the CLI's, served by bin/static-server.mjs).
 */
export async function openRunner(
  browser,
  baseURL,
  { onOutput = () => {}, onNotice = () => {}, onFiles = null, snapshotCache = null } = {},
) {
  const page = await browser.newPage();
  await page.exposeFunction('procboxOutput', (chunks) => {
    for (const chunk of chunks) onOutput(chunk);
  });
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
    close: () => page.close(),
  };
}
