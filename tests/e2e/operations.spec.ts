/**
 * approve → Run… → confirm (the database name: the command-line database's environment is not
 * known, so production rules apply) → progress → outcome, then the execution in Operations and in
 * the audit log, and the row in ops.roman_events.
 */
import { test, expect, pageUrl } from './seeded';

test('an approved VACUUM runs after typed confirmation and shows up in Operations and the audit log', async ({ page, quiet }) => {
  test.setTimeout(120_000);
  await quiet.query('create table public.orders (id bigserial primary key, customer_id int)');
  await quiet.query('insert into public.orders (customer_id) select g from generate_series(1, 500) g');
  const dbName = new URL(quiet.dbUrl).pathname.slice(1);

  await page.goto(pageUrl(quiet.host, 'approvals'));
  await expect(page.getByTestId('live-entropy')).toBeVisible({ timeout: 30_000 });
  await page.getByLabel('Request', { exact: true }).fill('vacuum analyze public.orders');
  await page.getByRole('button', { name: 'Evaluate request' }).click();
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-verdict', /approve/);
  await page.getByRole('button', { name: 'Run…' }).click();

  const dialog = page.getByRole('dialog', { name: 'Run approved action' });
  await expect(dialog.getByTestId('plan-steps')).toContainText('VACUUM (ANALYZE) "public"."orders"');
  const run = dialog.getByRole('button', { name: 'Confirm and run' });
  await expect(run).toBeDisabled();
  await dialog.getByLabel(/Type the database name/).fill('wrong');
  await expect(run).toBeDisabled();
  await dialog.getByLabel(/Type the database name/).fill(dbName);
  await run.click();
  await expect(dialog.getByTestId('execution-outcome')).toHaveAttribute('data-outcome', 'succeeded', { timeout: 60_000 });
  await expect(dialog.getByTestId('execution-outcome')).toContainText('VACUUM (ANALYZE) public.orders');
  await page.screenshot({ path: 'test-results/screenshots/operations-run-dialog.png', fullPage: true });
  await dialog.getByRole('button', { name: 'Close' }).click();

  await expect
    .poll(async () => (await quiet.query(`select metadata->>'outcome' as o from ops.roman_events where event_type = 'execution'`)).rows, { timeout: 15_000 })
    .toEqual([{ o: 'succeeded' }]);

  await page.goto(pageUrl(quiet.host, 'operations'));
  const executions = page.getByTestId('executions');
  await expect(executions.locator('tr[data-outcome="succeeded"]')).toHaveCount(1, { timeout: 15_000 });
  await expect(executions).toContainText('vacuum');
  await page.screenshot({ path: 'test-results/screenshots/operations-page.png', fullPage: true });

  await page.goto(pageUrl(quiet.host, 'audit-log'));
  await page.getByLabel('Search').fill('Execution succeeded');
  await expect(page.getByTestId('audit-table')).toContainText('Execution succeeded: VACUUM (ANALYZE) public.orders', { timeout: 15_000 });
});
