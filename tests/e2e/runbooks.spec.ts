/**
 * Operations in real Chromium against real Postgres: a firing System Down alert opens its
 * emergency protocol with the assessment on screen; "freeze writes" goes through the operations
 * gate (not available in this build: recorded as not run); the timeline; the post-mortem export;
 * a runbook run with its report.
 */
import { readFileSync } from 'node:fs';
import { test, expect, pageUrl, screenshotWhole, type MonitoredWorld } from './seeded';

async function insertTenErrors(world: MonitoredWorld): Promise<void> {
  await world.query(
    `INSERT INTO public.system_logs (timestamp, severity, source, message, metadata)
     SELECT now(), 'error', 'database', 'Database connection failed: connection pool exhausted #' || g, '{}'::jsonb
       FROM generate_series(1, 10) AS g`,
  );
}

test.describe('Operations', () => {
  test('a firing System Down alert opens its protocol; freeze writes goes through the gate; the timeline and the post-mortem export', async ({ page, quiet }) => {
    await insertTenErrors(quiet);
    await page.goto(pageUrl(quiet.host, 'alerts'));
    const systemDown = page.getByTestId('section-firing').locator('[data-testid="alert"][data-rule="system_down"]');
    await expect(systemDown).toBeVisible({ timeout: 15_000 });
    await systemDown.getByRole('button', { name: 'Open protocol' }).click();

    const incident = page.getByTestId('incident');
    await expect(incident).toBeVisible({ timeout: 20_000 });
    await expect(incident).toHaveAttribute('data-protocol', 'system-down');
    await expect(incident.getByRole('heading', { name: 'System Down (P0)' })).toBeVisible();
    await expect(incident).toContainText('from the firing alert System Down');
    // The assessment queries ran before anything else: their results are on screen.
    const errors = incident.locator('[data-testid="assessment"][data-key="errors"]');
    await expect(errors).toContainText(/10 error or critical logs in the last 15 minutes/);
    await expect(incident.locator('[data-testid="assessment"][data-key="sessions"]')).toContainText('connections in use');
    // Phases with the manual's targets and a clock each.
    await expect(incident.getByTestId('phase')).toHaveCount(4);
    await expect(incident.locator('[data-phase="immediate"]')).toContainText('< 1 min');
    await expect(incident.locator('[data-phase="immediate"] [data-testid="phase-clock"]')).toHaveText(/left|overdue/);
    await expect(incident.locator('[data-phase="long_term"]')).toContainText('long-term');

    // Freeze writes: one click, through the gate. This build has no gate: nothing runs, and it says so.
    const freeze = incident.locator('[data-testid="step"][data-step="freeze_writes"]');
    await freeze.getByRole('button', { name: /freeze writes/ }).click();
    // through the operations gate: the plan is built from the live privileges (this quiet database grants
    // nothing to authenticated: nothing to freeze), and an unknown environment counts as production (the
    // typed database name is required); either way nothing is revoked and the outcome says why
    await expect(freeze.getByTestId('step-outcome')).toContainText(/nothing to freeze|confirmation_required/);
    await expect(freeze).toHaveAttribute('data-state', 'attempted');

    // A checklist item ticked with a note.
    const statusPage = incident.locator('[data-testid="step"][data-step="status_page"]');
    await statusPage.getByRole('textbox').fill('Supabase status: all green');
    await statusPage.getByRole('checkbox').click(); // the box follows the recorded state once the core answers
    await expect(statusPage).toHaveAttribute('data-state', 'done');

    const timeline = incident.getByTestId('timeline');
    await expect(timeline.locator('tbody tr')).toHaveCount(4);
    await expect(timeline).toContainText('opened System Down (P0) from the firing alert System Down');
    await expect(timeline).toContainText('ran the assessment queries');
    await expect(timeline.locator('tr[data-outcome="not run (refused)"]')).toContainText('freeze writes');
    await expect(timeline.locator('tr[data-outcome="done"]').last()).toContainText('Supabase status: all green');

    const downloading = page.waitForEvent('download');
    await incident.getByRole('button', { name: 'Export post-mortem' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^post-mortem-system-down-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.md$/);
    const md = readFileSync((await download.path())!, 'utf8');
    expect(md).toMatch(/^# Post-mortem \(draft\): System Down \(P0\)/);
    expect(md).toContain('## Timeline');
    expect(md).toContain('not run (refused)');
    expect(md).toContain('### Errors in the last 15 minutes');
    expect(md).toContain('- [x] Check the Supabase status page');
    await screenshotWhole(page, 'test-results/screenshots/operations-incident.png');

    // The incident survives a reload (cache), addressed by the fragment.
    await page.reload();
    await expect(page.getByTestId('incident').getByTestId('timeline').locator('tbody tr')).toHaveCount(4, { timeout: 15_000 });
  });

  test('the runbooks panel shows each runbook with its schedule; a run shows its report with sections', async ({ page, quiet }) => {
    await page.goto(pageUrl(quiet.host, 'runbooks'));
    const status = page.getByTestId('runbook-status');
    await expect(status.locator('tr[data-runbook="weekly"]')).toContainText('0 2 * * 0', { timeout: 20_000 });
    await expect(status.locator('tr[data-runbook="weekly"]')).toContainText('America/New_York');
    await status.getByRole('button', { name: 'Run weekly now' }).click();
    const report = page.getByTestId('runbook-report');
    await expect(report).toBeVisible({ timeout: 120_000 });
    await expect(report.locator('[data-key="vacuum_analyze"]')).toHaveAttribute('data-status', 'not_run');
    await expect(report.locator('[data-key="disk_usage"]')).toHaveAttribute('data-status', 'ok');
    await expect(report.locator('[data-key="slow_queries"]')).toContainText('unavailable');
    await expect(page.getByTestId('runbook-reports').locator('li')).toHaveCount(1);
    const downloading = page.waitForEvent('download');
    await report.getByRole('button', { name: 'Export Markdown' }).click();
    const md = readFileSync((await (await downloading).path())!, 'utf8');
    expect(md).toMatch(/^# Weekly maintenance report/);
  });
});
