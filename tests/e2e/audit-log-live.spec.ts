/**
 * The audit log follows the cache: a reader at the top of the list with no record open sees new
 * records arrive by themselves; a reader who opened a record keeps the list as it is and gets a
 * button instead.
 */
import { test, expect, pageUrl } from './seeded';

test('new records appear in the audit log by themselves while the reader is at the top; with a record open a button offers them', async ({ page, quiet }) => {
  await quiet.query(`INSERT INTO public.system_logs (timestamp, severity, source, message) VALUES (now(), 'info', 'api', 'Aurora first record')`);
  await page.goto(pageUrl(quiet.host, 'audit-log'));
  const table = page.getByTestId('audit-table');
  await expect(table.getByText('Aurora first record')).toBeVisible({ timeout: 30_000 });

  await quiet.query(`INSERT INTO public.system_logs (timestamp, severity, source, message) VALUES (now(), 'error', 'api', 'Borealis second record')`);
  // An error is a signal: the app syncs at once. No click, no reload: the list follows.
  await expect(table.getByText('Borealis second record')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('button', { name: /New records cached/ })).toHaveCount(0);

  // A record is open: the list stays as the reader left it and says that more arrived.
  await table.getByText('Borealis second record').click();
  await quiet.query(`INSERT INTO public.system_logs (timestamp, severity, source, message) VALUES (now(), 'error', 'api', 'Corona third record')`);
  const more = page.getByRole('button', { name: /New records cached/ });
  await expect(more).toBeVisible({ timeout: 30_000 });
  await expect(table.getByText('Corona third record')).toHaveCount(0);
  await more.click();
  await expect(table.getByText('Corona third record')).toBeVisible();
});
