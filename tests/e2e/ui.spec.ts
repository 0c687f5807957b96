/** The playground as a user drives it: editor, Run, Stop, the console and the process list. */
import { expect, test, type Page } from '@playwright/test';
import { saveItem, savedItem } from './saved-items';

const consoleText = (page: Page) => page.evaluate(() => window.__procbox?.consoleText() ?? '');

async function open(page: Page) {
  await page.goto('/');
  await expect.poll(() => consoleText(page), { timeout: 90_000 }).toMatch(/Ready|就绪/);
}

async function setCode(page: Page, code: string) {
  await page.evaluate((text) => window.__procbox?.editorSetValue(text), code);
}

async function runAndWait(page: Page, text: string | RegExp) {
  await page.getByTestId('run').click();
  await expect.poll(() => consoleText(page), { timeout: 60_000 }).toMatch(text);
}

test('Run shows each process’s output with its [pid] tag; the toggle shows it plain, at once', async ({
  page,
}) => {
  await open(page);
  await runAndWait(page, /\[2\] Worker process/);
  await expect(page.getByTestId('proc-row')).toHaveCount(2);
  await expect(page.locator('[data-testid=proc-row][data-pid="2"]')).toHaveAttribute(
    'data-state',
    'exited',
  );
  // The toggle shows what is shown already without tags, and with them again.
  await page.getByTestId('tags-toggle').uncheck();
  await expect.poll(() => consoleText(page)).toMatch(/^Worker process$/m);
  expect(await consoleText(page)).not.toContain('[2] Worker process');
  await page.getByTestId('tags-toggle').check();
  await expect.poll(() => consoleText(page)).toContain('[2] Worker process');
  await page.getByTestId('tags-toggle').uncheck();
  await runAndWait(page, /^Worker process$/m);
});

test('typed lines reach input(), and a failing exit is reported', async ({ page }) => {
  await open(page);
  await setCode(page, 'name = input("name? ")\nprint("hello", name)\nraise SystemExit(3)\n');
  await runAndWait(page, /name\?$/m);
  await page.getByTestId('console').click();
  await page.keyboard.type('Ada 李');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('雷');
  await page.keyboard.press('Enter');
  await expect.poll(() => consoleText(page)).toContain('hello Ada 雷');
  await expect.poll(() => consoleText(page)).toContain('[process 1 exited with code 3]');
  await expect.poll(() => consoleText(page)).toMatch(/── finished: exit 3 in \d+\.\d s ──$/);
});

test('a traceback from a program written for an older Python gets a hint, in both languages', async ({
  page,
}) => {
  await open(page);
  await setCode(page, 'import asyncio\nloop = asyncio.get_event_loop()\n');
  await runAndWait(page, /RuntimeError: There is no current event loop in thread 'MainThread'\./);
  await expect.poll(() => consoleText(page)).toMatch(/Hint: [\s\S]*asyncio\.run\(main\(\)\)/);
  await page.getByTestId('locale').selectOption('zh-CN');
  await runAndWait(page, /提示：[\s\S]*asyncio\.run\(main\(\)\)/);
});

test("a traceback's line is a link to the file there, and its failure is marked in the editor", async ({
  page,
}) => {
  await open(page);
  await setCode(page, 'def fail():\n    raise ValueError("boom")\n\n\nfail()\n');
  await runAndWait(page, /ValueError: boom/);
  const failures = () => page.evaluate(() => window.__procbox!.editorFailures());
  await expect.poll(failures).toEqual([{ path: 'main.py', line: 2, message: 'ValueError: boom' }]);
  const place = 'File "/home/user/main.py", line 2';
  const row = page.locator('.xterm-rows > div', { hasText: place });
  await expect(row).toHaveCount(1);
  const box = (await row.boundingBox())!;
  const [columns] = await page.evaluate(() => window.__procbox!.consoleSize());
  const column = (await row.innerText()).indexOf(place) + 3; // inside "File"
  const cell = box.width / columns;
  // xterm finds a link as the pointer moves over it; the click then opens it.
  await expect(async () => {
    await page.mouse.move(box.x + (column + 0.5) * cell, box.y + box.height / 2);
    await page.mouse.click(box.x + (column + 0.5) * cell, box.y + box.height / 2);
    expect(await page.evaluate(() => window.__procbox!.editorCursor())).toEqual({
      path: 'main.py',
      line: 2,
      column: 5,
    });
  }).toPass({ timeout: 10_000 });
  // The next run starts unmarked.
  await setCode(page, 'print("fixed")\n');
  await runAndWait(page, /fixed/);
  expect(await failures()).toEqual([]);
});

test('Ctrl-C in the console raises KeyboardInterrupt in the running program', async ({ page }) => {
  await open(page);
  await setCode(page, 'import time\nprint("sleeping", flush=True)\ntime.sleep(60)\n');
  await runAndWait(page, /sleeping/);
  await page.getByTestId('console').click();
  await page.keyboard.press('Control+C');
  await expect.poll(() => consoleText(page)).toMatch(/time\.sleep\(60\)\n.*\n.*KeyboardInterrupt/);
  await expect.poll(() => consoleText(page)).toContain('[process 1 was ended by signal 2]');
});

test('Stop ends four spinning processes and the page stays responsive', async ({ page }) => {
  await open(page);
  await setCode(
    page,
    [
      'import multiprocessing as mp',
      'def spin():',
      '    while True:',
      '        pass',
      'if __name__ == "__main__":',
      '    for _ in range(3):',
      '        mp.Process(target=spin).start()',
      '    print("spinning", flush=True)',
      '    spin()',
      '',
    ].join('\n'),
  );
  await runAndWait(page, /spinning/);
  await expect(page.locator('[data-testid=proc-row][data-state=running]')).toHaveCount(4);
  // The page answers while they spin: switching the language works at once.
  await page.getByTestId('locale').selectOption('zh-CN');
  await expect(page.getByTestId('stop')).toHaveText('停止');
  await page.getByTestId('stop').click();
  await expect(page.locator('[data-testid=proc-row][data-state=exited]')).toHaveCount(4);
  // The run's end, in the page's language: SIGKILL ended its last entry.
  await expect.poll(() => consoleText(page)).toMatch(/── 结束：被信号 9 结束，用时 \d+\.\d 秒 ──$/);
});

test('edits survive a reload, and Run starts every ticked file in order', async ({ page }) => {
  await open(page);
  await setCode(page, 'print("from main, kept across reloads")\n');
  page.once('dialog', (dialog) => void dialog.accept('second.py'));
  await page.getByTestId('new-file').click();
  await expect(page.locator('[data-testid=tab][data-path="second.py"]')).toHaveClass(/active/);
  await setCode(page, 'print("from second")\n');
  await page.locator('[data-testid=entry][data-path="second.py"]').check();
  await page.locator('[data-testid=entry][data-path="main.py"]').check();
  await page.reload();
  await open(page);
  await expect(page.getByTestId('tab')).toHaveCount(2);
  await page.locator('[data-testid=tab][data-path="main.py"]').click();
  await expect(page.locator('.view-lines')).toContainText('from main, kept across reloads');
  // Started in tick order, so main.py is pid 1 and second.py pid 2; their output may interleave.
  await runAndWait(page, /\[2\] from second/);
  await expect.poll(() => consoleText(page)).toMatch(/run: main\.py → second\.py/);
  await expect.poll(() => consoleText(page)).toMatch(/\[1\] from main, kept across reloads/);
});

test('a corrupt saved workspace falls back to the example and is kept until an edit', async ({
  page,
}) => {
  await page.goto('/');
  await saveItem(page, 'procbox.workspace.v1', '{"files": 7');
  await open(page);
  await expect(page.locator('[data-testid=tab][data-path="main.py"]')).toBeVisible();
  expect(await savedItem(page, 'procbox.workspace.v1')).toBe('{"files": 7');
});

test('the process list shows a running thread under its process, then drops it', async ({
  page,
}) => {
  await open(page);
  await setCode(
    page,
    'import threading\nt = threading.Thread(target=input, name="reader")\nt.start()\nprint("waiting")\nt.join()\nprint("done")\n',
  );
  await runAndWait(page, /waiting/);
  const thread = page.getByTestId('thread-row');
  await expect(thread).toHaveCount(1);
  await expect(thread).toContainText('reader');
  await page.getByTestId('console').click();
  await page.keyboard.type('x');
  await page.keyboard.press('Enter');
  await expect.poll(() => consoleText(page), { timeout: 30_000 }).toMatch(/done/);
  await expect(thread).toHaveCount(0);
});

test('the console is a terminal: isatty, its size as it changes, \\r, colours, Ctrl-D once', async ({
  page,
}) => {
  await open(page);
  await setCode(
    page,
    `import os, shutil, sys
print("tty:", sys.stdin.isatty(), sys.stdout.isatty(), os.isatty(2))
size = os.get_terminal_size()
print("size:", size.columns, size.lines, tuple(shutil.get_terminal_size()) == tuple(size))
for i in range(3):
    print(f"progress {i}", end="\\r")
print("progress done")
print("\\x1b[32mgreen\\x1b[0m text")
print("read:", repr(sys.stdin.read()))
print("columns now:", input("more? "), os.get_terminal_size().columns)
`,
  );
  await runAndWait(page, /^\[1\] size: /m);
  const [columns, rows] = await page.evaluate(() => window.__procbox!.consoleSize());
  const text = await consoleText(page);
  expect(text).toContain('[1] tty: True True True');
  expect(text).toContain(`[1] size: ${columns} ${rows} True`);
  await expect.poll(() => consoleText(page)).toContain('[1] green text');
  expect(await consoleText(page)).toMatch(/^\[1\] progress done$/m); // each \r went back over
  expect(await consoleText(page)).not.toContain('progress 2');
  await page.getByTestId('console').click();
  await page.keyboard.type('a');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+D'); // end of file for read(), once
  await expect.poll(() => consoleText(page)).toMatch(/\[1\] read: 'a\\n'\n\[1\] more\?$/m);
  const viewport = page.viewportSize()!;
  await page.setViewportSize({ width: viewport.width - 200, height: viewport.height });
  await expect
    .poll(() => page.evaluate(() => window.__procbox!.consoleSize()[0]))
    .toBeLessThan(columns);
  const [narrower] = await page.evaluate(() => window.__procbox!.consoleSize());
  await page.keyboard.type('b');
  await page.keyboard.press('Enter');
  await expect.poll(() => consoleText(page)).toContain(`columns now: b ${narrower}`);
});
