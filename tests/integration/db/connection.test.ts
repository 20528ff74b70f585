import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, ADMIN_URL, type TestDatabase } from '../../support/postgres';
import { openPool, type RomanPool, type StateChange } from '../../../src/main/core/db/connection';
import { ConnectionConfigError, connectionProfileSchema, parseConnectionUrl, redactSecrets } from '../../../src/shared/connections';

let db: TestDatabase;
const admin = new pg.Client({ connectionString: ADMIN_URL });
const opened: RomanPool[] = [];

function track(p: RomanPool): RomanPool {
  opened.push(p);
  return p;
}

beforeAll(async () => {
  db = await createTestDatabase('roman_conn');
  await admin.connect();
});
afterAll(async () => {
  await Promise.all(opened.map((p) => p.close()));
  await admin.end();
  await db.drop();
});

function waitForState(p: RomanPool, state: string, timeoutMs = 10_000): Promise<StateChange> {
  return new Promise((resolve, reject) => {
    if (p.state === state) return resolve({ state: p.state, previous: p.state, error: p.lastError });
    const t = setTimeout(() => reject(new Error(`state ${state} not reached (is ${p.state})`)), timeoutMs);
    p.on('state', function on(change: StateChange) {
      if (change.state === state) {
        clearTimeout(t);
        p.off('state', on);
        resolve(change);
      }
    });
  });
}

async function terminateAppConnections(dbName: string): Promise<number> {
  const r = await admin.query(
    `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = 'roman-desktop' and pid <> pg_backend_pid()`,
    [dbName],
  );
  return r.rowCount ?? 0;
}

describe('connection URLs', () => {
  it('rejects a bad URL with a message that names the problem and hides the password', () => {
    expect(() => parseConnectionUrl('mysql://root:hunter2@db/app')).toThrow(ConnectionConfigError);
    expect(() => parseConnectionUrl('mysql://root:hunter2@db/app')).toThrow(/unsupported URL scheme "mysql" in mysql:\/\/root:\*\*\*@db\/app/);
    expect(() => parseConnectionUrl('postgres://u:hunter2@db:99999/app')).toThrow(/port|not a valid/);
    expect(() => parseConnectionUrl('postgres://u:hunter2@db:99999/app')).not.toThrow(/hunter2/);
    expect(() => parseConnectionUrl('postgres://u@db')).toThrow(/no database name/);
    expect(() => parseConnectionUrl('not a url at all')).toThrow(/not a valid connection URL/);
    expect(() => parseConnectionUrl('postgres://u@db/app?sslmode=sometimes')).toThrow(/unknown sslmode "sometimes"/);
    expect(() => parseConnectionUrl('postgres://u@db/app?foo=1')).toThrow(/unknown URL parameter "foo"/);
    expect(() => openPool('postgres://u:hunter2@/app')).toThrow(ConnectionConfigError);
  });

  it('parses host, port, database, user, password and TLS mode', () => {
    expect(parseConnectionUrl('postgresql://ops%40corp:p%2Fw@db.example.com:6543/app?sslmode=verify-full&sslrootcert=/etc/ca.pem')).toEqual({
      host: 'db.example.com',
      port: 6543,
      database: 'app',
      user: 'ops@corp',
      password: 'p/w',
      tls: { mode: 'verify-full', caPath: '/etc/ca.pem' },
    });
  });

  it('redacts passwords from URLs, key=value strings and known secrets', () => {
    expect(redactSecrets('failed for postgres://admin:s3cr3t@db/app')).toBe('failed for postgres://admin:***@db/app');
    expect(redactSecrets('host=db password=s3cr3t user=x')).toBe('host=db password=*** user=x');
    expect(redactSecrets('auth failed: s3cr3t was wrong', ['s3cr3t'])).toBe('auth failed: *** was wrong');
  });

  it('validates profiles: no password in a profile URL, secretRef when hasPassword', () => {
    const base = { id: 'prod', name: 'Production', environment: 'production', tls: { mode: 'require' }, hasPassword: false };
    expect(connectionProfileSchema.safeParse({ ...base, kind: 'url', url: 'postgres://u@db/app' }).success).toBe(true);
    const withPw = connectionProfileSchema.safeParse({ ...base, kind: 'url', url: 'postgres://u:pw@db/app' });
    expect(withPw.success).toBe(false);
    expect(JSON.stringify(withPw.error?.issues)).toMatch(/must not contain a password/);
    const noRef = connectionProfileSchema.safeParse({ ...base, kind: 'fields', host: 'db', port: 5432, database: 'app', user: 'u', hasPassword: true });
    expect(noRef.success).toBe(false);
    expect(connectionProfileSchema.safeParse({ ...base, kind: 'fields', host: 'db', port: 70000, database: 'app', user: 'u' }).success).toBe(false);
    expect(connectionProfileSchema.safeParse({ ...base, environment: 'prod', kind: 'url', url: 'postgres://u@db/app' }).success).toBe(false);
  });
});

describe('openPool', () => {
  it('connects with application_name roman-desktop, statement_timeout and lock_timeout', async () => {
    const p = track(openPool(db.url, { statementTimeoutMs: 12_000, lockTimeoutMs: 3_000 }));
    await waitForState(p, 'connected');
    const r = await p.pool.query(
      `select current_setting('application_name') as app, current_setting('statement_timeout') as st, current_setting('lock_timeout') as lt`,
    );
    expect(r.rows[0]).toEqual({ app: 'roman-desktop', st: '12s', lt: '3s' });
    expect(p.pool.options.max).toBe(2);
  });

  it('opens a pool from a profile with the password resolved from a secret', async () => {
    const u = new URL(db.url);
    const profile = connectionProfileSchema.parse({
      id: 'local', name: 'Local', environment: 'development', kind: 'fields', host: u.hostname, port: Number(u.port || 5432),
      database: db.name, user: decodeURIComponent(u.username), tls: { mode: 'disable' }, hasPassword: true, secretRef: 'local-pw',
    });
    const p = track(openPool(profile, { password: 'from-keychain' }));
    await waitForState(p, 'connected');
    expect((await p.pool.query('select current_database() as d')).rows[0].d).toBe(db.name);
    expect(p.redact('error near from-keychain')).toBe('error near ***');
    expect(p.description).toBe(`postgres://${decodeURIComponent(u.username)}@${u.hostname}:${u.port || 5432}/${db.name}`);
  });

  it('becomes connected on first use when opened lazily', async () => {
    const p = track(openPool(db.url, { lazy: true }));
    expect(p.state).toBe('connecting');
    await p.pool.query('select 1');
    expect(p.state).toBe('connected');
  });

  it('reports down with a redacted last error when nothing listens, and never throws', async () => {
    const p = track(openPool('postgres://admin:topsecret@127.0.0.1:1/app', { connectionTimeoutMillis: 1000, initialBackoffMs: 50 }));
    const change = await waitForState(p, 'down');
    expect(change.error?.message).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify(p.lastError)).not.toMatch(/topsecret/);
    await expect(p.waitUntilConnected(200)).rejects.toThrow(/postgres:\/\/admin@127\.0\.0\.1:1\/app is unreachable/);
    await expect(p.pool.query('select 1')).rejects.toThrow();
  });

  it('survives pg_terminate_backend of idle connections and comes back to connected', async () => {
    const p = track(openPool(db.url, { initialBackoffMs: 50 }));
    await waitForState(p, 'connected');
    await Promise.all([p.pool.query('select pg_sleep(0.05)'), p.pool.query('select pg_sleep(0.05)')]);
    const states: string[] = [];
    p.on('state', (c: StateChange) => states.push(c.state));
    expect(await terminateAppConnections(db.name)).toBeGreaterThan(0);
    await waitForState(p, 'reconnecting');
    await waitForState(p, 'connected');
    // Let the other terminated connection report too, then settle.
    await new Promise((r) => setTimeout(r, 300));
    await waitForState(p, 'connected');
    // Each terminated connection reports on its own, so the pool may go round more than once.
    expect(states[0]).toBe('reconnecting');
    expect(states.at(-1)).toBe('connected');
    expect(new Set(states)).toEqual(new Set(['reconnecting', 'connected']));
    expect(p.lastError?.code).toBe('57P01');
    const r = await p.pool.query('select 41 + 1 as n');
    expect(r.rows[0].n).toBe(42);
  });

  it('survives a server-side error on a checked-out connection without crashing the process', async () => {
    const p = track(openPool(db.url, { initialBackoffMs: 50 }));
    await waitForState(p, 'connected');
    const client = await p.pool.connect();
    const pid = (await client.query('select pg_backend_pid() as pid')).rows[0].pid;
    const problem = new Promise<{ message: string }>((resolve) => p.once('problem', resolve));
    const running = client.query('select pg_sleep(10)').then(
      () => 'finished',
      (err: Error) => err.message,
    );
    await new Promise((r) => setTimeout(r, 100));
    await admin.query('select pg_terminate_backend($1)', [pid]);
    expect(await running).toMatch(/terminat/);
    expect((await problem).message).toMatch(/terminated unexpectedly/);
    client.release(true);
    await waitForState(p, 'connected');
    expect((await p.pool.query('select 1 as one')).rows[0].one).toBe(1);
  });

  it('reports a failed query on a lost connection through noteFailure and recovers', async () => {
    const p = track(openPool(db.url, { initialBackoffMs: 50 }));
    await waitForState(p, 'connected');
    const err = Object.assign(new Error('Connection terminated unexpectedly for postgres://x:pw123@h/d'), { code: undefined });
    const safe = p.noteFailure(err);
    expect(safe.message).not.toMatch(/pw123/);
    expect(p.state).toBe('reconnecting');
    await waitForState(p, 'connected');
  });
});
