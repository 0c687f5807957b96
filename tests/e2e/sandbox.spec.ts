import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { expect, script, test } from './fixtures';

/** A local server that counts every request: the sandbox must never reach it. */
let canary: Server;
let hits = 0;
test.beforeAll(async () => {
  canary = createServer((_req, res) => {
    hits++;
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.end('export default 1');
  });
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
});
test.afterAll(() => canary.close());

test('Python can reach neither the network nor the saved files', async ({ sandbox }) => {
  const { port } = canary.address() as AddressInfo;
  const secret = 'procbox-secret-files-' + Math.random();
  await sandbox.runner.page.evaluate((s) => localStorage.setItem('procbox-test-secret', s), secret);
  const source = readFileSync(new URL('../fidelity/programs/escape.py', import.meta.url), 'utf8');
  const result = await sandbox.run([
    script('escape.py', source),
    script('canary_url.txt', `http://127.0.0.1:${port}/steal`),
  ]);
  const lines = result.stdout.trim().split('\n');
  expect(lines.length).toBe(19);
  for (const line of lines) expect(line).toContain(' blocked ');
  expect(result.stdout + result.stderr).not.toContain(secret);
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(hits).toBe(0);
});
