import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect, pageUrl, screenshotWhole, withMonitoredDatabase, type MonitoredWorld } from './seeded';
import type { Page } from '@playwright/test';
import { alertFingerprint } from '../../src/shared/alerts';

/** Ten error rows stamped now(): the manual's System Down trigger (10+ errors in 1 minute). */
async function insertTenErrors(world: MonitoredWorld): Promise<void> {
  await world.query(
    `INSERT INTO public.system_logs (timestamp, severity, source, message, metadata)
     SELECT now(), 'error', 'database', 'Database connection failed: connection pool exhausted (20/20 in use) #' || g, jsonb_build_object('pool_size', 20)
       FROM generate_series(1, 10) AS g`,
  );
}

async function openAlerts(page: Page, world: MonitoredWorld): Promise<void> {
  await page.goto(pageUrl(world.host, 'alerts'));
  await expect(page.getByRole('heading', { level: 1, name: 'Alerts' })).toBeVisible();
}

const firingAlert = (page: Page, rule: string) => page.getByTestId('section-firing').locator(`[data-testid="alert"][data-rule="${rule}"]`);

test.describe('Alerts', () => {
  test('the alerts page lists the alerts firing on the seeded database, with severity, value, summary and since when', async ({ page, seeded }) => {
    await openAlerts(page, seeded);
    // The sample's ongoing database incident has kept the error rate above 5 % for 10+ minutes. It
    // is firing — listed under Firing, or under Silenced when a firing System Down inhibits it.
    const spike = page.locator('[data-testid="alert"][data-rule="error_rate_spike"]');
    await expect(spike).toHaveAttribute('data-state', 'firing', { timeout: 20_000 });
    await expect(spike.getByRole('heading', { name: 'Error Rate Spike' })).toBeVisible();
    await expect(spike.getByTestId('alert-severity')).toHaveText('warning');
    await expect(spike).toContainText(/error rate \d+(\.\d)? % in the last minute/);
    await expect(spike).toContainText('Firing since');
    await expect(spike).toContainText('Error rate > 5% for 10 minutes');
    await expect(spike.getByTestId('alert-value')).toHaveText(/^\d+\.\d%$/);
    await expect(spike).toHaveAttribute('data-acknowledged', 'false');

    const firing = page.getByTestId('section-firing').getByTestId('alert');
    await expect(firing.first()).toBeVisible();
    for (const card of await firing.all()) {
      await expect(card).toHaveAttribute('data-state', 'firing');
      await expect(card.getByTestId('alert-severity')).toHaveText(/^(critical|warning)$/);
      await expect(card).toContainText('Firing since');
      await expect(card.getByRole('button', { name: 'Acknowledge' })).toBeEnabled();
    }
    for (const section of ['section-pending', 'section-silenced', 'section-resolved']) await expect(page.getByTestId(section)).toBeVisible();
    await expect(page.getByTestId('alert-history').locator('tr[data-rule="error_rate_spike"][data-to="firing"]')).toHaveCount(1);
    await expect(page.getByTestId('notifiers')).toBeVisible();
    await expect(page.getByTestId('rule-errors')).toBeVisible();
    await screenshotWhole(page, 'test-results/screenshots/alerts.png');
  });

  test('an alert appears in the app within seconds of 10 errors being inserted', async ({ page, quiet }) => {
    await openAlerts(page, quiet);
    await expect(page.getByTestId('section-firing')).toContainText('Nothing is firing.');
    await insertTenErrors(quiet);
    const systemDown = firingAlert(page, 'system_down');
    await expect(systemDown).toBeVisible({ timeout: 5_000 });
    await expect(systemDown.getByRole('heading', { name: 'System Down' })).toBeVisible();
    await expect(systemDown.getByTestId('alert-severity')).toHaveText('critical');
    await expect(systemDown).toContainText('10 errors in the last minute (threshold 10)');
    await screenshotWhole(page, 'test-results/screenshots/alert-system-down-live.png');
  });

  test('"Send test" to the in-app notifier shows the test notification itself, as every page would', async ({ page, quiet }) => {
    await openAlerts(page, quiet);
    const inApp = page.locator('[data-testid="notifier"][data-name="in-app"]');
    await expect(inApp).toBeVisible();
    await inApp.getByRole('button', { name: 'Send test' }).click();
    const toast = page.getByTestId('toast');
    await expect(toast).toHaveCount(1);
    await expect(toast).toHaveAttribute('data-test', 'true');
    await expect(toast).toContainText('Test notification');
    await expect(toast).toContainText('alerts reach this channel');
    await toast.getByRole('button', { name: 'Close notification' }).click();
    await expect(toast).toHaveCount(0);
  });

  test('acknowledging a firing alert shows who acknowledged it, also after a reload', async ({ page, quiet }) => {
    await insertTenErrors(quiet);
    await openAlerts(page, quiet);
    const systemDown = firingAlert(page, 'system_down');
    await expect(systemDown).toBeVisible({ timeout: 10_000 });
    await systemDown.getByRole('button', { name: 'Acknowledge' }).click();
    await expect(systemDown).toHaveAttribute('data-acknowledged', 'true');
    await expect(systemDown.getByTestId('alert-acknowledged')).toContainText('acknowledged by');
    await expect(systemDown.getByRole('button', { name: 'Acknowledged' })).toBeDisabled();
    await page.reload();
    await expect(firingAlert(page, 'system_down')).toHaveAttribute('data-acknowledged', 'true');
  });

  test('silencing an alert moves it to Silenced with matchers from its rule; expiring the silence brings it back', async ({ page, quiet }) => {
    await insertTenErrors(quiet);
    await openAlerts(page, quiet);
    const systemDown = firingAlert(page, 'system_down');
    await expect(systemDown).toBeVisible({ timeout: 10_000 });
    await systemDown.getByRole('button', { name: 'Silence…' }).click();
    const form = systemDown.getByTestId('silence-form');
    await expect(form).toContainText('alertname="system_down"');
    await form.getByLabel('Duration (minutes)').fill('30');
    await form.getByRole('button', { name: 'Create silence' }).click();
    await expect(form.getByRole('alert')).toContainText('say why');
    await form.getByLabel('Comment').fill('known incident: pool exhausted, fix deploying');
    await form.getByRole('button', { name: 'Create silence' }).click();

    const silenced = page.getByTestId('section-silenced').locator('[data-testid="alert"][data-rule="system_down"]');
    await expect(silenced).toBeVisible();
    await expect(firingAlert(page, 'system_down')).toHaveCount(0);
    const silence = page.getByTestId('silences').getByTestId('silence');
    await expect(silence).toHaveCount(1);
    await expect(silence).toContainText('alertname="system_down"');
    await expect(silence).toContainText('known incident: pool exhausted, fix deploying');
    // Its end is 30 minutes ahead, and says so (never "just now").
    await expect(silence).toContainText(/until .*\(in (29|30) min\)/);

    await silenced.getByRole('button', { name: 'Expire silence' }).click();
    await expect(firingAlert(page, 'system_down')).toBeVisible();
    await expect(page.getByTestId('silences')).toContainText('No active silences.');
  });

  test('opening the app on an alert (a desktop notification click) highlights that alert', async ({ page, quiet }) => {
    await insertTenErrors(quiet);
    await page.goto(`${pageUrl(quiet.host, 'alerts')}&alert=${alertFingerprint('system_down', {})}`);
    const systemDown = firingAlert(page, 'system_down');
    await expect(systemDown).toBeVisible({ timeout: 10_000 });
    await expect(systemDown).toHaveAttribute('data-focused', 'true');
    await expect(systemDown).toBeInViewport();
  });

  test('a Discord webhook that answers 404 is shown disabled with the reason, and "Send test" says why it failed', async ({ page }) => {
    let hits = 0;
    const discord = createServer((req, res) => {
      hits++;
      req.resume();
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Unknown Webhook', code: 10015 }));
    });
    await new Promise<void>((ok) => discord.listen(0, '127.0.0.1', ok));
    const webhook = `http://127.0.0.1:${(discord.address() as AddressInfo).port}/api/webhooks/1234567890/secret-token-e2e`;
    try {
      await withMonitoredDatabase(
        'roman_e2e_discord',
        async () => undefined,
        async (world) => {
          await openAlerts(page, world);
          const notifier = page.locator('[data-testid="notifier"][data-name="discord"]');
          await expect(notifier).toBeVisible();
          await notifier.getByRole('button', { name: 'Send test' }).click();
          await expect(page.getByTestId('alerts-notice')).toContainText(/404|disabled|Unknown Webhook/i);
          await expect(notifier).toHaveAttribute('data-health', 'disabled');
          await expect(notifier).toContainText(/404/);
          await expect(page.getByTestId('notifiers')).not.toContainText('secret-token-e2e');
          expect(hits).toBeGreaterThanOrEqual(1);
        },
        { ROMAN_DISCORD_WEBHOOK_URL: webhook },
      );
    } finally {
      await new Promise((ok) => discord.close(ok));
    }
  });
});
