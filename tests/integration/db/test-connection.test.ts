/**
 * "Test connection" against the real local Postgres: as a superuser on an empty database, after
 * `roman db init`, as a role without privileges (what the checks will miss), and with nothing
 * listening (the reason, never a throw).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { testConnection } from '../../../src/main/core/db/test-connection';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { parseConnectionUrl } from '../../../src/shared/connections';

let db: TestDatabase;
const role = `roman_ct_${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  db = await createTestDatabase('roman_ct');
});
afterAll(async () => {
  await db.drop();
  const u = new URL(db.url);
  u.pathname = '/postgres';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  await c.query(`drop role if exists ${role}`).catch(() => undefined);
  await c.end();
});

describe('testConnection', () => {
  it('reports version, plain connection under prefer, latency, and that the tables are not installed', async () => {
    const r = await testConnection(parseConnectionUrl(db.url));
    expect(r.ok).toBe(true);
    expect(r.error).toBeNull();
    expect(r.serverVersion).toMatch(/^\d+/);
    expect(r.tls).toEqual({ mode: 'prefer', used: 'plain', protocol: null });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(r.roman.installed).toBe(false);
    expect(r.roman.objects.filter((o) => !o.present).map((o) => o.name)).toContain('ops.roman_events');
    expect(r.target).not.toContain('password');
  });

  it('after roman db init every object is present', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await initDatabase(c);
    await c.end();
    const r = await testConnection(parseConnectionUrl(db.url));
    expect(r.roman.installed).toBe(true);
    expect(r.roman.objects.filter((o) => !o.present)).toEqual([]);
  });

  it('a role without privileges hears what the checks will miss', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query(`create role ${role} login password 'ct-secret-pw'`);
    await c.query(`grant connect on database ${db.name} to ${role}`);
    await c.query(`grant usage on schema ops to ${role}`);
    await c.end();
    const u = new URL(db.url);
    u.username = role;
    u.password = 'ct-secret-pw';
    const r = await testConnection(parseConnectionUrl(u.toString()));
    expect(r.ok).toBe(true);
    const what = r.missing.map((m) => m.what);
    expect(what).toContain('pg_read_all_stats');
    expect(what).toContain('SELECT on public.system_logs');
    expect(what).toContain('SELECT on public.ai_usage_logs');
    expect(what).toContain('INSERT on ops.roman_events');
    expect(what).toContain('pg_signal_backend');
    expect(JSON.stringify(r)).not.toContain('ct-secret-pw');
  });

  it('nothing listening: not ok, with the reason', async () => {
    const s = net.createServer();
    await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise((ok) => s.close(ok));
    const r = await testConnection(parseConnectionUrl(`postgres://postgres:pw-xyz@127.0.0.1:${port}/postgres`));
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/ECONNREFUSED/);
    expect(r.roman.installed).toBeNull();
    expect(r.serverVersion).toBeNull();
  });
});
