import { test, expect, pageUrl } from './seeded';
import type { Page } from '@playwright/test';

/** The performance panel's window as the core answered it (ms since epoch) and its printed label. */
async function chartWindow(page: Page): Promise<{ from: number; to: number; bucket: number }> {
  const w = page.getByTestId('performance-window');
  return {
    from: Date.parse((await w.getAttribute('data-from')) ?? ''),
    to: Date.parse((await w.getAttribute('data-to')) ?? ''),
    bucket: Number(await w.getAttribute('data-bucket-seconds')),
  };
}

test.describe('Dashboard time range', () => {
  test('presets, a refused custom range, drag-to-zoom with reset, and a reload that keeps the range', async ({ page, seeded }) => {
    test.setTimeout(240_000);
    await page.goto(pageUrl(seeded.host, 'dashboard'));
    const window = page.getByTestId('performance-window');
    const label = page.getByTestId('range-label');
    const p95 = page.getByTestId('chart-p95');
    await expect(window).toContainText('last 6 h, 5 min buckets', { timeout: 90_000 });
    await expect(label).toHaveText('Last 6 h');
    await expect(page.getByTestId('dashboard-updated')).toHaveText(/^Updated \d+ s ago$/);

    // 7 days: 2-hour buckets, the chart's title and its time axis (with the day) follow.
    await page.getByLabel('Time range').selectOption('7d');
    await expect(label).toHaveText('Last 7 d');
    await expect(window).toContainText('last 7 d, 2 h buckets', { timeout: 60_000 });
    await expect(p95.locator('svg > title')).toHaveText(/p95 request latency, 2 h buckets, last 7 d/);
    await expect(p95.locator('text[data-axis="x"]').last()).toHaveText(/^[A-Z][a-z]{2} \d{1,2} \d\d:\d\d$/);
    let w = await chartWindow(page);
    expect(w.to - w.from).toBe(7 * 86_400_000);
    expect(page.url()).toContain('range=7d');

    // 1 hour: 1-minute buckets, clock-only axis.
    await page.getByLabel('Time range').selectOption('1h');
    await expect(window).toContainText('last 1 h, 1 min buckets', { timeout: 60_000 });
    await expect(p95.locator('svg > title')).toHaveText(/1 min buckets, last 1 h/);
    await expect(p95.locator('text[data-axis="x"]').last()).toHaveText(/^\d\d:\d\d$/);
    w = await chartWindow(page);
    expect(w.to - w.from).toBe(3_600_000);

    // A bad custom range: a clear message, and the range does not change.
    await page.getByLabel('Time range').selectOption('custom');
    await page.getByLabel('From', { exact: true }).fill('2026-01-02T10:00');
    await page.getByLabel('To', { exact: true }).fill('2026-01-02T09:00');
    await page.getByRole('button', { name: 'Apply range' }).click();
    await expect(page.getByTestId('range-error')).toHaveText(/start \("from"\) must be before the end \("to"\).*not changed/);
    await page.getByLabel('From', { exact: true }).fill('2025-10-01T10:00');
    await page.getByLabel('To', { exact: true }).fill('2026-01-02T09:00');
    await page.getByRole('button', { name: 'Apply range' }).click();
    await expect(page.getByTestId('range-error')).toContainText('at most 30 days');
    await expect(label).toHaveText('Last 1 h');
    expect(page.url()).toContain('range=1h');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('custom-range')).toHaveCount(0);

    // A click on the chart is not a drag: nothing changes.
    await p95.scrollIntoViewIfNeeded();
    const box = (await p95.locator('svg').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.4);
    await expect(label).toHaveText('Last 1 h');
    await expect(page.getByTestId('reset-zoom')).toHaveCount(0);

    // Drag across 30 %–70 % of the chart: the range becomes custom with the dragged bounds.
    const before = await chartWindow(page);
    const drag = async () => {
      await p95.scrollIntoViewIfNeeded();
      const b = (await p95.locator('svg').boundingBox())!;
      await page.mouse.move(b.x + b.width * 0.3, b.y + b.height * 0.4);
      await page.mouse.down();
      await page.mouse.move(b.x + b.width * 0.5, b.y + b.height * 0.45, { steps: 5 });
      await expect(p95.getByTestId('chart-selection')).toBeVisible();
      await page.mouse.move(b.x + b.width * 0.7, b.y + b.height * 0.5, { steps: 5 });
      await page.mouse.up();
    };
    await drag();
    await expect(page.getByLabel('Time range')).toHaveValue('custom');
    await expect(label).toHaveText(/→/);
    await expect(window).not.toContainText('last 1 h', { timeout: 60_000 });
    const zoomed = await chartWindow(page);
    const span = before.to - before.from;
    // The plot spans the buckets of the hour; 30 %..70 % of it is ~40 % of the hour, inside it.
    expect(zoomed.from).toBeGreaterThan(before.from);
    expect(zoomed.to).toBeLessThan(before.to);
    expect((zoomed.to - zoomed.from) / span).toBeGreaterThan(0.3);
    expect((zoomed.to - zoomed.from) / span).toBeLessThan(0.5);
    expect(zoomed.bucket).toBeLessThan(before.bucket);
    const hash = new URLSearchParams(new URL(page.url()).hash.slice(1));
    expect(hash.get('range')).toBe(`${new Date(zoomed.from).toISOString()}_${new Date(zoomed.to).toISOString()}`);

    // Reset zoom goes back to the hour.
    await page.getByTestId('reset-zoom').click();
    await expect(label).toHaveText('Last 1 h');
    await expect(window).toContainText('last 1 h, 1 min buckets', { timeout: 60_000 });

    // Zoom again and reload: the range is kept (from the URL).
    await drag();
    await expect(window).not.toContainText('last 1 h', { timeout: 60_000 });
    const kept = await chartWindow(page);
    const keptLabel = await label.innerText();
    await page.reload();
    await expect(label).toHaveText(keptLabel);
    await expect(window).toHaveAttribute('data-from', new Date(kept.from).toISOString(), { timeout: 90_000 });
    await expect(window).toHaveAttribute('data-to', new Date(kept.to).toISOString());
    await expect(page.getByLabel('Time range')).toHaveValue('custom');

    // Auto-refresh: a choice is kept in the URL as well.
    await page.getByLabel('Auto-refresh').selectOption({ label: 'Off' });
    await expect.poll(() => new URLSearchParams(new URL(page.url()).hash.slice(1)).get('refresh')).toBe('0');
    await page.reload();
    await expect(page.getByLabel('Auto-refresh')).toHaveValue('0');
  });
});
