import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './bin/driver.mjs';

/** Tests run against the production build (`npm run build`), served with the real headers. */
const port = 4173;
const baseURL = process.env.PROCBOX_BASE_URL ?? `http://localhost:${port}/`;

export default defineConfig({
  testDir: 'tests/e2e',
  globalTeardown: './tests/e2e/global-teardown.ts',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  // One retry in CI, so that a flake is reported as "flaky" (and chased) without blocking a
  // landing. The last one was a lost thread wake-up, fixed with @green.unpreemptible.
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL,
    trace: 'on-first-retry',
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
  },
  webServer: process.env.PROCBOX_BASE_URL
    ? undefined
    : {
        command: `npx vite preview --port ${port} --strictPort`,
        url: baseURL,
        reuseExistingServer: !process.env.CI,
        timeout: 60_000,
      },
});
