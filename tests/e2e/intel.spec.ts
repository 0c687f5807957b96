/**
 * The learner's editor (src/intel/): marks while typing (Ruff, in the intel worker), and
 * completion, hover and signature help from the Python processes run on. Driven as a user
 * types; the marks are read from Monaco through the module's hook (window.__procboxIntel).
 */
import { expect, test, type Page } from '@playwright/test';
import type {} from '../../src/intel';

interface Marker {
  message: string;
  code?: string | { value: string };
  severity: number;
  startLineNumber: number;
  startColumn: number;
}

/** The page with the intel module loaded and the editor rebuilt with its contributions. */
async function open(page: Page) {
  await page.goto('/');
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const intel = window.__procboxIntel;
          const editor = intel?.monaco.editor.getEditors()[0];
          return !!editor?.getContribution('editor.contrib.suggestController');
        }),
      { timeout: 90_000 },
    )
    .toBe(true);
}

/** Replaces the buffer, then types `typed` at its end, key by key. */
async function typeAtEnd(page: Page, before: string, typed: string) {
  await page.evaluate((text) => window.__procbox?.editorSetValue(text), before);
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(typed, { delay: 20 });
}

const lintMarkers = (page: Page) =>
  page.evaluate(() => {
    const monaco = window.__procboxIntel!.monaco;
    return monaco.editor.getModelMarkers({ owner: 'procbox-lint' }) as Marker[];
  });

const suggestions = (page: Page) =>
  page.locator('.suggest-widget .monaco-list-row').allInnerTexts();

test('a syntax error is marked while typing, and goes once fixed', async ({ page }) => {
  await open(page);
  await typeAtEnd(page, 'count = 0\n', 'if count > 0\n');
  await expect
    .poll(async () => (await lintMarkers(page)).map((m) => [m.startLineNumber, m.message]))
    .toContainEqual([2, expect.stringMatching(/(SyntaxError|语法错误).*:/)]);
  const [mark] = await lintMarkers(page);
  expect(mark.severity).toBe(8); // MarkerSeverity.Error
  // The colon and a body typed in: the mark goes.
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('End');
  await page.keyboard.type(':');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.type('    print(count)');
  await expect.poll(async () => (await lintMarkers(page)).length).toBe(0);
});

test('an undefined name is marked while typing', async ({ page }) => {
  await open(page);
  await typeAtEnd(page, 'total = 1\n', 'print(totl)');
  await expect
    .poll(async () => (await lintMarkers(page)).map((m) => m.message))
    .toContainEqual(expect.stringMatching(/`totl`/));
  const marks = await lintMarkers(page);
  const undefinedName = marks.find((m) => /totl/.test(m.message))!;
  expect(undefinedName).toMatchObject({ startLineNumber: 2, startColumn: 7, severity: 8 });
  expect(JSON.stringify(undefinedName.code)).toContain('F821');
});

test('threading. offers Thread and Lock from the real threading module', async ({ page }) => {
  await open(page);
  await typeAtEnd(page, 'import threading\n', 'threading.');
  await page.keyboard.press('Control+Space');
  // The list shows the module's names (a few rows at a time); typing narrows it.
  await expect
    .poll(() => suggestions(page), { timeout: 60_000 })
    .toContainEqual(expect.stringMatching(/^Barrier\b/));
  await page.keyboard.type('Thr');
  await expect.poll(() => suggestions(page)).toContainEqual(expect.stringMatching(/^Thread\b/));
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('Lo');
  await expect.poll(() => suggestions(page)).toContainEqual(expect.stringMatching(/^Lock\b/));
});

test('sock. offers the socket methods once sock = socket.socket()', async ({ page }) => {
  await open(page);
  await typeAtEnd(page, 'import socket\nsock = socket.socket()\n', 'sock.re');
  await page.keyboard.press('Control+Space');
  await expect
    .poll(() => suggestions(page), { timeout: 60_000 })
    .toContainEqual(expect.stringMatching(/^recv\b/));
  // Inside `with socket.socket() as s:` too.
  await page.keyboard.press('Escape');
  await typeAtEnd(page, 'import socket\nwith socket.socket() as s:\n    ', 's.sen');
  await page.keyboard.press('Control+Space');
  await expect.poll(() => suggestions(page)).toContainEqual(expect.stringMatching(/^sendall\b/));
});

test('hovering print shows its signature and documentation', async ({ page }) => {
  await open(page);
  await page.evaluate(() => window.__procbox?.editorSetValue('print("hello")\n'));
  const word = page.locator('.monaco-editor .view-line span', { hasText: /^print/ }).first();
  await word.hover({ position: { x: 8, y: 5 } });
  const hover = page.locator('.monaco-hover:visible');
  await expect(hover).toContainText('def print(', { timeout: 60_000 });
  await expect(hover).toContainText('sep=');
  await expect(hover).toContainText('Prints the values to a stream');
});

test('typing threading.Thread( shows its parameters, the current one marked', async ({ page }) => {
  await open(page);
  await typeAtEnd(page, 'import threading\n', 't = threading.Thread(');
  const hints = page.locator('.parameter-hints-widget');
  await expect(hints).toContainText('Thread(group=None, target=None', { timeout: 60_000 });
  await expect(hints.locator('.parameter.active')).toHaveText('group=None');
  await page.keyboard.type('None, ');
  await expect(hints.locator('.parameter.active')).toHaveText('target=None');
});
