#!/usr/bin/env node
/**
 * Takes the README's screenshots into docs/: the examples gallery and the Share dialog, with
 * an example that has run, and a lesson after a failed Check. Usage: node bin/screenshots.mjs
 */
import { join } from 'node:path';
import { ensureBuilt, root } from './build.mjs';
import { launchChromium } from './driver.mjs';
import { serveStatic } from './static-server.mjs';

await ensureBuilt();
const server = await serveStatic(join(root, 'dist'));
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
const consoleText = () => page.evaluate(() => window.__procbox?.consoleText() ?? '');
const until = async (test) => {
  for (let i = 0; i < 600 && !test(await consoleText()); i++) await page.waitForTimeout(100);
};

await page.goto(server.url);
await until((text) => /Ready/.test(text));
await page.getByTestId('open-examples').click();
await page.getByTestId('example-18').click();
await page.getByTestId('run').click();
await until((text) => (text.match(/bob got/g) ?? []).length === 2);
await page.getByTestId('open-examples').click();
await page.screenshot({ path: join(root, 'docs/gallery.png') });
await page.getByTestId('gallery-close').click();
await page.getByTestId('share').click();
await page.screenshot({ path: join(root, 'docs/share.png') });

const lesson = await browser.newPage({ viewport: { width: 1280, height: 760 } });
await lesson.goto(new URL('?lesson=05-lock-race', server.url).href);
await lesson.waitForFunction(() => /Ready/.test(window.__procbox?.consoleText() ?? ''), null, {
  timeout: 120_000,
});
await lesson.getByTestId('check').click();
await lesson
  .getByTestId('check-summary')
  .filter({ hasText: /checks passed/ })
  .waitFor({ timeout: 120_000 });
await lesson.screenshot({ path: join(root, 'docs/lesson.png') });
await browser.close();
server.close();
console.log('docs/gallery.png, docs/share.png, docs/lesson.png');
