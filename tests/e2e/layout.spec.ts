/**
 * Every page fits the window at the sizes admins use (1024×768 on a laptop, 1920×1080 on a desk):
 * nothing runs past the right edge (no horizontal overflow of the page, of a card, or of a form
 * control inside its card), with the seeded database's real data on screen.
 */
import { test, expect, pageUrl } from './seeded';

const PAGES = ['dashboard', 'alerts', 'approvals', 'audit-log', 'triage', 'operations', 'runbooks', 'audit', 'settings'];
const SIZES = [
  { width: 1024, height: 768 },
  { width: 1920, height: 1080 },
];

/** Elements that stick out of the page or out of their card (tables scroll inside their own box). */
async function overflows(page: import('@playwright/test').Page): Promise<string[]> {
  // Runs in the page (plain JavaScript: the tests are compiled without the DOM library).
  return page.evaluate<string[]>(`(() => {
    const out = [];
    const doc = document.scrollingElement ?? document.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1) out.push(\`page: \${doc.scrollWidth}px wide in a \${doc.clientWidth}px window\`);
    const main = document.querySelector('main');
    if (main && main.scrollWidth > main.clientWidth + 1) out.push(\`main: \${main.scrollWidth}px wide in \${main.clientWidth}px\`);
    for (const card of Array.from(document.querySelectorAll('main .card'))) {
      const box = card.getBoundingClientRect();
      for (const el of Array.from(card.querySelectorAll('input, select, textarea, button, svg, h1, h2'))) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        // Inside a box that scrolls by itself (wide tables): that box is the limit, not the card.
        let scroller = el.parentElement;
        while (scroller && scroller !== card && getComputedStyle(scroller).overflowX !== 'auto' && getComputedStyle(scroller).overflowX !== 'scroll') scroller = scroller.parentElement;
        if (scroller && scroller !== card) continue;
        if (r.right > box.right + 1) {
          const name = el.getAttribute('aria-label') ?? el.getAttribute('data-testid') ?? (el.id ? '#' + el.id : null) ?? el.getAttribute('placeholder') ?? el.textContent?.trim().slice(0, 30) ?? '';
          out.push(\`\${el.tagName.toLowerCase()} "\${name}" ends \${Math.round(r.right - box.right)}px past its card\`);
        }
      }
    }
    return out;
  })()`);
}

for (const size of SIZES) {
  test(`every page fits ${size.width}×${size.height} without horizontal overflow`, async ({ page, seeded }) => {
    test.setTimeout(180_000);
    await page.setViewportSize(size);
    for (const id of PAGES) {
      await page.goto(pageUrl(seeded.host, id));
      await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible({ timeout: 30_000 });
      // Let the page's data arrive and lay out.
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(1500);
      await page.screenshot({ path: `test-results/screenshots/layout-${id}-${size.width}x${size.height}.png` });
      const found = await overflows(page);
      expect(found, `${id} at ${size.width}×${size.height}`).toEqual([]);
    }
  });
}
