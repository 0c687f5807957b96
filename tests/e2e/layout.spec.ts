/**
 * The layout on every screen and from the keyboard: the phone's pane tabs, nothing clipped at
 * 1024 px, splitters that resize and fold and are remembered, theme and text size, the file
 * tabs' arrow keys, a keyboard-only walkthrough, and Python's start-up.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { messages } from '../../src/i18n';

const consoleText = (page: Page) => page.evaluate(() => window.__procbox?.consoleText() ?? '');

async function open(page: Page, path = '/') {
  await page.goto(path);
  await expect.poll(() => consoleText(page), { timeout: 90_000 }).toMatch(/Ready/);
}

/** The element is shown and lies wholly inside the viewport (nothing to scroll to reach it). */
async function expectOnScreen(page: Page, target: Locator) {
  await expect(target).toBeVisible();
  const box = (await target.boundingBox())!;
  const view = page.viewportSize()!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(view.width + 0.5);
  expect(box.y + box.height).toBeLessThanOrEqual(view.height + 0.5);
}

/** Presses `key` until `target` has the focus; in the editor, Escape first, as its label says. */
async function pressUntilFocused(page: Page, key: string, target: Locator, most = 40) {
  for (let i = 0; i < most; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    const inEditor = await page.evaluate(
      () => document.activeElement?.closest('.monaco-editor') !== null,
    );
    if (inEditor) await page.keyboard.press('Escape');
    await page.keyboard.press(key);
  }
  throw new Error(`${key} never reached ${target}`);
}

test('on a phone one pane shows at a time, every control can be reached and used', async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page);
  const tab = (view: string) => page.locator(`[data-testid=phone-tabs] [data-view=${view}]`);
  for (const id of ['run', 'stop', 'start-method', 'tags-toggle', 'open-lessons']) {
    await expectOnScreen(page, page.getByTestId(id));
  }
  for (const id of ['open-examples', 'share', 'settings', 'locale']) {
    await expectOnScreen(page, page.getByTestId(id));
  }
  await expectOnScreen(page, page.getByTestId('editor'));
  await expect(page.getByTestId('console')).toBeHidden();

  // Notes written while the console was hidden are laid out again at its width once shown: a
  // long one is wrapped by the terminal only where a space was (the row before each wrap ends
  // in one), and reads back unchanged.
  await tab('console').click();
  const notesWrapped = async () => {
    const rows = await page.evaluate(() => window.__procbox?.consoleRows() ?? []);
    const wraps = rows.flatMap((row, i) => (row.wrapped && i > 0 ? [rows[i - 1]] : []));
    return wraps.length > 0 && wraps.every((before) => before.spaceAtEnd);
  };
  await expect.poll(notesWrapped).toBe(true);
  // Polled: a resize in between is the terminal's own reflow for 150 ms (ui/console.ts) until
  // the notes are laid out again.
  await expect
    .poll(() => consoleText(page))
    .toMatch(/Ready\. Press Run \(Ctrl\+Enter\) to start \S+\./);
  await tab('editor').click();

  // Run brings the console to the front.
  await page.getByTestId('run').click();
  await expect(tab('console')).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => consoleText(page), { timeout: 60_000 }).toContain('Worker process');
  await expectOnScreen(page, page.getByTestId('console'));
  await expectOnScreen(page, page.getByTestId('command-line'));
  await page.getByTestId('command-line').fill('help');
  await page.getByTestId('command-line').press('Enter');
  await expect.poll(() => consoleText(page)).toContain('this list');
  // The narrow console's help breaks between words: no row is the terminal's own wrap, and
  // every word is whole on some row.
  const rows = await page.evaluate(() => window.__procbox?.consoleRows() ?? []);
  const help = rows.slice(rows.findIndex((row) => row.text.startsWith('Commands:')));
  expect(help.length).toBeGreaterThan(12);
  expect(help.filter((row) => row.wrapped)).toEqual([]);
  const shown = help.map((row) => row.text).join('\n');
  for (const word of messages.en.commandHelp.split(/\s+/)) expect(shown).toContain(word);

  await tab('processes').click();
  // Its first column in view; the rest scroll sideways within the pane.
  await expectOnScreen(page, page.getByTestId('proc-row').first().locator('td').first());
  await expect(page.getByTestId('console')).toBeHidden();

  // A lesson gets a tab of its own, and Check's results are in it.
  await page.getByTestId('open-lessons').click();
  await page.getByTestId('lesson-01-first-process').click();
  await expect(tab('lesson')).toHaveAttribute('aria-selected', 'true');
  await expectOnScreen(page, page.getByTestId('check'));
  await expect(page.getByTestId('lesson-text')).toBeVisible();
  await page.getByTestId('check').click();
  await expect(page.getByTestId('check-summary')).not.toBeEmpty({ timeout: 60_000 });
  await tab('editor').click();
  await expectOnScreen(page, page.getByTestId('tab').first());
  await page.getByTestId('lesson-leave').evaluate((el) => (el as HTMLElement).click());
  await expect(tab('lesson')).toBeHidden();
});

test('at 1024 px nothing is cut: the lesson header wraps, the process list scrolls', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await open(page, '/?lesson=01-first-process');
  const pane = (await page.getByTestId('lesson-pane').boundingBox())!;
  for (const id of ['check', 'lesson-reset', 'lesson-leave']) {
    const button = page.getByTestId(id);
    const box = (await button.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(pane.x + pane.width + 0.5);
    // The label fits its button.
    expect(await button.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  }
  // The process list's last column can be scrolled into view within its pane.
  const sockets = page.locator('[data-testid=process-list] th').last();
  await sockets.scrollIntoViewIfNeeded();
  const list = (await page.locator('.processes').boundingBox())!;
  const column = (await sockets.boundingBox())!;
  expect(column.x + column.width).toBeLessThanOrEqual(list.x + list.width + 0.5);
});

test('splitters resize and fold panes, by mouse and keyboard, and are remembered', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await open(page);
  const editorPane = page.locator('.editor-pane');
  const before = (await editorPane.boundingBox())!.width;
  const splitter = page.getByTestId('splitter-side');
  const grip = (await splitter.boundingBox())!;
  await page.mouse.move(grip.x + 2, grip.y + 200);
  await page.mouse.down();
  await page.mouse.move(grip.x - 250, grip.y + 200, { steps: 5 });
  await page.mouse.up();
  const dragged = (await editorPane.boundingBox())!.width;
  expect(before - dragged).toBeGreaterThan(200);
  expect(before - dragged).toBeLessThan(300);

  // The keyboard: the arrow keys move it, Enter folds the process list away and back.
  const rows = page.getByTestId('splitter-processes');
  await rows.focus();
  const share = await rows.getAttribute('aria-valuenow');
  await page.keyboard.press('ArrowUp');
  await expect(rows).not.toHaveAttribute('aria-valuenow', share!);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('process-list')).toBeHidden();
  await page.reload();
  await expect.poll(() => consoleText(page), { timeout: 90_000 }).toMatch(/Ready/);
  await expect(page.getByTestId('process-list')).toBeHidden();
  expect(Math.abs((await editorPane.boundingBox())!.width - dragged)).toBeLessThan(3);
  await rows.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('process-list')).toBeVisible();
});

test('the theme and the text size are chosen in View and kept after a reload', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await open(page);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByTestId('settings').locator('summary').click();
  await page.getByTestId('theme').selectOption('light');
  await page.getByTestId('font-size').selectOption('18');
  const check = async () => {
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await expect(page.locator('.monaco-editor').first()).toHaveClass(/\bvs\b/);
    await expect(page.locator('.xterm-scrollable-element')).toHaveCSS(
      'background-color',
      'rgb(255, 255, 255)',
    );
    await expect(page.locator('.monaco-editor .view-lines')).toHaveCSS('font-size', '18px');
    await expect(page.locator('.xterm-rows')).toHaveCSS('font-size', '17px');
  };
  await check();
  await page.reload();
  await expect.poll(() => consoleText(page), { timeout: 90_000 }).toMatch(/Ready/);
  await check();
  // "As the system" follows the system's setting.
  await page.getByTestId('settings').locator('summary').click();
  await page.getByTestId('theme').selectOption('system');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('keyboard only: open an example, run it, reach the console and the command line, open a lesson and Check', async ({
  page,
}) => {
  await open(page);
  await page.locator('body').focus();
  await pressUntilFocused(page, 'Tab', page.getByTestId('open-examples'));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('gallery')).toBeVisible();
  await pressUntilFocused(page, 'Tab', page.getByTestId('example-07'));
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-testid=tab].active')).toContainText('07_');
  // The editor has the focus; Ctrl+Enter runs, Esc then Tab leaves the editor.
  const editorFocused = () =>
    page.evaluate(() => document.activeElement?.closest('.monaco-editor') !== null);
  await expect.poll(editorFocused).toBe(true);
  await page.keyboard.press('Control+Enter');
  await expect.poll(() => consoleText(page), { timeout: 60_000 }).toMatch(/exit 0/);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  expect(await editorFocused()).toBe(false);
  await pressUntilFocused(page, 'Tab', page.locator('.xterm-helper-textarea'));
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('command-line')).toBeFocused();
  await page.keyboard.type('help');
  await page.keyboard.press('Enter');
  await expect.poll(() => consoleText(page)).toContain('curl');

  await pressUntilFocused(page, 'Tab', page.getByTestId('open-lessons'));
  await page.keyboard.press('Enter');
  await pressUntilFocused(page, 'Tab', page.getByTestId('lesson-01-first-process'));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lesson-pane')).toBeVisible();
  await pressUntilFocused(page, 'Tab', page.getByTestId('check'));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('check-result').first()).toBeVisible({ timeout: 60_000 });
});

test('file tabs are ARIA tabs: one in the Tab order, the arrow keys open the next file', async ({
  page,
}) => {
  await open(page);
  page.on('dialog', (dialog) => void dialog.accept('second.py'));
  await page.getByTestId('new-file').click();
  const tabs = page.locator('[data-testid=tabs] [role=tab]');
  await expect(tabs).toHaveCount(2);
  await expect(page.getByRole('tablist', { name: 'Files' })).toHaveAttribute(
    'aria-owns',
    'file-tab-0 file-tab-1',
  );
  await expect(tabs.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(tabs.nth(0)).toHaveAttribute('tabindex', '-1');
  await tabs.nth(1).focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('[data-testid=tab].active')).toHaveAttribute('data-path', 'main.py');
  await expect(page.locator('[data-testid=tabs] [role=tab][data-path="main.py"]')).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.locator('[data-testid=tab].active')).toHaveAttribute('data-path', 'second.py');
});

test('while Python starts a progress bar shows, and Run pressed meanwhile runs once it is ready', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByTestId('boot-progress')).toBeVisible();
  await expect(page.locator('.boot-stage')).toHaveText(/Downloading|Preparing|Starting/);
  await page.getByTestId('run').click();
  await expect.poll(() => consoleText(page)).toContain('the run begins as soon as it is ready');
  await expect.poll(() => consoleText(page), { timeout: 90_000 }).toContain('[2] Worker process');
  await expect(page.getByTestId('boot-progress')).toBeHidden();
});

test('at 1440, 1024 and 390 px every shown control lies on screen with its label whole', async ({
  page,
}) => {
  await open(page, '/?lesson=02-queue');
  for (const [width, height] of [
    [1440, 900],
    [1024, 768],
    [390, 844],
  ]) {
    await page.setViewportSize({ width, height });
    await expect(page.getByTestId('phone-tabs')).toBeVisible({ visible: width <= 600 });
    await page.getByTestId('settings').evaluate((el) => ((el as HTMLDetailsElement).open = true));
    const problems = await page.evaluate(() => {
      const found: string[] = [];
      const controls = document.querySelectorAll<HTMLElement>(
        'header button, header select, header summary, .file-bar button, .file-bar input, .phone-tabs button, .lesson-pane button, [data-testid=command-line]',
      );
      for (const el of controls) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || el.closest('[hidden]')) continue; // not shown here
        const name = el.dataset.testid ?? el.dataset.view ?? el.textContent;
        if (box.left < 0 || box.right > innerWidth + 0.5) found.push(`${name} off screen`);
        if (el.tagName === 'BUTTON' && el.scrollWidth > el.clientWidth + 1) {
          found.push(`${name} label cut`);
        }
      }
      return found;
    });
    expect(problems, `${width}×${height}`).toEqual([]);
    await page.getByTestId('settings').evaluate((el) => ((el as HTMLDetailsElement).open = false));
  }
});
