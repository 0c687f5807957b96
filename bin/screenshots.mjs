#!/usr/bin/env node
/**
 * Takes the README's screenshots into docs/: the examples gallery and the Share dialog, with
 * an example that has run; a lesson after a failed Check; the light theme with a traceback
 * marked in the editor; a phone in Chinese; the embed; the Timeline; a deadlock; the
 * Preview. Usage:
 * node bin/screenshots.mjs
 */
import { join } from 'node:path';
import { ensureBuilt, root } from './build.mjs';
import { launchChromium } from './driver.mjs';
import { serveStatic } from './static-server.mjs';
import { preview } from 'vite';

/** A page of the workspace, served by http.server, for the Preview's picture. */
const PREVIEW_PROGRAM = `import http.server, os

with open("index.html", "w") as f:
    f.write("""<!doctype html><title>Hello</title>
<link rel="stylesheet" href="style.css">
<h1>Hello from http.server</h1>
<p>This page is a file in the workspace, served by a Python process in this tab.</p>
<form method="get" action="/"><input name="q" placeholder="Search"> <button>Go</button></form>""")
with open("style.css", "w") as f:
    f.write("body { font: 16px system-ui; margin: 2rem; } h1 { color: #2b6cb0; }")

http.server.test(HandlerClass=http.server.SimpleHTTPRequestHandler, port=8000, bind="127.0.0.1")
`;

/** Threads that fail: the traceback's lines are links, and the failing line is marked. */
const FAILING_PROGRAM = `import threading

def worker(n):
    print(f"worker {n} dividing")
    return 10 / (n - 2)

threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(1 / 0)
`;

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

/** A page of its own (theme, language, size), ready to run. */
async function readyPage(options, query = '') {
  const context = await browser.newContext(options);
  const next = await context.newPage();
  await next.goto(server.url + query);
  await next.waitForFunction(() => /Ready|就绪/.test(window.__procbox?.consoleText() ?? ''), null, {
    timeout: 120_000,
  });
  return next;
}

const light = await readyPage({ viewport: { width: 1280, height: 760 }, colorScheme: 'light' });
await light.evaluate((code) => window.__procbox?.editorSetValue(code), FAILING_PROGRAM);
await light.getByTestId('run').click();
await light.waitForFunction(() => (window.__procbox?.editorFailures().length ?? 0) > 0);
await light.screenshot({ path: join(root, 'docs/light-traceback.png') });

const phone = await readyPage({
  viewport: { width: 390, height: 844 },
  locale: 'zh-CN',
  deviceScaleFactor: 2,
});
await phone.getByTestId('open-examples').click();
await phone.getByTestId('example-15').click();
await phone.getByTestId('run').click();
await phone.waitForFunction(() => /finished|结束/.test(window.__procbox?.consoleText() ?? ''));
await phone.screenshot({ path: join(root, 'docs/phone-zh.png') });

const snippet = await page.getByTestId('share-embed').inputValue(); // the dialog is open
const embed = await browser.newPage({ viewport: { width: 900, height: 520 } });
await embed.goto(/<iframe src="([^"]+)"/.exec(snippet)[1]);
await embed.waitForFunction(() => /Ready/.test(window.__procbox?.consoleText() ?? ''), null, {
  timeout: 120_000,
});
await embed.getByTestId('run').click();
await embed.waitForFunction(() => /bob got/.test(window.__procbox?.consoleText() ?? ''));
await embed.screenshot({ path: join(root, 'docs/embed.png') });

const timeline = await readyPage({ viewport: { width: 1440, height: 900 } });
await timeline.getByTestId('open-examples').click();
await timeline.getByTestId('example-15').click();
await timeline.getByTestId('show-timeline').click();
await timeline.getByTestId('run').click();
await timeline.waitForFunction(() => /finished/.test(window.__procbox?.consoleText() ?? ''));
await timeline.waitForTimeout(1000); // the panel's last read after the run
// A write's dot clicked (its lines selected in the console) and hovered (what it printed).
const canvas = await timeline.getByTestId('timeline').locator('canvas').boundingBox();
const { marks } = await timeline.evaluate(() => window.__procbox.timeline());
const mark = marks[Math.floor(marks.length / 2)];
await timeline.mouse.click(canvas.x + mark.x, canvas.y + mark.y);
await timeline.mouse.move(canvas.x + mark.x, canvas.y + mark.y + 1);
await timeline.waitForTimeout(300);
await timeline.screenshot({ path: join(root, 'docs/timeline.png') });

// Lesson 08's starter deadlocks: the console names the cycle, the Timeline draws it in red.
const deadlock = await readyPage({ viewport: { width: 1440, height: 900 } }, '?lesson=08-deadlock');
await deadlock.getByTestId('show-timeline').click();
await deadlock.getByTestId('run').click();
await deadlock.waitForFunction(() => /deadlock:/.test(window.__procbox?.consoleText() ?? ''));
await deadlock.waitForTimeout(1200); // the panel's next read
await deadlock.screenshot({ path: join(root, 'docs/deadlock.png') });
await deadlock.getByTestId('stop').click();

// The Preview: http.server serving a page from the workspace. `vite preview` serves the
// preview origin beside the playground (vite.config.ts); the CLI's static server does not.
const previewServer = await preview({
  root,
  preview: { port: 4391, strictPort: true },
  logLevel: 'silent',
});
const previewContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
const previewPage = await previewContext.newPage();
await previewPage.goto('http://localhost:4391/');
await previewPage.waitForFunction(() => /Ready/.test(window.__procbox?.consoleText() ?? ''), null, {
  timeout: 120_000,
});
await previewPage.evaluate((code) => window.__procbox?.editorSetValue(code), PREVIEW_PROGRAM);
await previewPage.getByTestId('run').click();
await previewPage.waitForFunction(() => /Serving HTTP/.test(window.__procbox?.consoleText() ?? ''));
await previewPage.getByTestId('show-preview').click();
await previewPage
  .frameLocator('[data-testid=preview-frame]')
  .locator('h1')
  .waitFor({ timeout: 60_000 });
await previewPage.waitForTimeout(500); // the server's log lines reach the console
await previewPage.screenshot({ path: join(root, 'docs/preview.png') });
await previewContext.close();
await previewServer.close();

await browser.close();
server.close();
console.log(
  'docs/gallery.png, docs/share.png, docs/lesson.png, docs/light-traceback.png, docs/phone-zh.png, docs/embed.png, docs/timeline.png, docs/deadlock.png, docs/preview.png',
);
