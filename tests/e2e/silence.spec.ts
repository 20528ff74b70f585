/**
 * Silence is not health: what the user sees when there is nothing to measure, when the rules
 * cannot be evaluated, and when the database stops answering. Every figure says ok, "no data" or
 * "stale" (with its age) — never a green it does not know.
 */
import pg from 'pg';
import { test, expect, pageUrl } from './seeded';
import { startHost } from './host';
import { createTestDatabase } from '../support/postgres';
import { initDatabase } from '../../src/main/core/db/migrations';

test.describe('Silence is not health', () => {
  test('an empty window shows "No data", never 0 % STABLE: gauge, header pill and the figures', async ({ page, quiet }) => {
    await page.goto(pageUrl(quiet.host, 'dashboard'));
    await expect(page.getByTestId('entropy-gauge')).toHaveAttribute('data-state', 'no_data', { timeout: 20_000 });
    await expect(page.getByTestId('entropy-label')).toHaveText('NO DATA');
    await expect(page.getByTestId('entropy-value')).toHaveText('No data');
    await expect(page.getByTestId('entropy-window')).toContainText('over the last 15 minutes');
    await expect(page.getByTestId('entropy-pill')).toHaveText('Entropy: no data, last 15 min', { timeout: 20_000 });
    await expect(page.getByTestId('entropy-pill')).not.toContainText('STABLE');
    // The error rate over an empty window is no data (not a green 0 %), with its window printed.
    const errorRate = page.getByTestId('stat-error-rate');
    await expect(errorRate.locator('.dash-stat-value')).toHaveText('No data', { timeout: 30_000 });
    await expect(errorRate).toHaveAttribute('data-tone', 'nodata');
    await expect(errorRate).toContainText('last 15 min');
    await expect(page.locator('[data-testid="health-check"][data-key="application.error_rate"]')).toHaveAttribute('data-status', 'no_data');
    await expect(page.getByTestId('checks-no-data')).not.toHaveText('0 no data');
    // "Errors in the last hour" prints its window and counts critical logs too.
    await expect(page.getByTestId('stat-errors-last-hour')).toContainText('last 1 h');
    await quiet.query(`INSERT INTO public.system_logs (timestamp, severity, source, message) VALUES (now(), 'critical', 'api', 'disk full'), (now(), 'info', 'api', 'ok')`);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(page.getByTestId('stat-errors-last-hour').locator('.dash-stat-value')).toHaveText('1', { timeout: 20_000 });
    await expect(page.getByTestId('entropy-gauge')).toHaveAttribute('data-state', 'live');
  });

  test('a database without R.O.M.A.N. tables says its rules cannot be evaluated, never "Nothing is firing."', async ({ page }) => {
    const db = await createTestDatabase('roman_e2e_bare');
    const host = await startHost(['--db', db.url]);
    try {
      await page.goto(pageUrl(host, 'dashboard'));
      await expect(page.getByTestId('alerts-rules-unevaluated')).toContainText('cannot be evaluated', { timeout: 30_000 });
      await expect(page.getByTestId('alerts-summary')).not.toContainText('Nothing is firing.');
      await page.goto(pageUrl(host, 'alerts'));
      await expect(page.getByTestId('alerts-rules-unevaluated')).toContainText('cannot be evaluated', { timeout: 30_000 });
      await expect(page.getByTestId('section-firing')).not.toContainText('Nothing is firing.');
    } finally {
      await host.stop();
      await db.drop();
    }
  });

  test('an unreachable database makes leadership unknown: never "Another R.O.M.A.N. app is the leader"', async ({ page }) => {
    const host = await startHost(['--db', 'postgres://postgres@127.0.0.1:1/none']);
    try {
      await page.goto(pageUrl(host, 'alerts'));
      const who = page.getByTestId('leadership');
      await expect(who).toHaveAttribute('data-leadership', 'unknown', { timeout: 20_000 });
      await expect(who).toContainText('the database cannot be reached');
      await expect(who).not.toContainText('Another R.O.M.A.N. app is the leader');
    } finally {
      await host.stop();
    }
  });

  test('when the database stops answering, the last entropy is shown as stale with its age, not as live', async ({ page }) => {
    const db = await createTestDatabase('roman_e2e_gone');
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    pool.on('error', () => undefined);
    await initDatabase(pool);
    await pool.query(`INSERT INTO public.system_logs (timestamp, severity, source, message) SELECT now() - g * interval '10 seconds', 'info', 'api', 'ok' FROM generate_series(1, 20) g`);
    await pool.end();
    const host = await startHost(['--db', db.url]);
    try {
      await page.goto(pageUrl(host, 'dashboard'));
      const pill = page.getByTestId('entropy-pill');
      await expect(pill).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
      await expect(pill).toContainText('STABLE');
      await db.drop();
      await expect(pill).toHaveAttribute('data-state', 'stale', { timeout: 60_000 });
      await expect(pill).toContainText(/Entropy stale: 0\.0% measured \d+ (s|min) ago/);
      await expect(pill).not.toContainText('STABLE');
    } finally {
      await host.stop();
      await db.drop();
    }
  });
});
