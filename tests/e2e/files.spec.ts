/** One filesystem, shown in the playground: what a program writes appears in the file tabs
 * while it runs, opens in the editor, is there after a reload, and the next run reads it. */
import { expect, test, type Page } from '@playwright/test';

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
