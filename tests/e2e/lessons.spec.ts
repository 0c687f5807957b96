/**
 * Lessons: every shipped lesson passes with its reference solution and fails with its starter,
 * graded by `procbox check` as a teacher's CI would; and the lesson pane, as a learner meets it.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

const root = new URL('../../', import.meta.url).pathname;
const lessonsDir = join(root, 'lessons');
const LESSON_IDS = readdirSync(lessonsDir).filter((name) =>
  existsSync(join(lessonsDir, name, 'lesson.json')),
);

function procbox(args: string[]) {
  const result = spawnSync('node', [join(root, 'bin/procbox.mjs'), ...args], {
    timeout: 120_000,
  });
  return {
    code: result.status,
    stdout: result.stdout.toString(),
    stderr: result.stderr.toString(),
  };
}

/** The learner's files as `procbox check` takes them: from `folder` over the starter's,
 * written to a scratch directory (given files are left out: the lesson supplies them). */
function learnerFiles(id: string, folder: string): string[] {
  const lesson = join(lessonsDir, id);
  const given: string[] = JSON.parse(readFileSync(join(lesson, 'lesson.json'), 'utf8')).given ?? [];
  const dir = mkdtempSync(join(tmpdir(), `procbox-${id}-`));
  return readdirSync(join(lesson, 'starter'))
    .filter((name) => !given.includes(name))
    .map((name) => {
      const own = join(folder, name);
      const source = existsSync(own) ? own : join(lesson, 'starter', name);
      writeFileSync(join(dir, name), readFileSync(source));
      return join(dir, name);
    });
}

const checkCount = (id: string) =>
  JSON.parse(readFileSync(join(lessonsDir, id, 'lesson.json'), 'utf8')).checks.length as number;

test('eight lessons ship', () => {
  expect(LESSON_IDS.length).toBeGreaterThanOrEqual(8);
});

for (const id of LESSON_IDS) {
  test(`procbox check passes ${id}'s reference solution`, () => {
    const run = procbox([
      'check',
      join(lessonsDir, id),
      ...learnerFiles(id, join(lessonsDir, id, 'solution')),
    ]);
    expect(run.stderr).toBe('');
    expect(run.stdout.match(/^✓ /gm)).toHaveLength(checkCount(id));
    expect(run.stdout).not.toContain('✗');
    expect(run.code).toBe(0);
  });

  test(`procbox check fails ${id}'s starter, saying why`, () => {
    const run = procbox([
      'check',
      join(lessonsDir, id),
      ...learnerFiles(id, join(lessonsDir, id, 'starter')),
    ]);
    expect(run.stdout).toMatch(/^✗ .*\n {4}\S/m); // a failed check, and its reason under it
    expect(run.code).toBe(1);
  });
}

test('procbox check catches a server that serves one client at a time', () => {
  const id = '06-asyncio-echo';
  const run = procbox([
    'check',
    join(lessonsDir, id),
    ...learnerFiles(id, join(root, 'tests/fixtures/lessons', id)),
  ]);
  expect(run.stdout).toMatch(/^✓ .*client\.py/m); // the echo itself is right
  expect(run.stdout).toContain('most clients served at the same time: 1');
  expect(run.code).toBe(1);
});

test("procbox check says when a file is not one of the lesson's", () => {
  const dir = mkdtempSync(join(tmpdir(), 'procbox-stranger-'));
  writeFileSync(join(dir, 'my_solution.py'), 'print("hello")\n');
  const run = procbox(['check', join(lessonsDir, '03-pool'), join(dir, 'my_solution.py')]);
  expect(run.stderr).toBe(
    "procbox: my_solution.py is not one of the lesson's files (main.py); it ran beside them\n",
  );
  expect(run.code).toBe(1); // the starter ran, and it fails
});

test('procbox check stops a deadlocked run at once and names the cycle', () => {
  const id = '08-deadlock';
  const started = Date.now();
  const run = procbox([
    'check',
    join(lessonsDir, id),
    ...learnerFiles(id, join(lessonsDir, id, 'starter')),
  ]);
  expect(run.stdout).toMatch(
    /^✗ The transfers never deadlock\n {4}deadlock: Thread-1 \(pay\) \(pid 1\) waits for threading\.Lock#2 at main\.py:15, held by Thread-2 \(pay\) \(pid 1\), which waits for threading\.Lock#1 at main\.py:15, held by Thread-1 \(pay\) \(pid 1\)$/m,
  );
  expect(run.stdout).toContain('The run deadlocked, so it was stopped.');
  // Well before the lesson's 30 s limit, on a loaded machine too.
  expect(Date.now() - started).toBeLessThan(25_000);
  expect(run.code).toBe(1);
});

test('procbox check catches a Lock per thread, which guards nothing', () => {
  const id = '05-lock-race';
  const run = procbox([
    'check',
    '--lang',
    'zh-CN',
    join(lessonsDir, id),
    ...learnerFiles(id, join(root, 'tests/fixtures/lessons', id)),
  ]);
  expect(run.stdout).toMatch(/^✗ /m);
  expect(run.stdout).toContain('共享最多的锁 threading.Lock#');
  expect(run.stdout).toMatch(/检查通过了 \d 项/);
  expect(run.code).toBe(1);
});

test('procbox check refuses a folder that is not a lesson, and says why', () => {
  const dir = mkdtempSync(join(tmpdir(), 'procbox-bad-lesson-'));
  writeFileSync(join(dir, 'lesson.json'), '{"title": {"en": "x"}}');
  writeFileSync(join(dir, 'main.py'), 'print(1)\n');
  const run = procbox(['check', dir, join(dir, 'main.py')]);
  expect(run.stderr).toMatch(/is not a lesson: (zh-CN|en)\.md is missing/);
  expect(run.code).toBe(2);
});

const consoleText = (page: Page) => page.evaluate(() => window.__procbox?.consoleText() ?? '');
const setEditor = (page: Page, text: string) =>
  page.evaluate((t) => window.__procbox?.editorSetValue(t), text);
const editorText = (page: Page) => page.evaluate(() => window.__procbox?.editorValue() ?? '');
const lessonFile = (id: string, path: string) => readFileSync(join(lessonsDir, id, path), 'utf8');

async function open(page: Page, path = '/') {
  await page.goto(path);
  await expect.poll(() => consoleText(page), { timeout: 90_000 }).toMatch(/Ready|就绪/);
}

test('a learner fails a lesson, fixes it, passes, and finds it all after a reload', async ({
  page,
}) => {
  const id = '05-lock-race';
  await open(page);
  await setEditor(page, 'print("my playground work")\n');
  await page.getByTestId('open-lessons').click();
  await expect(page.getByTestId(`lesson-${id}`)).toContainText('not passed yet');
  await page.getByTestId(`lesson-${id}`).click();
  await expect(page).toHaveURL(/\?lesson=05-lock-race/);
  await expect(page.getByTestId('lesson-pane')).toBeVisible();
  // The title shows once, in the pane's header, not again atop the text.
  await expect(page.getByTestId('lesson-title')).toHaveText(/Lock/);
  await expect(page.getByTestId('lesson-text').locator('h1')).toHaveCount(0);
  expect(await editorText(page)).toBe(lessonFile(id, 'starter/main.py'));

  await page.getByTestId('check').click();
  await expect(page.getByTestId('check-summary')).toHaveText(/of \d+ checks passed/, {
    timeout: 90_000,
  });
  const failed = page.locator('[data-testid="check-result"].failed');
  await expect(failed.first().locator('.reason')).toHaveText(/.+/);
  expect(await consoleText(page)).toMatch(/counter = \d+/); // the run shows as Run's would

  await setEditor(page, lessonFile(id, 'solution/main.py'));
  await page.getByTestId('check').click();
  await expect(page.getByTestId('check-summary')).toHaveText(/^All \d+ checks passed\.$/, {
    timeout: 90_000,
  });
  await expect(failed).toHaveCount(0);

  await page.reload();
  await expect.poll(() => consoleText(page), { timeout: 90_000 }).toMatch(/Ready/);
  await expect(page.getByTestId('lesson-pane')).toBeVisible();
  await expect(page.getByTestId('check-summary')).toHaveText(/^All \d+ checks passed\.$/);
  expect(await editorText(page)).toBe(lessonFile(id, 'solution/main.py'));
  await page.getByTestId('open-lessons').click();
  await expect(page.getByTestId(`lesson-${id}`)).toContainText('✓ passed');
  await page.getByTestId('lessons-close').click();

  page.once('dialog', (dialog) => void dialog.accept()); // "Start over" asks first
  await page.getByTestId('lesson-reset').click();
  await expect.poll(() => editorText(page)).toBe(lessonFile(id, 'starter/main.py'));

  await page.getByTestId('lesson-leave').click();
  await expect(page.getByTestId('lesson-pane')).toBeHidden();
  await expect(page).not.toHaveURL(/lesson=/);
  expect(await editorText(page)).toBe('print("my playground work")\n');
});

test('a lesson’s text runs its reference solution with the Timeline shown, the learner’s files kept', async ({
  page,
}) => {
  const id = '02-queue';
  await open(page, `/?lesson=${id}`);
  const button = page.getByTestId('lesson-timeline');
  await expect(button).toHaveText('Run the reference solution and watch its Timeline');
  await button.click();
  await expect(page.getByTestId('timeline')).toBeVisible();
  await expect.poll(() => consoleText(page), { timeout: 60_000 }).toMatch(/finished: exit 0/);
  expect(await consoleText(page)).toContain('reference solution; your files are unchanged');
  const shown = () =>
    page.evaluate(() => window.__procbox?.timeline?.() ?? { processes: [], arrows: [] });
  await expect
    .poll(async () => (await shown()).arrows.filter((kind) => kind === 'item').length)
    .toBe(6);
  expect((await shown()).processes).toHaveLength(3);
  expect(await editorText(page)).toBe(lessonFile(id, 'starter/main.py'));
});

test('a server lesson starts its given client, and the pane speaks zh-CN and en', async ({
  page,
}) => {
  const id = '04-threaded-echo';
  await open(page, `/?lesson=${id}`);
  await expect(page.getByTestId('tab')).toHaveText([/server\.py\s*1/, /client\.py\s*2/]);
  await page.getByTestId('check').click(); // the starter serves one client at a time
  await expect(page.getByTestId('check-summary')).toHaveText(/of \d+ checks passed/, {
    timeout: 90_000,
  });
  await expect(page.getByTestId('check-results')).toContainText(
    'most clients served at the same time: 1',
  );
  const englishTitle = await page.getByTestId('lesson-title').textContent();

  await page.getByTestId('locale').selectOption('zh-CN');
  await expect(page.getByTestId('check')).toHaveText('检查');
  await expect(page.getByTestId('lesson-title')).not.toHaveText(englishTitle!);
  await expect(page.getByTestId('lesson-text').locator('h2').first()).toHaveText(/[\u4e00-\u9fff]/);
  await expect(page.getByTestId('check-summary')).toHaveText(/检查通过了 \d+ 项/);
  await expect(page.getByTestId('check-results')).toContainText('同一时刻最多只服务了 1 个客户端');

  await page.getByTestId('locale').selectOption('en');
  await expect(page.getByTestId('check')).toHaveText('Check');
  await expect(page.getByTestId('lesson-title')).toHaveText(englishTitle!);
});

test('a link to a lesson that does not exist opens the playground and says so', async ({
  page,
}) => {
  await open(page, '/?lesson=no-such-lesson');
  expect(await consoleText(page)).toContain('There is no lesson “no-such-lesson”');
  await expect(page.getByTestId('lesson-pane')).toBeHidden();
});

test('procbox check grades folders in a batch: a table, a JSON and a JUnit report', () => {
  // The lock lesson with a 5 s limit, so that the hanging submission ends soon.
  const lesson = mkdtempSync(join(tmpdir(), 'procbox-lesson-'));
  cpSync(join(lessonsDir, '05-lock-race'), lesson, { recursive: true });
  const meta = JSON.parse(readFileSync(join(lesson, 'lesson.json'), 'utf8'));
  writeFileSync(join(lesson, 'lesson.json'), JSON.stringify({ ...meta, timeout: 5 }));
  const submissions = mkdtempSync(join(tmpdir(), 'procbox-submissions-'));
  const submit = (name: string, program: string) => {
    mkdirSync(join(submissions, name));
    writeFileSync(join(submissions, name, 'main.py'), program);
    return join(submissions, name);
  };
  const folders = [
    submit('alice', readFileSync(join(lesson, 'solution/main.py'), 'utf8')),
    submit('bob', readFileSync(join(lesson, 'starter/main.py'), 'utf8')),
    submit('carol', 'while True:\n    pass\n'),
  ];
  const report = join(submissions, 'grades.json');
  const r = procbox(['check', '--jobs', '2', '--report', report, lesson, ...folders]);
  expect(r.code).toBe(1);
  const rows = r.stdout.split('\n').slice(1, 5);
  expect(rows[0]).toMatch(/^submission\s+result\s+checks\s+first failure$/);
  expect(rows[1]).toMatch(/^alice\s+passed\s+4\/4$/);
  expect(rows[2]).toMatch(/^bob\s+failed\s+[0-3]\/4\s+line 1: expected "counter = 4000"/);
  expect(rows[3]).toMatch(/^carol\s+hung\s+0\/4\s+.*5 s/);
  const json = JSON.parse(readFileSync(report, 'utf8'));
  expect(json.submissions.map((s: { status: string }) => s.status)).toEqual([
    'passed',
    'failed',
    'hung',
  ]);
  const junit = readFileSync(join(submissions, 'grades.xml'), 'utf8');
  expect(junit).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
  expect(junit.match(/<testsuite name="(\w+)" tests="4" failures="(\d)"/g)).toHaveLength(3);
  expect(junit).toContain('<testsuite name="alice" tests="4" failures="0"');
  expect(junit).toMatch(/<testcase classname="bob" name="[^"]+"><failure message="line 1: /);
});
