import { test, expect } from './seeded';

test('with a watched database the verdict uses the live entropy and lands in ops.roman_events', async ({ page, seeded }) => {
  await page.goto(`${seeded.host.url}&page=approvals`);
  // The sample data has an incident going on: the live entropy is above 10 % (UNSTABLE).
  await expect(page.getByTestId('live-entropy')).toContainText('UNSTABLE');
  // The live line shows the decision entropy itself: the worst of the 5- and 15-minute windows.
  await expect(page.getByTestId('live-entropy')).toContainText(/the worst of 5 min [\d.]+%, 15 min [\d.]+%/);
  await page.getByLabel('Request', { exact: true }).fill('deploy to staging');
  await page.getByRole('button', { name: 'Evaluate request' }).click();
  const verdict = page.getByTestId('verdict');
  await expect(verdict).toHaveAttribute('data-verdict', 'reject');
  await expect(page.locator('[data-law="total_coherence"]')).toHaveAttribute('data-outcome', 'violation');
  await expect(page.getByText('(measured live)')).toBeVisible();
  const id = (await page.getByTestId('decision-id').textContent())!.trim();
  await expect
    .poll(async () => (await seeded.query(`SELECT event_type FROM ops.roman_events WHERE idempotency_key = $1`, [id])).rows, { timeout: 15_000 })
    .toEqual([{ event_type: 'rejection' }]);
  await page.screenshot({ path: 'test-results/screenshots/approval-live-entropy-rejected.png', fullPage: true });
});
