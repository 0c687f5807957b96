import { expect, test as base, type Page } from '@playwright/test';
import { openRunner, type Runner } from '../../bin/driver.mjs';
import type { OutputChunk, StartMethod, WorkspaceFile } from '../../workers/protocol/kernel';

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Every chunk in arrival order, tagged with its pid. */
  chunks: OutputChunk[];
}

export interface Sandbox {
  runner: Runner;
  /** Runs the files (all entries unless given) and waits until no process is left; with
   * `stopRest`, stops the others once the last entry has exited (a server and its client). */
  run(
    files: WorkspaceFile[],
    options?: { entries?: string[]; startMethod?: StartMethod; stdin?: string; stopRest?: boolean },
  ): Promise<RunResult>;
  /** Starts a run without waiting for it: for tests that interrupt or stop it. */
  start(files: WorkspaceFile[], entries?: string[]): { done: Promise<RunResult>; output(): string };
  notices: string[];
}

export const script = (path: string, content: string): WorkspaceFile => ({ path, content });

/** The page answers within two seconds while processes run. */
export async function expectResponsive(page: Page): Promise<void> {
  const started = Date.now();
  expect(await page.evaluate(() => 1 + 1)).toBe(2);
  expect(Date.now() - started).toBeLessThan(2_000);
}

/** One booted sandbox per test worker: Pyodide's snapshot and warm pool are made once. */
export const test = base.extend<{ sandbox: Sandbox }, { worker: { runner: Runner; sink: Sink } }>({
  worker: [
    async ({ browser }, use, workerInfo) => {
      const sink = new Sink();
      const baseURL = workerInfo.project.use.baseURL ?? 'http://localhost:4173/';
      const runner = await openRunner(browser, baseURL, {
        onOutput: (chunk) => sink.chunks.push(chunk),
        onNotice: (key, detail) => sink.notices.push(`${key}:${detail}`),
      });
      await use({ runner, sink });
      await runner.close();
    },
    { scope: 'worker' },
  ],
  sandbox: async ({ worker }, use) => {
    const { runner, sink } = worker;
    sink.reset();
    const start = (
      files: WorkspaceFile[],
      entries?: string[],
      startMethod: StartMethod = 'fork',
      stopRest = false,
    ) => {
      const from = sink.chunks.length;
      const done = (async () => {
        const request = { files, entries: entries ?? files.map((f) => f.path), startMethod };
        const exitCode = await runner.run(request);
        if (stopRest) {
          // As `procbox run` ends: the last entry (a client) is done, so its server is stopped.
          await runner.stopAfterGrace();
        }
        await runner.waitIdle();
        return sink.result(exitCode, from);
      })();
      return { done, output: () => sink.text(from) };
    };
    await use({
      runner,
      notices: sink.notices,
      start: (files, entries) => start(files, entries),
      run: async (files, options = {}) => {
        const run = start(files, options.entries, options.startMethod, options.stopRest);
        if (options.stdin !== undefined) {
          await runner.writeStdin(options.stdin);
          await runner.closeStdin();
        }
        return run.done;
      },
    });
    await runner.stop();
    // The next test's output starts clean: what this one's processes wrote is all delivered.
    await runner.waitIdle();
  },
});

class Sink {
  chunks: OutputChunk[] = [];
  notices: string[] = [];
  reset() {
    this.chunks = [];
    this.notices.length = 0;
  }
  text(from: number, fd?: 1 | 2) {
    return this.chunks
      .slice(from)
      .filter((c) => fd === undefined || c.fd === fd)
      .map((c) => c.text)
      .join('');
  }
  result(exitCode: number, from: number): RunResult {
    return {
      exitCode,
      stdout: this.text(from, 1),
      stderr: this.text(from, 2),
      chunks: this.chunks.slice(from),
    };
  }
}

export { expect } from '@playwright/test';
