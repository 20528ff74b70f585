import { test, expect, pageUrl } from './seeded';

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
});
