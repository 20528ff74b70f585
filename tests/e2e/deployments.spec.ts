import { test, expect, pageUrl, withMonitoredDatabase } from './seeded';
import { ManualClock } from '../../src/main/core/clock';
import { recordDeployment } from '../../src/main/core/deployments/markers';
import { runDeploymentCheck } from '../../src/main/core/deployments/check';
import { plantTraffic } from '../integration/deployments/helpers';
import type { Assertion, DeploymentCheckReport } from '../../src/shared/deployments';

const CALM = { perMinute: 40, errorShare: 0.005, failShare: 0.004, latencyMs: 180 };
const BROKEN = { perMinute: 40, errorShare: 0.25, failShare: 0.004, latencyMs: 180 };

test.describe('Deployments', () => {
  test('the performance charts mark the deployments of their period, with version and who deployed it', async ({ page, seeded }) => {
    await page.goto(pageUrl(seeded.host, 'dashboard'));
    const p95 = page.getByTestId('chart-p95');
    const marker = p95.getByTestId('chart-marker').first();
    await expect(marker).toBeAttached({ timeout: 60_000 });
    expect(await marker.getAttribute('data-label')).toMatch(/^\d+\.\d+\.\d+$/);
    await expect(marker.locator('title')).toHaveText(/Deployed \d+\.\d+\.\d+ to production/);
    await expect(page.getByTestId('chart-api-success').getByTestId('chart-marker').first()).toBeAttached();
  });

  test('the Operations page lists each deployment with the checklist recorded before it and its watch outcome', async ({ page }) => {
    test.setTimeout(120_000);
    const now = Date.now();
    const calmAt = new Date(now - 60 * 60_000);
    const brokenAt = new Date(now - 25 * 60_000);
    const checks: DeploymentCheckReport[] = [];
    await withMonitoredDatabase(
        'roman_e2e_deploy',
        async (pool, url) => {
          const check = (at: Date, assertions: Assertion[], by: string) =>
            runDeploymentCheck(pool, {
              url,
              environment: 'staging',
              migrationsDir: null,
              projectDir: null,
              assertions,
              backupMaxAgeHours: 24,
              checkedBy: by,
              clock: new ManualClock(at),
            });
          checks.push(await check(new Date(calmAt.getTime() - 5 * 60_000), ['tests-passed', 'lint-clean', 'typecheck-passed', 'on-call-notified'], 'ci-pipeline'));
          checks.push(await check(new Date(brokenAt.getTime() - 2 * 60_000), [], 'hurried-dev'));
          await plantTraffic(pool, calmAt, -10, 10, CALM);
          await plantTraffic(pool, brokenAt, -10, 0, CALM);
          await plantTraffic(pool, brokenAt, 0, 10, BROKEN);
          await recordDeployment(pool, { version: '3.1.0', environment: 'staging', deployedBy: 'ci-pipeline', at: calmAt });
          await recordDeployment(pool, { version: '3.2.0', environment: 'staging', deployedBy: 'hurried-dev', at: brokenAt });
        },
        async ({ host }) => {
          await page.goto(pageUrl(host, 'operations'));
          const card = page.getByTestId('deployments');
          const calm = card.locator('tr[data-version="3.1.0"]');
          const broken = card.locator('tr[data-version="3.2.0"]');
          await expect(broken).toBeVisible({ timeout: 60_000 });
          // Newest first.
          await expect(card.getByTestId('deployment-row').first()).toHaveAttribute('data-version', '3.2.0');

          await expect(broken.getByTestId('deployment-watch')).toHaveAttribute('data-outcome', 'regression');
          await expect(broken.getByTestId('deployment-watch')).toContainText(/error rate/i);
          await expect(calm.getByTestId('deployment-watch')).toHaveAttribute('data-outcome', 'healthy');
          await expect(broken).toContainText('hurried-dev');

          // Each row shows the checklist recorded before it: what the core stored, not a guess.
          const [calmCheck, brokenCheck] = checks;
          await expect(calm.getByTestId('deployment-check')).toContainText(calmCheck!.passed ? 'passed' : 'not passed');
          await expect(calm.getByTestId('deployment-check')).toContainText('ci-pipeline');
          await expect(broken.getByTestId('deployment-check')).toContainText('not passed');
          await expect(broken.getByTestId('deployment-check')).toContainText('hurried-dev');

          // The detail: every checklist item with its status, and the measures before vs after.
          await broken.getByRole('button', { name: '3.2.0' }).click();
          const detail = card.getByTestId('deployment-detail');
          await expect(detail.locator('li')).toHaveCount(brokenCheck!.items.length);
          await expect(detail.locator('li[data-status="cannot_check"]').first()).toContainText(/only the pipeline knows/);
          await expect(detail.locator('tr[data-measure="error_rate"]')).toHaveAttribute('data-status', 'regression');
          await expect(detail.locator('tr[data-measure="api_success_rate"]')).toHaveAttribute('data-status', 'healthy');
        },
      );
  });
});
