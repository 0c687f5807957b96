/**
 * axe-core, through Playwright, on every screen a reader meets: the playground (wide and on a
 * phone, dark and light, with the process list and with the Timeline), a lesson, the examples gallery, the Share dialog and the embed page,
 * in both languages. No serious or critical violation is allowed.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

async function violations(page: Page, screen: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target).join(', ')}`);
}

const ready = /Ready|就绪/;

for (const locale of ['en', 'zh-CN'] as const) {
  test(`no serious or critical accessibility violation, ${locale}`, async ({ browser }) => {
    const found: string[] = [];
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    // The theme follows the system's: the second pass boots from the first's kept snapshot.
    for (const colorScheme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme });
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto('/');
      await expect
        .poll(() => page.evaluate(() => window.__procbox?.consoleText() ?? ''), { timeout: 90_000 })
        .toMatch(ready);
      expect(await page.locator('html').getAttribute('lang')).toBe(locale);
      await expect(page.locator('html')).toHaveAttribute('data-theme', colorScheme);
      // The console's own label is in the page's language too.
      await expect(page.locator('.xterm-helper-textarea')).toHaveAttribute(
        'aria-label',
        locale === 'en' ? 'Console input' : '控制台输入',
      );
      // A run's output, then every screen.
      await page.getByTestId('run').click();
      await expect(page.getByTestId('proc-row')).toHaveCount(2, { timeout: 60_000 });
      found.push(...(await violations(page, `playground ${colorScheme}`)));
      await page.getByTestId('show-timeline').click();
      await expect(page.getByTestId('timeline').locator('canvas')).toBeVisible();
      found.push(...(await violations(page, `timeline ${colorScheme}`)));
      await page.getByTestId('show-processes').click();

      await page.getByTestId('open-examples').click();
      await expect(page.getByTestId('gallery')).toBeVisible();
      found.push(...(await violations(page, `gallery ${colorScheme}`)));
      await page.keyboard.press('Escape');

      await page.getByTestId('share').click();
      await expect(page.getByTestId('share-dialog')).toBeVisible();
      found.push(...(await violations(page, `share ${colorScheme}`)));
      const snippet = await page.getByTestId('share-embed').inputValue();
      await page.keyboard.press('Escape');

      await page.getByTestId('open-lessons').click();
      found.push(...(await violations(page, `lessons ${colorScheme}`)));
      await page.getByTestId('lessons-list').locator('button').first().click();
      await expect(page.getByTestId('lesson-pane')).toBeVisible();
      found.push(...(await violations(page, `lesson ${colorScheme}`)));

      await page.setViewportSize({ width: 390, height: 844 });
      await expect(page.getByTestId('phone-tabs')).toBeVisible();
      found.push(...(await violations(page, `phone ${colorScheme}`)));

      await page.goto(/<iframe src="([^"]+)"/.exec(snippet)![1]);
      await expect(page.getByTestId('tab')).toHaveCount(1);
      found.push(...(await violations(page, `embed ${colorScheme}`)));
    }
    await context.close();
    expect(found).toEqual([]);
  });
}
