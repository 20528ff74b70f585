import { test as base, expect } from '@playwright/test';
import { startHost } from './host';

// A quiet Alerts page must never pass for a healthy database: with the database unreachable the
// page says the rules cannot be evaluated.
const test = base.extend<object, { unreachableDb: Awaited<ReturnType<typeof startHost>> }>({
  unreachableDb: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern: none.
    async ({}, use) => {
      const host = await startHost(['--db', 'postgres://postgres@127.0.0.1:1/none']);
      await use(host);
      await host.stop();
    },
    { scope: 'worker' },
  ],
});

test('with the database unreachable the Alerts page says its rules cannot be evaluated', async ({ page, unreachableDb }) => {
  await page.goto(`${unreachableDb.url}&page=alerts`);
  await expect(page.getByTestId('alerts-db-unreachable')).toContainText('the rules cannot be evaluated', { timeout: 20_000 });
  await expect(page.getByTestId('connection-state')).toContainText('Offline since');
});
