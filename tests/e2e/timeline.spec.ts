/** The Timeline panel: lanes per process and thread, arrows for hand-overs, from real runs. */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

const consoleText = (page: Page) => page.evaluate(() => window.__procbox?.consoleText() ?? '');
const shown = (page: Page) =>
  page.evaluate(
    () =>
      window.__procbox?.timeline?.() ?? {
        processes: [],
        threads: [],
        arrows: [],
        marks: [],
        ringed: null,
        states: {} as Record<string, string[]>,
      },
  );
const count = (kinds: string[], kind: string) => kinds.filter((k) => k === kind).length;

/** Opens the playground, puts `program` in the editor, shows the Timeline and presses Run. */
async function runProgram(page: Page, program: string) {
  await page.goto('/');
  await expect.poll(() => consoleText(page), { timeout: 90_000 }).toMatch(/Ready/);
  await page.evaluate((code) => window.__procbox?.editorSetValue(code), program);
  await page.getByTestId('show-timeline').click();
  await page.getByTestId('run').click();
}

async function runExample(page: Page, id: string, done: RegExp) {
  await page.goto('/');
  await expect.poll(() => consoleText(page), { timeout: 90_000 }).toMatch(/Ready/);
  await page.getByTestId('open-examples').click();
  await page.getByTestId(`example-${id}`).click();
  await page.getByTestId('show-timeline').click();
  await page.getByTestId('run').click();
  await expect.poll(() => consoleText(page), { timeout: 60_000 }).toMatch(done);
}

test('15_producer_consumer: three process lanes and six Queue arrows, drawn as it runs', async ({
  page,
}) => {
  await runExample(page, '15', /finished: exit 0/);
  // Thread ids come from the pid space, as on Linux: the Queue's feeder thread may take 3.
  await expect
    .poll(async () => (await shown(page)).processes)
    .toEqual([
      '15_producer_consumer.py (1)',
      'Process-1 (2)',
      expect.stringMatching(/^Process-2 \(\d+\)$/),
    ]);
  expect((await shown(page)).threads).toContain('QueueFeederThread');
  await expect.poll(async () => count((await shown(page)).arrows, 'item')).toBe(6);
  expect(count((await shown(page)).arrows, 'spawn')).toBe(2);
  const canvas = page.getByTestId('timeline').locator('canvas');
  await expect(canvas).toHaveAttribute('aria-label', /\d+ lanes, \d+ arrows/);
  const box = (await canvas.boundingBox())!;
  expect(box.width).toBeGreaterThan(200);
  // Something was drawn: the canvas is not blank.
  const painted = await canvas.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let coloured = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) coloured++;
    return coloured;
  });
  expect(painted).toBeGreaterThan(1000);
  // The page downloads the trace as Chrome Trace Event JSON, and the picture as a PNG.
  const [json] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('timeline-json').click(),
  ]);
  expect(json.suggestedFilename()).toBe('procbox-trace.json');
  const { traceEvents } = JSON.parse(readFileSync((await json.path())!, 'utf8')) as {
    traceEvents: { ph: string; cat?: string }[];
  };
  expect(traceEvents.filter((e) => e.ph === 's' && e.cat === 'item')).toHaveLength(6);
  const [png] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('timeline-png').click(),
  ]);
  expect(png.suggestedFilename()).toBe('procbox-timeline.png');
  const signature = readFileSync((await png.path())!)
    .subarray(1, 4)
    .toString();
  expect(signature).toBe('PNG');
  // The process list is a tab away.
  await page.getByTestId('show-processes').click();
  await expect(page.getByTestId('process-list')).toBeVisible();
  await expect(page.getByTestId('timeline')).toBeHidden();
});

test('a server and two clients: connection and message arrows between their lanes', async ({
  page,
}) => {
  await runExample(page, '10', /bob got[\s\S]*bob got/);
  await page.getByTestId('stop').click();
  await expect.poll(async () => count((await shown(page)).arrows, 'connect')).toBe(2);
  const arrows = (await shown(page)).arrows;
  // Each client sends twice and the server answers each. A read can take two writes at once,
  // and a killed process's last batch of operations may be lost: at least the four sends.
  expect(count(arrows, 'message')).toBeGreaterThanOrEqual(4);
  expect((await shown(page)).processes).toEqual([
    '10_threaded_server.py (1)',
    '8888_client.py (2)',
  ]);
});

test('past the trace’s 100,000 events the Timeline says older ones were dropped, and stays responsive', async ({
  page,
}) => {
  // A child sends 55,000 messages through a Pipe: 110,000 send and receive events.
  const program = [
    'import multiprocessing',
    '',
    'def child(conn):',
    '    for i in range(55000):',
    '        conn.send(i)',
    '',
    'if __name__ == "__main__":',
    '    a, b = multiprocessing.Pipe(duplex=False)',
    '    p = multiprocessing.Process(target=child, args=(b,))',
    '    p.start()',
    '    for _ in range(55000):',
    '        a.recv()',
    '    p.join()',
    '    print("done")',
    '',
  ].join('\n');
  await runProgram(page, program);
  await expect.poll(() => consoleText(page), { timeout: 120_000 }).toMatch(/finished: exit 0/);
  await expect(page.getByTestId('timeline-dropped')).toContainText('Older events dropped');
  await expect
    .poll(async () => count((await shown(page)).arrows, 'message'))
    .toBeGreaterThan(40_000);
  const started = Date.now();
  await page.getByTestId('timeline').locator('canvas').hover();
  await page.mouse.wheel(0, -300); // zoom in: a redraw of 100,000 events' worth
  expect(await page.evaluate(() => 1 + 1)).toBe(2);
  expect(Date.now() - started).toBeLessThan(5_000);
});

test('a deadlock is said in the console, in red, and its cycle drawn on the timeline', async ({
  page,
}) => {
  const program = [
    'import threading',
    'import time',
    '',
    'a = threading.Lock()',
    'b = threading.Lock()',
    '',
    'def take(first, second):',
    '    with first:',
    '        time.sleep(0.1)',
    '        with second:',
    '            print("both")',
    '',
    'threading.Thread(target=take, args=(a, b)).start()',
    'threading.Thread(target=take, args=(b, a)).start()',
    '',
  ].join('\n');
  await runProgram(page, program);
  await expect
    .poll(() => consoleText(page), { timeout: 60_000 })
    .toMatch(
      /deadlock: Thread-1 \(take\) \(pid \d+\) waits for threading\.Lock#2 at main\.py:10, held by Thread-2 \(take\) \(pid \d+\), which waits for threading\.Lock#1 at main\.py:10, held by Thread-1 \(take\)/,
    );
  // The timeline polls the trace while it is shown: the cycle's two arrows come in.
  await expect.poll(async () => count((await shown(page)).arrows, 'deadlock')).toBe(2);
  await page.getByTestId('stop').click();
});

test('a 10-second lock stress of 16 threads, the Timeline open: the page answers throughout', async ({
  page,
}) => {
  const program = [
    'import threading',
    'import time',
    '',
    'lock = threading.Lock()',
    'counts = [0] * 16',
    'stop = time.monotonic() + 10',
    '',
    'def work(i):',
    '    while time.monotonic() < stop:',
    '        with lock:',
    '            counts[i] += 1',
    '',
    'threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]',
    'for t in threads:',
    '    t.start()',
    'for t in threads:',
    '    t.join()',
    'print("threads that took the lock:", sum(1 for c in counts if c))',
    '',
  ].join('\n');
  await runProgram(page, program);
  // While it runs the page answers each probe within half a second, and the Timeline follows.
  let probes = 0;
  let slowest = 0;
  while (!/finished/.test(await consoleText(page))) {
    const started = Date.now();
    await page.evaluate(() => new Promise(requestAnimationFrame));
    slowest = Math.max(slowest, Date.now() - started);
    probes += 1;
    await page.getByTestId('timeline').locator('canvas').hover();
  }
  expect(probes).toBeGreaterThan(10);
  expect(slowest).toBeLessThan(500);
  expect(await consoleText(page)).toContain('threads that took the lock: 16');
  await expect.poll(async () => count((await shown(page)).threads, 'Thread-1 (work)')).toBe(1);
  expect(count((await shown(page)).arrows, 'lock')).toBeGreaterThan(100);
});

test("a console line and the Timeline's dot for the write that printed it find each other", async ({
  page,
}) => {
  await runProgram(
    page,
    [
      'import threading, time',
      'def worker():',
      '    time.sleep(0.05)',
      '    print("from the worker")',
      't = threading.Thread(target=worker, name="Writer")',
      'print("from main")',
      't.start(); t.join()',
      'time.sleep(0.05)',
      'print("main again")',
    ].join('\n'),
  );
  await expect.poll(() => consoleText(page), { timeout: 60_000 }).toMatch(/finished: exit 0/);
  // Each write is a dot on the lane of the thread that made it.
  await expect
    .poll(async () => (await shown(page)).marks.map(({ text, lane }) => `${lane}: ${text}`))
    .toEqual([
      expect.stringMatching(/\(1\): \[?.*from main$/),
      'Writer: from the worker',
      expect.stringMatching(/\(1\): .*main again$/),
    ]);
  const marks = (await shown(page)).marks;
  // A line clicked in the console rings its write.
  const rows = await page.evaluate(() => window.__procbox!.consoleRows().map((r) => r.text));
  const row = rows.findIndex((text) => text.includes('from the worker'));
  const screen = page.locator('.console .xterm-screen').first();
  const box = (await screen.boundingBox())!;
  const [, height] = await page.evaluate(() => window.__procbox!.consoleSize());
  await page.mouse.click(box.x + 40, box.y + ((row + 0.5) * box.height) / height);
  await expect.poll(async () => (await shown(page)).ringed).toBe(marks[1].id);
  // And a dot clicked on the Timeline selects its lines in the console.
  const canvas = (await page.getByTestId('timeline').locator('canvas').boundingBox())!;
  await page.mouse.click(canvas.x + marks[2].x, canvas.y + marks[2].y);
  await expect
    .poll(() => page.evaluate(() => window.__procbox!.consoleSelection()))
    .toContain('main again');
  expect((await shown(page)).ringed).toBe(marks[2].id);
  // The console laid out anew (the tags toggled) still finds each write's lines.
  await page.getByTestId('tags-toggle').uncheck();
  await expect
    .poll(async () => {
      await page.mouse.click(canvas.x + marks[0].x, canvas.y + marks[0].y);
      return page.evaluate(() => window.__procbox!.consoleSelection());
    })
    .toMatch(/from main\s*$/);
});

test('two busy threads take turns at the GIL: each lane is running, then ready, in turn', async ({
  page,
}) => {
  await runProgram(
    page,
    [
      'import threading',
      'def spin():',
      '    total = 0',
      '    for i in range(1_500_000):',
      '        total += i',
      'threads = [threading.Thread(target=spin, name=f"spin-{n}") for n in range(2)]',
      'for t in threads: t.start()',
      'for t in threads: t.join()',
      'print("done")',
    ].join('\n'),
  );
  await expect.poll(() => consoleText(page), { timeout: 60_000 }).toMatch(/finished: exit 0/);
  // Every 5 ms (sys.getswitchinterval()) the other thread gets the CPU, as under CPython: each
  // is ready, not waiting, while the other runs (a thread may wait a moment for the kernel as it
  // starts). The main thread waits in join().
  const ready = ['exited', 'ready', 'running'];
  await expect
    .poll(async () => {
      const { states } = await shown(page);
      return [states['spin-0'], states['spin-1']].map((s) => ready.filter((r) => s?.includes(r)));
    })
    .toEqual([ready, ready]);
  expect((await shown(page)).states['main.py (1)']).toContain('blocked');
});
