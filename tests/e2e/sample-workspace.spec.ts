import { test as base, expect } from '@playwright/test';
import { startHost } from './host';

// The first launch with nothing configured: the browser host opens the sample workspace (an embedded
// Postgres with generated data, started on first use), clearly labelled, and the screens show data.
const test = base.extend<object, { firstLaunch: Awaited<ReturnType<typeof startHost>> }>({
  firstLaunch: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern: none.
    async ({}, use) => {
      const host = await startHost();
      await use(host);
      await host.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});

test('with nothing configured the app opens the labelled sample workspace and shows its data', async ({ page, firstLaunch }) => {
  test.setTimeout(180_000);
  await page.goto(firstLaunch.url);
  const bar = page.getByTestId('workspace-bar');
  await expect(bar).toContainText('SAMPLE WORKSPACE', { timeout: 90_000 });
  await expect(page.getByTestId('connection-state')).toHaveText('Online', { timeout: 30_000 });
  await expect(page.getByTestId('entropy-pill')).toBeVisible({ timeout: 30_000 });
  // The first sync may still be running: the list follows it (newest first) until the burst of RLS
  // violations from a minute before launch is in.
  await page.goto(`${firstLaunch.url}&page=audit-log`);
  await expect(page.getByText(/rls_violation/).first()).toBeVisible({ timeout: 90_000 });
  await page.screenshot({ path: 'test-results/screenshots/sample-workspace-first-launch.png' });
});
