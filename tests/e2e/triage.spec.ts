import { test, expect, pageUrl, screenshotWhole } from './seeded';

const DB_PATTERN = 'Database connection failed: connection pool exhausted (<*>/<*> in use, waited <*>)';

test.describe('Triage', () => {
  test('lists error patterns with sparklines, filters them, and opens a pattern with its status and statistics', async ({ page, seeded }) => {
    await page.goto(pageUrl(seeded.host, 'triage'));
    await expect(page.getByRole('heading', { level: 1, name: 'Triage' })).toBeVisible();
    const table = page.getByTestId('patterns-table');
    const dbRow = table.getByTestId('pattern-row').filter({ hasText: DB_PATTERN });
    await expect(dbRow).toHaveCount(1, { timeout: 45_000 });
    // the ongoing incident: occurrences in the last hours of the sparkline, a critical-free error pattern
    // the first sync pulls oldest first: poll until the newest rows (the ongoing incident) are in
    const lastTwoHours = async () => {
      const counts = (await dbRow.getByTestId('pattern-sparkline').getAttribute('data-counts'))!.split(',').map(Number);
      expect(counts).toHaveLength(24);
      return counts.at(-1)! + counts.at(-2)!;
    };
    await expect.poll(lastTwoHours, { timeout: 60_000, intervals: [1000] }).toBeGreaterThan(50);
    expect(Number((await dbRow.getByTestId('pattern-count').innerText()).replace(/\D/g, ''))).toBeGreaterThan(100);
    await expect(dbRow).toContainText('playbook db_connection_failures');

    // filters: severity warning shows the RLS pattern and hides the connection errors
    await page.getByTestId('filter-severity').selectOption('warning');
    await expect(table.getByTestId('pattern-row').filter({ hasText: 'User attempted unauthorized access' }).first()).toBeVisible();
    await expect(table.getByTestId('pattern-row').filter({ hasText: DB_PATTERN })).toHaveCount(0);
    await page.getByTestId('filter-severity').selectOption('');
    await page.getByTestId('filter-text').fill('pool exhausted');
    await expect(table.getByTestId('pattern-row')).toHaveCount(1);

    // detail: new and overdue (critical: respond immediately), users, deployment; acknowledge clears overdue
    await table.getByTestId('pattern-row').first().click();
    const detail = page.getByTestId('pattern-detail');
    await expect(detail.getByTestId('detail-template')).toHaveText(DB_PATTERN);
    await expect(detail.getByTestId('pattern-status')).toHaveText('new');
    await expect(detail.getByTestId('pattern-overdue')).toBeVisible();
    await expect(detail).toContainText('respond immediately'); // the ongoing incident has critical rows
    await expect(detail.getByTestId('detail-deployment')).toContainText('deploy_');
    await screenshotWhole(page, 'test-results/screenshots/triage.png');
    await detail.getByTestId('status-acknowledged').click();
    await expect(detail.getByTestId('pattern-status')).toHaveText('acknowledged');
    await expect(detail.getByTestId('pattern-overdue')).toHaveCount(0);
    await detail.getByTestId('status-resolved').click();
    await expect(detail.getByTestId('pattern-status')).toHaveText(/resolved|regressed/);
  });

  test('runs a playbook against the database, records its outcome and shows the measured rate beside the claim', async ({ page, seeded }) => {
    await page.goto(pageUrl(seeded.host, 'triage'));
    const card = page.getByTestId('playbooks');
    await expect(card.getByTestId('playbook')).toHaveCount(5, { timeout: 30_000 });
    const rate = card.getByTestId('rate-db_connection_failures');
    await expect(rate.getByTestId('rate-claimed')).toHaveText('manual claims 85 %');
    await expect(rate.getByTestId('rate-measured')).toContainText('no data');
    await card.getByTestId('run-db_connection_failures').click();
    const run = page.getByTestId('playbook-run');
    await expect(run.getByTestId('detection-state')).toHaveText('triggered', { timeout: 20_000 });
    await expect(run.getByTestId('playbook-checks').locator('[data-check="connection_test"]')).toHaveAttribute('data-status', 'ok');
    await expect(run.getByTestId('playbook-steps')).toContainText('Check Supabase status');
    await run.getByTestId('outcome-select').selectOption('resolved_with_help');
    await run.getByTestId('record-outcome').click();
    await expect(run.getByTestId('outcome-recorded')).toContainText('resolved with help');
    await expect(rate.getByTestId('rate-measured')).toContainText('0 % of 1 run', { timeout: 20_000 });
  });

  test('a playbook action is put before the constitutional core on the Approvals page, never run from the playbook', async ({ page, seeded }) => {
    await page.goto(pageUrl(seeded.host, 'triage'));
    const card = page.getByTestId('playbooks');
    await card.getByTestId('run-rls_violations').click();
    const run = page.getByTestId('playbook-run');
    await expect(run.getByTestId('detection-state')).toHaveText('triggered', { timeout: 20_000 });
    const request = run.getByTestId('playbook-actions').getByTestId('request-approval').first();
    await expect(request).toBeVisible();
    await request.click();
    await expect(page.locator('#request-text')).toHaveValue(/^block ip \d{1,3}(\.\d{1,3}){3}$/, { timeout: 10_000 });
  });

  test('guides a triage in six steps from a pattern and stores the note with it', async ({ page, seeded }) => {
    await page.goto(pageUrl(seeded.host, 'triage'));
    const row = page.getByTestId('pattern-row').filter({ hasText: 'Webhook signature verification failed' }).first();
    await expect(row).toBeVisible({ timeout: 45_000 });
    await row.click();
    await page.getByTestId('start-guided').click();
    const flow = page.getByTestId('guided-triage');
    for (let i = 1; i <= 6; i++) await expect(flow.getByTestId(`step-${i}`)).toBeVisible({ timeout: 20_000 });
    await expect(flow.getByTestId('context-errors').locator('li').first()).toBeVisible();
    await expect(flow.getByTestId('step-2')).toContainText('Is the error recurring?');
    await expect(flow.locator('[data-question="recurring"]')).toContainText('Yes');
    await expect(flow.locator('[data-question="feature"]')).toContainText('endpoint');
    await flow.getByTestId('guided-run-playbook').click();
    await expect(flow.getByTestId('playbook-run')).toHaveAttribute('data-playbook', 'stripe_webhook');
    await flow.getByTestId('mark-fixed').click();
    await expect(flow.getByTestId('validation-summary')).toContainText('errors in the last 10 minutes', { timeout: 20_000 });
    await flow.getByLabel('Triage note').fill('Rotated STRIPE_WEBHOOK_SECRET and replayed the missed events.');
    await flow.getByTestId('save-note').click();
    await expect(flow.getByTestId('note-saved')).toBeVisible();
    await flow.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByTestId('detail-notes')).toContainText('Rotated STRIPE_WEBHOOK_SECRET');
  });

  test('the dashboard groups recent errors by pattern', async ({ page, seeded }) => {
    await page.goto(pageUrl(seeded.host, 'dashboard'));
    const list = page.getByTestId('errors-by-pattern');
    await expect(list.locator('li').filter({ hasText: DB_PATTERN })).toHaveCount(1, { timeout: 45_000 });
  });
});
