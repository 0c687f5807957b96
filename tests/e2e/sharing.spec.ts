/** The examples gallery and share links, as a user meets them. */
import { deflateSync, strToU8 } from 'fflate';
import { expect, test, type Page } from '@playwright/test';
import { savedItem } from './saved-items';

const consoleText = (page: Page) => page.evaluate(() => window.__procbox?.consoleText() ?? '');
const editorText = (page: Page) => page.evaluate(() => window.__procbox?.editorValue() ?? '');
const saved = async (page: Page) =>
  JSON.parse((await savedItem(page, 'procbox.workspace.v1')) ?? 'null') as unknown;

async function open(page: Page, path = '/') {
  await page.goto(path);
  await expect.poll(() => consoleText(page), { timeout: 90_000 }).toMatch(/Ready|就绪/);
}

/** A link holding any JSON, as a hand-made (hostile) link would. */
const link = (json: string) =>
  `/#v1:${Buffer.from(deflateSync(strToU8(json))).toString('base64url')}`;

test('an example opens with its client ticked, and one Run starts both', async ({ page }) => {
  await open(page);
  await page.getByTestId('open-examples').click();
  await expect(page.getByTestId('gallery')).toBeVisible();
  await expect(page.getByTestId('gallery-list').locator('h3')).toHaveText([
    'Processes',
    'Queues, locks and pools',
    'Threads',
    'Sockets',
    'asyncio',
  ]);
  await page.getByTestId('example-18').click(); // the starting file is untouched: no question
  await expect(page.getByTestId('gallery')).toBeHidden();
  await expect(page.getByTestId('tab')).toHaveText([
    /18_asyncio_server\.py\s*1/,
    /8888_client\.py\s*2/,
  ]);
  expect(await editorText(page)).toContain('asyncio.start_server');
  await page.getByTestId('run').click();
  await expect
    .poll(() => consoleText(page), { timeout: 60_000 })
    .toMatch(/bob got Message received successfully[\s\S]*bob got Message received/);
  expect(await consoleText(page)).toContain("Handling connection from ('127.0.0.1', ");
  await page.getByTestId('stop').click();
});

test('opening an example asks before it replaces files the user changed', async ({ page }) => {
  await open(page);
  await page.evaluate(() => window.__procbox?.editorSetValue('print("my own work")\n'));
  const questions: string[] = [];
  page.once('dialog', (dialog) => {
    questions.push(dialog.message());
    void dialog.dismiss();
  });
  await page.getByTestId('open-examples').click();
  await page.getByTestId('example-17').click();
  await expect
    .poll(() => questions)
    .toEqual(['Replace your files with “asyncio tasks”? Your current files will be lost.']);
  expect(await editorText(page)).toBe('print("my own work")\n');
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('open-examples').click();
  await page.getByTestId('example-17').click();
  await expect.poll(() => editorText(page)).toContain('async def print_number');
});

test('Share makes a link that restores the playground in a fresh browser, without running', async ({
  page,
  browser,
}) => {
  await open(page);
  await page.getByTestId('open-examples').click();
  await page.getByTestId('example-10').click();
  await page.getByTestId('start-method').selectOption('spawn');
  await page.evaluate(() => window.__procbox?.editorSetValue('# 服务器\nprint("edited")\n'));
  await expect.poll(async () => JSON.stringify(await saved(page))).toContain('edited');
  const before = (await saved(page)) as Record<string, unknown>;
  await page.getByTestId('share').click();
  const url = await page.getByTestId('share-url').inputValue();
  expect(url).toMatch(/^http:\/\/localhost:\d+\/#v1:[A-Za-z0-9_-]+$/);
  await expect(page.getByTestId('share-length')).toHaveText(
    `The link is ${url.length} characters long.`,
  );
  await expect(page.getByTestId('share-warning')).toBeHidden();

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await open(other, url);
  expect(await consoleText(other)).toContain(
    'Opened a shared playground (10_threaded_server.py, 8888_client.py)',
  );
  for (const key of ['files', 'active', 'entries', 'startMethod']) {
    await expect
      .poll(async () => ((await saved(other)) as Record<string, unknown> | null)?.[key])
      .toEqual(before[key]);
  }
  expect(await editorText(other)).toBe('# 服务器\nprint("edited")\n');
  await expect(other.getByTestId('start-method')).toHaveValue('spawn');
  expect(await consoleText(other)).not.toContain('── run');
  expect(other.url()).not.toContain('#'); // opened once: a reload keeps the saved copy
  await fresh.close();
});

test('a link too long for chat apps is flagged in the Share dialog', async ({ page }) => {
  await open(page);
  // Random digits barely compress: about 20 KB of them make a link over 8 KB.
  await page.evaluate(() =>
    window.__procbox?.editorSetValue(
      `x = "${Array.from({ length: 20_000 }, () => Math.floor(Math.random() * 10)).join('')}"\n`,
    ),
  );
  await page.getByTestId('share').click();
  await expect(page.getByTestId('share-warning')).toBeVisible();
  await expect(page.getByTestId('share-warning')).toHaveText(
    'Longer than about 8 KB: some chat apps cut links this long.',
  );
  // ▶ means run: Run has it, Copy link does not.
  const marker = (id: string) =>
    page.getByTestId(id).evaluate((button) => getComputedStyle(button, '::before').content);
  expect(await marker('run')).toBe('"▶"');
  expect(await marker('share-copy')).toBe('none');
});

test('hostile or broken links say what is wrong and leave the saved work untouched', async ({
  page,
}) => {
  await open(page);
  await page.evaluate(() => window.__procbox?.editorSetValue('print("mine")\n'));
  await expect.poll(async () => JSON.stringify(await saved(page))).toContain('mine');
  const mine = await saved(page);
  const good = link(JSON.stringify({ files: [['a.py', 'print(1)']] }));
  // Cut short, at a length that is still whole base64 characters.
  const cut = good.slice(0, (good.length - 8 - '/#v1:'.length) % 4 === 1 ? -9 : -8);
  const cases: [string, string][] = [
    ['/#v1:not*base64', 'it is not valid link text (was it cut or altered?).'],
    [cut, 'it is damaged or cut short.'],
    [link(`{"files": [["a.py", "${'x'.repeat(8 << 20)}"]]}`), 'it holds more than Procbox opens.'],
    [
      link('{"files": [["../../etc/passwd", "x"]]}'),
      'it names a file "../../etc/passwd", which is not allowed.',
    ],
    [
      link('{"files": [["a\\u001b[2J.py", "x"]]}'),
      'it names a file "a\\u001b[2J.py", which is not allowed.',
    ],
    [link('[1, 2, 3]'), 'it does not hold a Procbox workspace.'],
    ['/#v9:abc', 'it was made by a newer Procbox.'],
  ];
  for (const [path, reason] of cases) {
    await open(page, path);
    await expect
      .poll(() => consoleText(page))
      .toContain(`This share link cannot be opened: ${reason} Your saved files are unchanged.`);
    expect(await saved(page)).toEqual(mine);
    expect(await editorText(page)).toBe('print("mine")\n');
  }
});

test('the gallery and the Share dialog follow the language switch', async ({ page }) => {
  await open(page);
  await page.getByTestId('locale').selectOption('zh-CN');
  await page.getByTestId('open-examples').click();
  await expect(page.getByTestId('gallery').locator('h2')).toHaveText('示例');
  await expect(page.getByTestId('example-01').locator('strong')).toHaveText('第一个进程');
  await page.getByTestId('gallery-close').click();
  await page.getByTestId('share').click();
  await expect(page.getByTestId('share-dialog').locator('h2')).toHaveText('分享这个工作区');
  await page.getByTestId('share-close').click();
  await page.getByTestId('locale').selectOption('en');
  await page.getByTestId('open-examples').click();
  await expect(page.getByTestId('example-01').locator('strong')).toHaveText('The first process');
});
