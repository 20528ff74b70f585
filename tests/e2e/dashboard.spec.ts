import { test, expect, pageUrl, screenshotWhole } from './seeded';
import { startHost } from './host';

const PANELS: [string, string][] = [
  ['panel-health', 'System Health Overview'],
  ['panel-errors', 'Recent Errors (last 24h)'],
  ['panel-events', 'R.O.M.A.N. Events Timeline'],
  ['panel-ai-cost', 'AI Cost Tracking'],
  ['panel-performance', 'Performance Metrics'],
  ['panel-security', 'Security Audit Log'],
];

test.describe('Dashboard', () => {
  test('shows the six panels of the manual and the entropy gauge for the seeded database', async ({ page, seeded }) => {
    test.setTimeout(180_000);
    await page.goto(pageUrl(seeded.host, 'dashboard'));
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    for (const [testId, title] of PANELS) {
      const panel = page.getByTestId(testId);
      await expect(panel.getByRole('heading', { level: 2, name: title })).toBeVisible({ timeout: 20_000 });
      await expect(panel.getByTestId('panel-unavailable')).toHaveCount(0);
    }

    // Entropy: value as x.x %, STABLE (≤ 10 %) or UNSTABLE, and its three terms. The overview reads
    // 30 days of data: on a busy machine that takes a while, so wait for it rather than for a time.
    const gauge = page.getByTestId('entropy-gauge');
    await expect(gauge).toBeVisible({ timeout: 60_000 });
    const value = await page.getByTestId('entropy-value').innerText();
    expect(value).toMatch(/^\d{1,3}\.\d%$/);
    const percent = Number(value.replace('%', ''));
    await expect(page.getByTestId('entropy-label')).toHaveText(percent <= 10 ? 'STABLE' : 'UNSTABLE');
    const terms = page.getByTestId('entropy-terms');
    for (const term of ['Error rate', 'Failure rate', 'Latency spikes']) await expect(terms).toContainText(term);
    await expect(gauge.getByRole('img', { name: /System entropy/ })).toBeVisible();

    // Health checks grouped by area, with status pills.
    await expect(page.getByTestId('area-connections')).toBeVisible({ timeout: 30_000 });
    for (const area of ['system', 'queries', 'space', 'indexes', 'maintenance', 'application']) await expect(page.getByTestId(`area-${area}`)).toBeVisible();
    await expect(page.getByTestId('checks-summary')).toContainText('ok');

    // Recent errors: 24 hourly bars with the incident's errors, and the latest errors.
    const errorsChart = page.getByTestId('chart-errors-per-hour');
    await expect(errorsChart.locator('[data-category]')).toHaveCount(24);
    const totals = await errorsChart.locator('[data-category]').evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('data-total'))));
    expect(totals.slice(-2).reduce((a, b) => a + b, 0)).toBeGreaterThan(50);
    await expect(page.getByTestId('latest-errors').locator('li').first()).toContainText(/connection|pool|terminated/i);

    // Events timeline: approvals, rejections, backups and alerts on a time axis.
    const timeline = page.getByTestId('chart-events-timeline');
    for (const lane of ['approval', 'rejection', 'backup', 'alert']) await expect(timeline.locator(`[data-lane="${lane}"]`)).toHaveCount(1);
    expect(await timeline.locator('circle.timeline-mark').count()).toBeGreaterThan(0);

    // AI cost: 30 daily stacked bars per provider, spend against the monthly budget in %.
    const cost = page.getByTestId('chart-ai-cost');
    await expect(cost.locator('[data-category]')).toHaveCount(30);
    await expect(cost.getByText('anthropic', { exact: true })).toBeVisible();
    await expect(page.getByTestId('ai-budget-used')).toHaveText(/^\d{1,3}\.\d% used$/);
    await expect(page.getByTestId('ai-budget')).toContainText('$500 monthly budget');
    // the /metrics additions: top consumers by feature and this month's projection at its daily rate
    await expect(page.getByTestId('ai-consumers').locator('li').first()).toHaveText(/^.+: \$[\d,]+\.\d\d \(\d+%\)$/);
    await expect(page.getByTestId('ai-projection')).toHaveText(/^Projected this month at \$[\d,.]+\/day: \$[\d,.]+ — /);

    // Performance: p95 over time with the 2 s threshold line, error rate, API success rate.
    await expect(page.getByTestId('chart-p95').locator('[data-threshold="2000"]')).toContainText('2 s threshold');
    await expect(page.getByTestId('stat-error-rate')).toContainText(/\d+\.\d%/);
    await expect(page.getByTestId('stat-api-success')).toContainText(/\d+\.\d%/);

    // Security: RLS violations per IP, the brute-force IP at the top.
    const byIp = page.getByTestId('chart-rls-by-ip');
    await expect(byIp.locator('[data-key]').first()).toHaveAttribute('data-key', seeded.facts.bruteForceIp);
    await expect(page.getByTestId('latest-violations').locator('li').first()).toBeVisible();

    await screenshotWhole(page, 'test-results/screenshots/dashboard.png');
  });

  test('a health check expands to its detail and copy-paste remediation', async ({ page, seeded }) => {
    await page.goto(pageUrl(seeded.host, 'dashboard'));
    const check = page.locator('[data-testid="health-check"][data-key="connections.pool_usage"]');
    await expect(check).toBeVisible({ timeout: 30_000 });
    await expect(check.getByTestId('remediation')).toBeHidden();
    await check.locator('summary').click();
    await expect(check.getByTestId('remediation')).toBeVisible();
    await expect(check.getByTestId('remediation')).not.toBeEmpty();
    await expect(check.getByRole('button', { name: /Copy the remediation/ })).toBeVisible();
  });

  test('checks that cannot run say why instead of showing a value', async ({ page, seeded }) => {
    await page.goto(pageUrl(seeded.host, 'dashboard'));
    // pg_stat_statements is not preloaded on this server: the slow-query check is unavailable.
    const slow = page.locator('[data-testid="health-check"][data-key="queries.slow"]');
    await expect(slow).toHaveAttribute('data-status', 'unavailable', { timeout: 30_000 });
    await slow.locator('summary').click();
    await expect(slow).toContainText(/unavailable: .*pg_stat_statements/);
  });

  test('an unreachable database is reported on top, with the reason, instead of empty panels', async ({ page }) => {
    const host = await startHost(['--db', 'postgres://postgres@127.0.0.1:1/roman_nowhere']);
    try {
      await page.goto(pageUrl(host, 'dashboard'));
      const banner = page.getByTestId('dashboard-error');
      await expect(banner).toBeVisible({ timeout: 20_000 });
      await expect(banner).toContainText('Database unreachable — showing nothing live');
      await expect(page.getByTestId('chart-errors-per-hour')).toHaveCount(0);
      await expect(page.getByTestId('entropy-gauge')).toHaveCount(0);
    } finally {
      await host.stop();
    }
  });

  test('an empty database shows clear empty states, and the dashboard updates live when errors arrive', async ({ page, quiet }) => {
    await page.goto(pageUrl(quiet.host, 'dashboard'));
    const errorsLastHour = page.getByTestId('stat-errors-last-hour').locator('.dash-stat-value');
    await expect(errorsLastHour).toHaveText('0', { timeout: 20_000 });
    await expect(page.getByTestId('panel-errors')).toContainText('No errors in the last 24 hours.');
    await expect(page.getByTestId('panel-security')).toContainText('No RLS violations in the last 24 hours.');
    await expect(page.getByTestId('panel-ai-cost')).toContainText('No AI usage in the last 30 days.');
    // Nothing logged: no data, not a healthy 0 % STABLE.
    await expect(page.getByTestId('entropy-label')).toHaveText('NO DATA');
    await expect(page.getByTestId('dashboard-error')).toHaveCount(0);

    await quiet.query(
      `INSERT INTO public.system_logs (timestamp, severity, source, message)
       SELECT now(), 'error', 'api', 'GET /api/documents failed with 503 #' || g FROM generate_series(1, 10) AS g`,
    );
    // No reload: the System Down alert's 'alerts.changed' event refreshes the panels.
    await expect(errorsLastHour).toHaveText('10', { timeout: 8_000 });
    await expect(page.getByTestId('latest-errors').locator('li')).toHaveCount(8);
    await expect(page.getByTestId('alerts-firing-count')).toHaveText('1 firing');
    await expect(page.getByTestId('entropy-label')).toHaveText('UNSTABLE');
  });
});
