/** The embeddable view inside another site's page, as a blog post would frame it. */
import { createServer, type Server } from 'node:http';
import { expect, test, type Frame } from '@playwright/test';
import { savedItem } from './saved-items';

/** A page on another origin (another port) that frames the given URL, like a blog post. */
async function blogPage(embedSrc: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(
      `<!doctype html><h1>A post</h1><iframe src="${embedSrc}" width="900" height="520"></iframe>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/`, server };
}

const consoleText = (frame: Frame) => frame.evaluate(() => window.__procbox?.consoleText() ?? '');

test('the Share dialog’s embed snippet runs the playground inside another site’s page', async ({
  page,
  baseURL,
}) => {
  await page.goto('/');
  await expect
    .poll(() => page.evaluate(() => window.__procbox?.consoleText() ?? ''), { timeout: 90_000 })
    .toMatch(/Ready/);
  await page.getByTestId('open-examples').click();
  await page.getByTestId('example-10').click();
  await page.getByTestId('share').click();
  const snippet = await page.getByTestId('share-embed').inputValue();
  const src = /<iframe src="([^"]+)"/.exec(snippet)![1];
  expect(src.startsWith(new URL('embed.html#v1:', baseURL).href)).toBe(true);
  await expect.poll(() => savedItem(page, 'procbox.workspace.v1')).toContain('10_threaded_server');
  const saved = await savedItem(page, 'procbox.workspace.v1');

  const blog = await blogPage(src);
  try {
    const reader = await page.context().newPage();
    await reader.goto(blog.url);
    const frame = reader.frame({ url: /embed\.html/ })!;
    expect(await frame.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect.poll(() => consoleText(frame), { timeout: 90_000 }).toMatch(/Ready/);
    await expect(frame.getByTestId('tab')).toHaveText([
      /10_threaded_server\.py/,
      /8888_client\.py/,
    ]);
    // Both file tabs fit the 900 px frame, and the console's text keeps off its edge.
    for (const tab of await frame.getByTestId('tab').all()) {
      await expect(tab).toBeInViewport({ ratio: 1 });
    }
    const rows = (await frame.locator('.xterm-rows').boundingBox())!;
    const body = (await frame.locator('.embed-body').boundingBox())!;
    expect(rows.x - body.x).toBeGreaterThanOrEqual(8);
    await frame.getByTestId('run').click();
    await expect
      .poll(() => consoleText(frame), { timeout: 60_000 })
      .toMatch(/bob got[\s\S]*bob got/);
    expect(await consoleText(frame)).toContain("Handling connection from ('127.0.0.1', ");
    await frame.getByTestId('stop').click();
    // The Timeline is a tab beside the console: lanes for the processes and threads, arrows.
    await frame.getByTestId('show-timeline').click();
    await expect(frame.getByTestId('console')).toBeHidden();
    const canvas = frame.getByTestId('timeline').locator('canvas');
    await expect(canvas).toHaveAttribute('aria-label', /: [2-9] lanes, [1-9]\d* arrows$/);
    await expect(frame.getByTestId('timeline-json')).toBeVisible();
    await frame.getByTestId('show-console').click();
    await expect(frame.getByTestId('console')).toBeVisible();
    // Edits in the embed stay in it: the reader's own workspace is untouched.
    await frame.evaluate(() => window.__procbox?.editorSetValue('print("edited in the embed")\n'));
    expect(await savedItem(page, 'procbox.workspace.v1')).toBe(saved);
    const full = await frame.getByTestId('open-full').getAttribute('href');
    expect(full).toMatch(/\/#v1:[A-Za-z0-9_-]+$/);
  } finally {
    blog.server.close();
  }
});
