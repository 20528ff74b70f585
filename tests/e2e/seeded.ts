/**
 * Playwright fixtures with a real monitored database.
 * - `seeded` (once per worker): a fresh Postgres database with the shared schema (initDatabase) and 30 days of
 *   realistic sample data (the sample workspace generator, "now" = fixture start: an incident still
 *   going on, an IP with 7 RLS violations a few minutes ago, …), and a browser host monitoring it
 *   (`--db URL`).
 * - `quiet` (once per test): a fresh database with the schema and no data at all (nothing can be
 *   firing), and its own browser host — for tests that make something happen and watch the app react.
 * Each also gives `query(sql, params)` on that database. Databases are dropped afterwards. The
 * plain `host` fixture (no database) of ./host stays available.
 */
import type { Page } from '@playwright/test';
import pg from 'pg';
import { createTestDatabase } from '../support/postgres';
import { initDatabase } from '../../src/main/core/db/migrations';
import { generateSampleData, type SampleDataset } from '../../src/main/core/sample/seed';
import { writeSampleData } from '../../src/main/core/sample/writer';
import { startHost, test as base, type HostInfo } from './host';

export interface MonitoredWorld {
  host: HostInfo;
  dbUrl: string;
  query: (sql: string, params?: unknown[]) => Promise<pg.QueryResult>;
}

export interface SeededWorld extends MonitoredWorld {
  /** The "now" the sample data was generated for, and its incidents. */
  facts: SampleDataset['facts'];
  generatedAt: Date;
}

/** A fresh database (schema installed, then `fill`), a browser host monitoring it (extra `env`), both removed after `use`. */
export async function withMonitoredDatabase(
  prefix: string,
  fill: (pool: pg.Pool, url: string) => Promise<void>,
  use: (world: MonitoredWorld) => Promise<void>,
  env: NodeJS.ProcessEnv = {},
): Promise<void> {
  const db = await createTestDatabase(prefix);
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  pool.on('error', () => undefined);
  let host: (HostInfo & { stop(): Promise<void> }) | null = null;
  try {
    await initDatabase(pool);
    await fill(pool, db.url);
    host = await startHost(['--db', db.url], env);
    await use({ host, dbUrl: db.url, query: (sql, params) => pool.query(sql, params) });
  } finally {
    await host?.stop();
    await pool.end();
    await db.drop();
  }
}

export const test = base.extend<{ quiet: MonitoredWorld }, { seeded: SeededWorld }>({
  seeded: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern: none.
    async ({}, use) => {
      const data = generateSampleData(new Date());
      await withMonitoredDatabase(
        'roman_e2e_seeded',
        async (pool) => {
          const client = await pool.connect();
          try {
            await writeSampleData(client, data);
          } finally {
            client.release();
          }
        },
        (world) => use({ ...world, facts: data.facts, generatedAt: data.now }),
        // The seeded data is a snapshot: its logs "stop" at generation time. This worker-long fixture
        // must not see Logs Stopped Arriving fire midway through the run (tested on its own elsewhere).
        { ROMAN_LOGS_STOPPED_MINUTES: '1440' },
      );
    },
    // Seeding 30 days of data takes long on a busy machine: a generous limit, not a race.
    { scope: 'worker', timeout: 240_000 },
  ],
  quiet: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern: none.
    async ({}, use) => {
      await withMonitoredDatabase('roman_e2e_quiet', async () => undefined, use);
    },
    { timeout: 60_000 },
  ],
});

/** The host URL opened on one page of the app (the token stays in the fragment). */
export function pageUrl(host: HostInfo, page: string): string {
  const url = new URL(host.url);
  const params = new URLSearchParams(url.hash.slice(1));
  params.set('page', page);
  url.hash = params.toString();
  return url.toString();
}

/**
 * Screenshot of the whole page: the app scrolls inside <main>, so the viewport is first made as
 * tall as the content (and restored afterwards).
 */
export async function screenshotWhole(page: Page, path: string): Promise<void> {
  const before = page.viewportSize() ?? { width: 1400, height: 900 };
  const height = await page
    .locator('main')
    .evaluate((main: { scrollHeight: number; getBoundingClientRect(): { top: number } }) => main.scrollHeight + main.getBoundingClientRect().top + 24);
  await page.setViewportSize({ width: before.width, height: Math.min(8000, Math.max(before.height, Math.ceil(height))) });
  await page.screenshot({ path, fullPage: true });
  await page.setViewportSize(before);
}

export { expect } from '@playwright/test';
