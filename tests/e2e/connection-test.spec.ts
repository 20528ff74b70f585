/**
 * The first real connection, as a new admin makes it: a profile for the local Postgres (which has
 * no TLS) with the default TLS mode (prefer), "Test connection" before saving (server version, TLS
 * used, latency, tables, what the checks will miss), then using it: the workspace bar says which TLS
 * was used, and "R.O.M.A.N. tables not installed" offers an Install button that says what it creates.
 */
import { test, expect, type Page } from '@playwright/test';
import pg from 'pg';
import net from 'node:net';
import { startHost } from './host';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

type Host = Awaited<ReturnType<typeof startHost>>;
let host: Host;
let db: TestDatabase;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  db = await createTestDatabase('roman_e2e_conn');
  host = await startHost(['--no-workspace']);
});

test.afterAll(async () => {
  await host?.stop();
  await db?.drop();
});

async function openSettings(page: Page): Promise<void> {
  await page.goto(`${host.url}&page=settings`);
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

test('Test connection reports version, TLS used, latency, tables and gaps before saving; the default TLS mode is prefer', async ({ page }) => {
  await openSettings(page);
  await page.getByRole('button', { name: 'Add profile', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill('Local Postgres');
  await page.getByLabel('Environment').selectOption('development');
  await expect(page.getByLabel('TLS mode')).toHaveValue('prefer');

  // Nothing listens: the reason is shown, nothing is saved.
  await page.getByLabel('Connection URL', { exact: true }).fill(`postgres://postgres@127.0.0.1:${await closedPort()}/postgres`);
  await page.getByTestId('test-connection').click();
  const result = page.getByTestId('connection-test');
  await expect(result).toHaveAttribute('data-ok', 'false');
  await expect(result).toContainText('ECONNREFUSED');

  const u = new URL(db.url);
  await page.getByLabel('Connection URL', { exact: true }).fill(`postgres://${u.username}@${u.host}/${db.name}`);
  await page.getByTestId('test-connection').click();
  await expect(result).toHaveAttribute('data-ok', 'true');
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  const version = (await admin.query<{ v: string }>(`select current_setting('server_version') as v`)).rows[0]!.v;
  await admin.end();
  await expect(page.getByTestId('ct-version')).toHaveText(`PostgreSQL ${version}`);
  await expect(page.getByTestId('ct-tls')).toContainText('No TLS');
  await expect(page.getByTestId('ct-tls')).toContainText('prefer');
  await expect(page.getByTestId('ct-latency')).toContainText(/\d+(\.\d)? ms per round trip/);
  await expect(page.getByTestId('ct-tables')).toContainText('not installed');
  await expect(page.getByTestId('ct-tables')).toContainText('ops.roman_events');
  await expect(page.getByTestId('ct-missing')).toBeVisible();
  await expect(page.getByTestId('no-profiles')).toBeVisible(); // testing saved nothing

  // require against a server without TLS: the server's refusal, with a hint about prefer.
  await page.getByLabel('TLS mode').selectOption('require');
  await page.getByTestId('test-connection').click();
  await expect(result).toHaveAttribute('data-ok', 'false');
  await expect(result).toContainText('does not support SSL');
  await expect(result).toContainText('prefer');
  await page.getByLabel('TLS mode').selectOption('prefer');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.locator('[data-testid="profile-row"][data-profile-id="local-postgres"]')).toContainText('prefer');
});

test('using the profile shows the TLS used; Install says what it creates, then installs', async ({ page }) => {
  await openSettings(page);
  await page.getByRole('button', { name: 'Use Local Postgres' }).click();
  const bar = page.getByTestId('workspace-bar');
  await expect(bar).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
  await expect(page.getByTestId('tls-used')).toHaveText('No TLS (prefer)');
  await expect(bar).toContainText('R.O.M.A.N. tables not installed');
  await page.getByTestId('install-tables').click();
  const plan = page.getByTestId('install-plan');
  await expect(plan).toContainText('ops.roman_events');
  await expect(plan).toContainText('public.system_logs');
  await expect(plan).toContainText('nothing is dropped');
  await page.getByTestId('install-confirm').click();
  await expect(page.getByTestId('install-done')).toContainText('created');
  await expect(bar).not.toContainText('R.O.M.A.N. tables not installed', { timeout: 20_000 });
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  const r = await admin.query<{ ok: boolean }>(`select to_regclass('ops.roman_events') is not null as ok`);
  await admin.end();
  expect(r.rows[0]!.ok).toBe(true);
});
