import { test, expect } from './seeded';

test('a hand-typed entropy cannot beat a live reading: a lower hand value is ignored and the decision says why', async ({ page, seeded }) => {
  await page.goto(`${seeded.host.url}&page=approvals`);
  // The sample data has an incident going on (live entropy above 10 %, critical alerts firing).
  await expect(page.getByTestId('live-entropy')).toContainText('UNSTABLE');
  await page.getByLabel('Request', { exact: true }).fill('deploy to staging');
  await page.getByLabel('Enter by hand').check();
  await expect(page.getByTestId('hand-entropy-rule')).toContainText('may only raise it');
  await page.getByLabel('System entropy (%) — entered by hand').fill('4.2');
  await page.getByRole('button', { name: 'Evaluate request' }).click();
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-verdict', 'reject');
  await expect(page.locator('[data-law="total_coherence"]')).toHaveAttribute('data-outcome', 'violation');
  await expect(page.getByTestId('entropy-basis')).toContainText('the hand value 4.2% was ignored: it is lower than the live reading');
  const id = (await page.getByTestId('decision-id').textContent())!.trim();
  await expect
    .poll(async () => (await seeded.query(`SELECT metadata->'input'->>'entropy_hand' AS hand FROM ops.roman_events WHERE idempotency_key = $1`, [id])).rows, { timeout: 15_000 })
    .toEqual([{ hand: '0.042' }]);
});
