import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests of the real renderer in Debian's Chromium, served by the loopback browser host
 * (the same core and contract the Electron app uses). The browser is CHROMIUM_PATH — `npm test`'s
 * preflight (scripts/preflight.mjs) sets it to the Chromium it found or installed — else Debian's
 * /usr/bin/chromium. Playwright never downloads a browser by itself.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/playwright-artifacts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? '.cache/test-reports/playwright.json' }]],
  use: {
    browserName: 'chromium',
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
    },
    trace: 'off',
  },
});
