/**
 * The app stays usable during a large first sync: the cache and the sync run in the cache worker,
 * so while hundreds of thousands of rows are copied into the local cache the user can scroll the
 * audit log (older pages are fetched), search it, open a record, and the workspace bar keeps
 * reporting progress. (Whether the sync then completes is the sync tests' business.)
 */
import { expect } from '@playwright/test';
import { test, withMonitoredDatabase } from './seeded';

const ROWS = 500_000;

test('scrolling and searching the audit log keep answering while a large sync runs', async ({ page }) => {
  test.setTimeout(300_000);
  await withMonitoredDatabase(
    'roman_e2e_bigsync',
    async (pool) => {
      await pool.query(
        `insert into system_logs (timestamp, severity, source, message, metadata)
         select now() - ($1::int - g) * interval '5 milliseconds',
                case when g % 50 = 0 then 'error' when g % 10 = 0 then 'warning' else 'info' end,
                (array['api','auth','db','billing'])[1 + g % 4],
                'GET /api/v1/items/' || g || ' returned ' || (case when g % 50 = 0 then 500 else 200 end),
                jsonb_build_object('n', g)
           from generate_series(1, $1::int) g`,
        [ROWS],
      );
    },
    async ({ host }) => {
      const bar = page.getByTestId('last-synced');
      await page.goto(host.url);
      // The first sync starts when the workspace opens; wait until it has cached a good part.
      await expect(bar).toContainText(/Syncing public\.system_logs \((\d{2,3}),\d{3} rows\)/, { timeout: 120_000 });

      await page.goto(`${host.url}&page=audit-log`);
      await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
      const count = page.getByTestId('loaded-count');
      await expect(count).toContainText(/matching records — 200 loaded|200 loaded — counting/);
      const rows = page.getByTestId('audit-table').getByTestId('vt-row');
      await expect(rows.filter({ hasText: /GET \/api\/v1\/items\/\d+/ }).first()).toBeVisible();

      // Scroll to the end repeatedly: each time an older page comes through the worker.
      const body = page.getByTestId('audit-table').locator('.vt-body');
      let answeredWhileSyncing = 0;
      for (let i = 1; i <= 4; i++) {
        await body.evaluate((el) => el.scrollTo(0, el.scrollHeight));
        await expect(count).toContainText(`${(200 * (i + 1)).toLocaleString('en-US')} loaded`);
        if (/Syncing/.test((await bar.textContent()) ?? '')) answeredWhileSyncing++;
      }
      // A text search answers too, and a single row opens.
      await page.getByLabel('Search').fill('items 4242 returned');
      await expect(count).toHaveText('1 matching record');
      await rows.first().click();
      await expect(page.getByTestId('record-detail')).toContainText('GET /api/v1/items/4242 returned 200');
      if (/Syncing/.test((await bar.textContent()) ?? '')) answeredWhileSyncing++;

      // All of that happened while the sync was still copying rows, and it still reports progress.
      expect(answeredWhileSyncing).toBeGreaterThanOrEqual(3);
      const rowsNow = async () => Number(/\(([\d,]+) rows\)/.exec((await bar.textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? NaN);
      const before = await rowsNow();
      await expect.poll(rowsNow, { timeout: 60_000 }).toBeGreaterThan(before);
    },
  );
});
