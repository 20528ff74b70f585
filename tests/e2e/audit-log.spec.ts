/**
 * Audit log page, offline: the host is pointed at a database where nothing listens, and the page
 * must still search, filter, inspect, export and verify the local cache seeded below.
 */
import { readFileSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { test, expect, type Page } from '@playwright/test';
import { startHost } from './host';
import { Cache } from '../../src/main/core/store/cache';
import { defaultCachePath } from '../../src/main/core/store/paths';
import type { NewRecord } from '../../src/main/core/store/records';

const UNREACHABLE_DB = 'postgres://postgres@127.0.0.1:1/none';
const SEVERITIES = ['debug', 'info', 'warning', 'error', 'critical'] as const;
const SOURCES = ['api', 'auth', 'billing', 'worker'];
const LOGS = 3000;
const DECISIONS = 5;
/** Rows whose message mentions "Quasar": the first three critical, the others error. */
const QUASAR = [7, 507, 1007, 1507, 2007, 2507];

type Host = Awaited<ReturnType<typeof startHost>>;
let host: Host;
let cachePath: string;

function seedRecords(now: number): NewRecord[] {
  const rows: NewRecord[] = [];
  for (let i = 0; i < LOGS; i++) {
    const quasar = QUASAR.indexOf(i);
    const isEvent = i % 10 === 0;
    rows.push({
      kind: isEvent ? 'event' : 'log',
      remoteTable: isEvent ? 'ops.roman_events' : 'public.system_logs',
      remoteId: String(100_000 + i),
      // Row i is i × 4 minutes (+30 s) old: 15 rows in the last hour, ~8 days in all.
      timestamp: now - i * 240_000 - 30_000,
      severity: quasar >= 0 ? (quasar < 3 ? 'critical' : 'error') : SEVERITIES[i % 5],
      source: SOURCES[i % 4],
      type: isEvent ? 'deployment' : null,
      message: quasar >= 0 ? `Quasar reactor meltdown in shard ${i}` : `Request ${i} to /v1/orders finished in ${i % 900} ms`,
      metadata: { ip: `10.0.${i % 256}.${i % 7}`, latency_ms: i % 900, request: { path: '/v1/orders', attempt: i % 3 } },
    });
  }
  return rows;
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  host = await startHost(['--db', UNREACHABLE_DB]);
  cachePath = defaultCachePath(UNREACHABLE_DB, { ROMAN_DATA_DIR: host.dataDir });
  const cache = Cache.open(cachePath);
  try {
    cache.insertRecords(seedRecords(Date.now()));
    for (let k = 1; k <= DECISIONS; k++) {
      cache.appendAudit({
        kind: 'decision',
        type: 'approval',
        severity: 'info',
        source: 'constitution',
        message: `Decision ${k}: deploy to staging approved`,
        metadata: { decision_id: `dec-${k}`, verdict: 'approve' },
      });
    }
  } finally {
    cache.close();
  }
});

test.afterAll(async () => {
  await host?.stop();
});

async function openAuditLog(page: Page): Promise<void> {
  await page.goto(`${host.url}&page=audit-log`);
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
}

const rows = (page: Page) => page.getByTestId('audit-table').getByTestId('vt-row');

test('with the database unreachable the page reads the cache and says it is offline', async ({ page }) => {
  await openAuditLog(page);
  const status = page.getByTestId('cache-status');
  await expect(status).toContainText(`${(LOGS + DECISIONS).toLocaleString('en-US')} cached records`);
  await expect(page.getByTestId('connection-status')).toContainText(/^Offline/);
  await expect(page.getByTestId('connection-status')).toContainText(/never synced|last synced/);
  await expect(rows(page).first()).toBeVisible();
  // Newest first: the five decisions were recorded after every seeded log row.
  await expect(rows(page).first()).toContainText('Decision 5: deploy to staging approved');
});

test('the table is windowed and fetches older pages as the user scrolls', async ({ page }) => {
  await openAuditLog(page);
  // The exact total is counted after the first page (never "200+").
  await expect(page.getByTestId('loaded-count')).toHaveText(`${(LOGS + DECISIONS).toLocaleString('en-US')} matching records — 200 loaded, scroll for more`);
  const domRows = await rows(page).count();
  expect(domRows).toBeGreaterThan(5);
  expect(domRows).toBeLessThan(80);
  const body = page.getByTestId('audit-table').locator('.vt-body');
  for (let i = 0; i < 3; i++) {
    await body.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.waitForTimeout(150);
  }
  await expect(page.getByTestId('loaded-count')).toContainText(/^3,005 matching records — (?:[4-9]\d\d|\d,\d{3}) loaded/);
  expect(await rows(page).count()).toBeLessThan(80);
  await expect(rows(page).last()).toContainText(/Request \d+ to \/v1\/orders/);
});

test('search syntax: OR, NOT, a phrase and a metadata value, with the exact total; bad syntax is explained', async ({ page }) => {
  await openAuditLog(page);
  const search = page.getByLabel('Search');
  await search.fill('quasar OR "deploy to staging"');
  await expect(page.getByTestId('loaded-count')).toHaveText(`${QUASAR.length + DECISIONS} matching records`);
  await search.fill('quasar -"shard 7" NOT 1007');
  await expect(page.getByTestId('loaded-count')).toHaveText(`${QUASAR.length - 2} matching records`);
  await expect(rows(page)).toHaveCount(QUASAR.length - 2);
  await expect(page.getByTestId('audit-table')).not.toContainText(/shard (?:7|1007)\b/);
  // metadata: the decision's id, and a request's IP (row 7 has ip 10.0.7.0)
  await search.fill('dec-3');
  await expect(page.getByTestId('loaded-count')).toHaveText('1 matching record');
  await expect(rows(page).first()).toContainText('Decision 3: deploy to staging approved');
  await search.fill('"10.0.7.0" quasar');
  await expect(page.getByTestId('loaded-count')).toHaveText('1 matching record');
  // A query matching more than a page: the exact total, not "200+"
  await search.fill('orders -quasar');
  await expect(page.getByTestId('loaded-count')).toHaveText(`${(LOGS - QUASAR.length).toLocaleString('en-US')} matching records — 200 loaded, scroll for more`);
  await search.fill('"quasar reactor');
  await expect(page.getByTestId('search-error')).toContainText('unbalanced quote');
  await expect(page.getByTestId('search-error')).not.toContainText(/fts5|sqlite/i);
});

test('search, severity and time filters narrow the list; a row opens its details', async ({ page }) => {
  await openAuditLog(page);
  await page.getByLabel('Search').fill('quasar');
  await expect(page.getByTestId('loaded-count')).toHaveText(`${QUASAR.length} matching records`);
  await expect(rows(page)).toHaveCount(QUASAR.length);
  await page.getByRole('checkbox', { name: 'critical' }).check();
  await expect(page.getByTestId('loaded-count')).toHaveText('3 matching records');
  await expect(rows(page)).toHaveCount(3);
  for (const row of await rows(page).all()) {
    await expect(row).toContainText('critical');
    await expect(row).toContainText('Quasar reactor meltdown');
  }

  // Keyboard: the first row (newest, shard 7) → ↓ → Enter opens shard 507.
  await rows(page).first().focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('record-detail');
  await expect(detail).toContainText('Quasar reactor meltdown in shard 507');
  await rows(page).filter({ hasText: 'shard 1007' }).click();
  await expect(detail).toContainText('Quasar reactor meltdown in shard 1007');
  await expect(detail.getByTestId('record-metadata')).toContainText('"latency_ms": 107');
  await rows(page).filter({ hasText: 'shard 507' }).click();
  await expect(detail).toContainText('Quasar reactor meltdown in shard 507');
  await expect(detail).toContainText('public.system_logs #100507');
  await expect(detail.getByTestId('record-metadata')).toContainText('"latency_ms": 507');
  await expect(detail.getByTestId('record-metadata')).toContainText('"path": "/v1/orders"');
  await page.screenshot({ path: 'test-results/screenshots/audit-log-offline.png', fullPage: true });
  await page.keyboard.press('Escape');
  await expect(detail).toHaveCount(0);

  await page.getByLabel('Search').fill('');
  await page.getByRole('checkbox', { name: 'critical' }).uncheck();
  await page.getByLabel('Time range').selectOption('1h');
  // 15 log rows (0 … 56.5 min old) and the five decisions.
  await expect(page.getByTestId('loaded-count')).toHaveText('20 matching records');
  await page.getByLabel('Kind').selectOption('decision');
  await expect(page.getByTestId('loaded-count')).toHaveText(`${DECISIONS} matching records`);
});

test('CSV export downloads exactly the filtered records', async ({ page }) => {
  await openAuditLog(page);
  await page.getByLabel('Search').fill('quasar');
  await page.getByRole('checkbox', { name: 'critical' }).check();
  await expect(page.getByTestId('loaded-count')).toHaveText('3 matching records');
  // The browser's own download of the host's streamed export (no size cap).
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^roman-audit-log-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.csv$/);
  expect(download.url()).toMatch(/\/api\/exports\/[0-9a-f]{32}$/);
  expect(download.url()).not.toContain(new URL(host.url).hash.slice('#token='.length));
  const path = await download.path();
  const text = readFileSync(path, 'utf8');
  const lines = text.trim().split(/\r\n/);
  expect(lines[0]).toBe('id,timestamp,kind,origin,severity,source,type,message,remote_table,remote_id,chain_seq,metadata');
  expect(lines).toHaveLength(4);
  for (const shard of [7, 507, 1007]) expect(text).toContain(`Quasar reactor meltdown in shard ${shard}`);
  expect(text).not.toContain('shard 1507');
  // The final count and size: the size is the saved file's.
  const size = statSync(path).size;
  expect(size).toBeLessThan(1024);
  await expect(page.getByTestId('export-result')).toContainText(`Exported 3 records as CSV (${size} B) to ${download.suggestedFilename()}.`);

  const [jsonl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON lines' }).click()]);
  expect(jsonl.suggestedFilename()).toMatch(/\.jsonl$/);
  const records = readFileSync(await jsonl.path(), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { severity: string; message: string; metadata: { latency_ms: number } });
  expect(records.map((r) => r.severity)).toEqual(['critical', 'critical', 'critical']);
  expect(records.map((r) => r.metadata.latency_ms).sort((a, b) => a - b)).toEqual([7, 107, 507]);
  await expect(page.getByTestId('export-result')).toContainText('Exported 3 records as JSON lines');
});

test('the audit trail verifies, and a tampered record is named', async ({ page }) => {
  await openAuditLog(page);
  await page.getByRole('button', { name: 'Verify audit trail' }).click();
  const result = page.getByTestId('audit-verification');
  await expect(result).toHaveAttribute('data-valid', 'true');
  await expect(result).toContainText(`Audit trail valid — ${DECISIONS} chained entries`);

  const db = new Database(cachePath);
  try {
    db.prepare("UPDATE records SET message = 'Decision 3: delete production database approved' WHERE chain_seq = 3").run();
  } finally {
    db.close();
  }
  await page.getByRole('button', { name: 'Verify audit trail' }).click();
  await expect(result).toHaveAttribute('data-valid', 'false');
  await expect(result).toContainText('Audit trail BROKEN');
  await expect(result.getByTestId('audit-problem')).toHaveCount(1);
  await expect(result.getByTestId('audit-problem')).toHaveAttribute('data-seq', '3');
  await expect(result.getByTestId('audit-problem')).toContainText('record mismatch');
});
