import { join } from 'node:path';
import { serveStatic } from '../../bin/static-server.mjs';
import { expect, test } from '@playwright/test';

test('the static build works on a host that sends no headers', async ({ page }) => {
  const dist = join(new URL('../../', import.meta.url).pathname, 'dist');
  const server = await serveStatic(dist, { withHeaders: false });
  try {
    const chunks: string[] = [];
    await page.exposeFunction('procboxOutput', (batch: { text: string }[]) => {
      for (const c of batch) chunks.push(c.text);
    });
    await page.goto(new URL('headless.html', server.url).href);
    // The page registers the service worker and reloads once, isolated.
    await page.waitForFunction(() => crossOriginIsolated && window.procboxHeadless !== undefined);
    await page.evaluate(() => window.procboxHeadless.ready);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const code = await page.evaluate(() =>
      window.procboxHeadless.run({
        files: [{ path: 'hi.py', content: 'import os\nprint("isolated", os.getpid())\n' }],
        entries: ['hi.py'],
        startMethod: 'fork',
      }),
    );
    expect(code).toBe(0);
    expect(chunks.join('')).toBe('isolated 1\n');
  } finally {
    server.close();
  }
});
