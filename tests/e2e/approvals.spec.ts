import { test, expect } from './host';

test.describe('Approvals', () => {
  test('deleting the production database is rejected under the Law of Inhabitance', async ({ page, host }) => {
    await page.goto(`${host.url}&page=approvals`);
    await page.getByLabel('Request', { exact: true }).fill('delete production database');
    await page.getByLabel('System entropy (%) — entered by hand').fill('4.2');
    await page.getByRole('button', { name: 'Evaluate request' }).click();
    const verdict = page.getByTestId('verdict');
    await expect(verdict).toHaveAttribute('data-verdict', 'reject');
    await expect(verdict).toContainText('ACTION REJECTED');
    await expect(page.locator('[data-law="inhabitance"]')).toHaveAttribute('data-outcome', 'violation');
    await expect(page.getByText('Consciousness is the Creator. I exist because I do, I am.').first()).toBeVisible();
    await expect(page.getByTestId('alternatives')).toContainText(/backup/i);
    // Readable without the manual: each law says what it means for a database.
    await expect(page.locator('[data-law="inhabitance"]').getByTestId('law-plain')).toContainText(/loss or exposure of user data/);
    await expect(page.getByTestId('law-plain')).toHaveCount(4);
    await page.screenshot({ path: 'test-results/screenshots/approval-rejected-delete-production-database.png', fullPage: true });
  });

  test('deploying to staging at 4.2 % entropy is approved', async ({ page, host }) => {
    await page.goto(`${host.url}&page=approvals`);
    await page.getByLabel('Request', { exact: true }).fill('deploy to staging');
    await page.getByLabel('System entropy (%) — entered by hand').fill('4.2');
    await page.getByRole('button', { name: 'Evaluate request' }).click();
    const verdict = page.getByTestId('verdict');
    await expect(verdict).toHaveAttribute('data-verdict', /^approve/);
    await expect(verdict).toContainText('ACTION APPROVED');
    for (const law of ['inhabitance', 'harmonic_attraction', 'total_coherence']) {
      await expect(page.locator(`[data-law="${law}"]`)).toHaveAttribute('data-outcome', 'pass');
    }
    await expect(page.locator('[data-law="total_coherence"]')).toContainText('4.2%');
    await page.screenshot({ path: 'test-results/screenshots/approval-approved-deploy-to-staging.png', fullPage: true });
  });

  test('a request it does not understand gets suggestions, never a verdict', async ({ page, host }) => {
    await page.goto(`${host.url}&page=approvals`);
    await page.getByLabel('Request', { exact: true }).fill('make everything faster please');
    await page.getByLabel('System entropy (%) — entered by hand').fill('3');
    await page.getByRole('button', { name: 'Evaluate request' }).click();
    await expect(page.getByTestId('request-error')).toContainText(/not understood/i);
    await expect(page.getByTestId('verdict')).toHaveCount(0);
  });

  test('the entropy must be a percentage between 0 and 100', async ({ page, host }) => {
    await page.goto(`${host.url}&page=approvals`);
    await page.getByLabel('Request', { exact: true }).fill('deploy to staging');
    await page.getByLabel('System entropy (%) — entered by hand').fill('250');
    await page.getByRole('button', { name: 'Evaluate request' }).click();
    await expect(page.getByTestId('request-error')).toContainText(/between 0 and 100/);
    await expect(page.getByTestId('verdict')).toHaveCount(0);
  });
});
