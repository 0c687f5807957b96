/** One filesystem, shown in the playground: what a program writes appears in the file tabs
 * while it runs, opens in the editor, is there after a reload, and the next run reads it. */
import { readFile } from 'node:fs/promises';
import { expect, test, type Download, type Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { savedItem } from './saved-items';

const STORAGE_KEY = 'procbox.workspace.v1';

const consoleText = (page: Page) => page.evaluate(() => window.__procbox?.consoleText() ?? '');

async function open(page: Page) {
  await page.goto('/');
  await expect.poll(() => consoleText(page), { timeout: 90_000 }).toMatch(/Ready|就绪/);
}

const WRITER = `import multiprocessing as mp, os, time

def work(n):
    with open(f"out/part{n}.txt", "w") as f:
        f.write(f"part {n} from pid {os.getpid() > 0}\\n")

if __name__ == "__main__":
    os.makedirs("out", exist_ok=True)
    with open("results.csv", "w") as f:
        f.write("name,value\\n")
    with mp.Pool(2) as pool:
        pool.map(work, range(2))
    with open("results.csv", "a") as f:
        f.write("parts," + str(len(os.listdir("out"))) + "\\n")
    with open("blob.bin", "wb") as f:
        f.write(bytes(range(256)))
    print("written")
`;

test('files a program writes appear as tabs, open in the editor and survive a reload', async ({
  page,
}) => {
  await open(page);
  await page.evaluate((text) => window.__procbox?.editorSetValue(text), WRITER);
  await page.getByTestId('run').click();
  await expect.poll(() => consoleText(page), { timeout: 60_000 }).toMatch(/\[1\] written/);
  const tab = (path: string) => page.locator(`[data-testid=tab][data-path="${path}"]`);
  await expect(tab('results.csv')).toBeVisible();
  await expect(tab('out/part0.txt')).toBeVisible();
  await expect(tab('out/part1.txt')).toBeVisible();
  await tab('results.csv').click();
  await expect(page.locator('.view-lines')).toContainText('parts,2');
  await tab('blob.bin').click();
  await expect(page.locator('.view-lines')).toContainText('256 bytes');

  // Saved with the workspace, and the next run finds them in its working directory.
  await page.reload();
  await open(page);
  await expect(tab('out/part1.txt')).toBeVisible();
  await tab('main.py').click();
  await page.evaluate(
    (text) => window.__procbox?.editorSetValue(text),
    'print(open("out/part1.txt").read().strip(), len(open("blob.bin", "rb").read()))\n',
  );
  await page.getByTestId('run').click();
  await expect
    .poll(() => consoleText(page), { timeout: 60_000 })
    .toMatch(/\[1\] part 1 from pid True 256/);
});

const tab = (page: Page, path: string) => page.locator(`[data-testid=tab][data-path="${path}"]`);

/** Clicks a download button and gives the download's suggested name and bytes. */
async function downloaded(page: Page, testid: string): Promise<[string, Buffer]> {
  const [download]: [Download, void] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId(testid).click(),
  ]);
  return [download.suggestedFilename(), await readFile(await download.path())];
}

const READER = `import os
data = open("data.txt", "rb").read()
blob = open("blob.bin", "rb").read()
print(len(data), data.decode().splitlines())
print(len(blob), blob.hex())
os.makedirs("out", exist_ok=True)
with open("out/sizes.txt", "w") as f:
    f.write(f"{len(data)} {len(blob)}\\n")
print("done")
`;

test('uploaded files reach programs; a file and the whole workspace download with their bytes', async ({
  page,
}) => {
  await open(page);
  const text = Buffer.from('héllo, 世界\nsecond line\n', 'utf-8');
  const binary = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 10, 13]);
  await page.getByTestId('upload-input').setInputFiles([
    { name: 'data.txt', mimeType: 'text/plain', buffer: text },
    { name: 'bad..name.txt', mimeType: 'text/plain', buffer: Buffer.from('x') },
    { name: 'blob.bin', mimeType: 'application/octet-stream', buffer: binary },
  ]);
  await expect(tab(page, 'data.txt')).toBeVisible();
  await expect(tab(page, 'blob.bin')).toHaveClass(/active/); // the last one opens
  await expect(tab(page, 'bad..name.txt')).toHaveCount(0);
  await expect.poll(() => consoleText(page)).toContain('Not added: "bad..name.txt".');
  await expect.poll(() => consoleText(page)).toContain('Added data.txt, blob.bin.');
  await expect(page.locator('.view-lines')).toContainText('8 bytes of binary data');
  await expect(page.locator('.view-lines')).toContainText('the Download button saves it');
  await tab(page, 'data.txt').click();
  await expect(page.locator('.view-lines')).toContainText('second line');

  await tab(page, 'main.py').click();
  await page.evaluate((program) => window.__procbox?.editorSetValue(program), READER);
  await page.getByTestId('run').click();
  await expect.poll(() => consoleText(page), { timeout: 60_000 }).toMatch(/\[1\] done/);
  const printed = (await consoleText(page))
    .split('\n')
    .filter((line) => line.startsWith('[1] '))
    .map((line) => line.slice(4));
  expect(printed).toEqual([
    `${text.length} ['héllo, 世界', 'second line']`,
    '8 000102fffe800a0d',
    'done',
  ]);
  await expect(tab(page, 'out/sizes.txt')).toBeVisible();

  await tab(page, 'blob.bin').click();
  expect(await downloaded(page, 'download-file')).toEqual(['blob.bin', binary]);
  await tab(page, 'data.txt').click();
  expect(await downloaded(page, 'download-file')).toEqual(['data.txt', text]);
  await tab(page, 'out/sizes.txt').click();
  const sizes = Buffer.from(`${text.length} 8\n`);
  expect(await downloaded(page, 'download-file')).toEqual(['sizes.txt', sizes]);

  const [zipName, zip] = await downloaded(page, 'download-zip');
  expect(zipName).toBe('procbox-workspace.zip');
  const unzipped = unzipSync(zip);
  expect(Object.keys(unzipped).sort()).toEqual([
    'blob.bin',
    'data.txt',
    'main.py',
    'out/sizes.txt',
  ]);
  expect(Buffer.from(unzipped['main.py'])).toEqual(Buffer.from(READER));
  expect(Buffer.from(unzipped['data.txt'])).toEqual(text);
  expect(Buffer.from(unzipped['blob.bin'])).toEqual(binary);
  expect(Buffer.from(unzipped['out/sizes.txt'])).toEqual(sizes);
});

test('a workspace larger than localStorage holds is saved and comes back after a reload', async ({
  page,
}) => {
  await open(page);
  // 12 MB of bytes is 16 MB of base64: three times what localStorage holds, under the 50 MB cap.
  const huge = Buffer.alloc(12_000_000, 0xff); // not UTF-8: a binary file
  await page
    .getByTestId('upload-input')
    .setInputFiles([{ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: huge }]);
  await expect(tab(page, 'huge.bin')).toBeVisible();
  await expect
    .poll(async () => (await savedItem(page, STORAGE_KEY))?.length ?? 0)
    .toBeGreaterThan(16e6);
  await page.reload();
  await open(page);
  await tab(page, 'huge.bin').click();
  await expect(page.locator('.view-lines')).toContainText('12000000 bytes');
  const [, bytes] = await downloaded(page, 'download-file');
  expect(bytes.equals(huge)).toBe(true);
  expect(await consoleText(page)).not.toContain('could not be saved');
});

test('a workspace the browser refuses to save is kept in memory, the page says so, and the saved copy stays', async ({
  page,
}) => {
  await open(page);
  await page.evaluate(() => window.__procbox?.editorSetValue('print("saved")\n'));
  await expect.poll(() => savedItem(page, STORAGE_KEY)).toContain('saved');
  // The browser's quota runs out: every write is refused as Chromium refuses it.
  await page.evaluate(() => {
    IDBObjectStore.prototype.put = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  await page.evaluate(() => window.__procbox?.editorSetValue('print("only in memory")\n'));
  await expect
    .poll(() => consoleText(page))
    .toMatch(/Your files could not be saved in this browser \(QuotaExceededError\)/);
  expect(await page.evaluate(() => window.__procbox?.editorValue())).toBe(
    'print("only in memory")\n',
  );
  await page.getByTestId('run').click();
  await expect.poll(() => consoleText(page), { timeout: 60_000 }).toMatch(/\[1\] only in memory/);
  expect(await savedItem(page, STORAGE_KEY)).toContain('print(\\"saved\\")');

  await page.reload(); // the quota is back
  await open(page);
  await expect
    .poll(() => page.evaluate(() => window.__procbox?.editorValue()))
    .toBe('print("saved")\n');
  await page.evaluate(() => window.__procbox?.editorSetValue('print("saved again")\n'));
  await expect.poll(() => savedItem(page, STORAGE_KEY)).toContain('saved again');
  expect(await consoleText(page)).not.toContain('could not be saved');
});

test('a workspace an earlier version saved in localStorage moves to IndexedDB', async ({
  page,
}) => {
  await page.goto('/');
  await page.evaluate(
    ([key, value]) => localStorage.setItem(key, value),
    [
      STORAGE_KEY,
      JSON.stringify({ files: [{ path: 'old.py', content: 'print("from before")\n' }] }),
    ],
  );
  await page.reload();
  await open(page);
  await expect(tab(page, 'old.py')).toBeVisible();
  await expect
    .poll(() => page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY))
    .toBeNull();
  expect(await savedItem(page, STORAGE_KEY)).toContain('from before');
  await page.reload();
  await open(page);
  await expect(tab(page, 'old.py')).toBeVisible();
});
