import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { MIGRATIONS, initDatabase } from '../../../src/main/core/db/migrations';

const dbs: TestDatabase[] = [];
const pools: pg.Pool[] = [];

async function freshPool(): Promise<{ db: TestDatabase; pool: pg.Pool }> {
  const db = await createTestDatabase('roman_dbinit');
  dbs.push(db);
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pools.push(pool);
  return { db, pool };
}

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await Promise.all(dbs.map((d) => d.drop()));
});

async function columns(pool: pg.Pool, schema: string, table: string): Promise<string[]> {
  const r = await pool.query<{ c: string }>(
    'select column_name as c from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position',
    [schema, table],
  );
  return r.rows.map((x) => x.c);
}

describe('initDatabase on an empty database', () => {
  let pool: pg.Pool;
  beforeAll(async () => {
    ({ pool } = await freshPool());
  });

  it('creates the ops schema, the shared tables, the indexes and the signals trigger', async () => {
    const report = await initDatabase(pool);
    expect(report.created).toEqual(
      expect.arrayContaining([
        'schema ops',
        'table ops.roman_events',
        'table ops.system_health',
        'table public.system_logs',
        'table public.ai_usage_logs',
        'trigger roman_signals_notify on public.system_logs',
        'index roman_system_logs_severity_ts_idx on public.system_logs',
        'index roman_ai_usage_logs_created_at_idx on public.ai_usage_logs',
      ]),
    );
    expect(report.warnings).toEqual([]);
    expect(await columns(pool, 'public', 'system_logs')).toEqual([
      'id', 'timestamp', 'severity', 'source', 'message', 'user_id', 'correlation_id', 'metadata',
    ]);
    expect(await columns(pool, 'ops', 'roman_events')).toContain('idempotency_key');
    const migrations = await pool.query('select version, name, checksum, applied_at from ops.roman_migrations order by version');
    expect(migrations.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(migrations.rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
  });

  it('creates nothing the second time and reports everything as already there', async () => {
    const second = await initDatabase(pool);
    expect(second.created).toEqual([]);
    expect(second.appliedMigrations).toEqual([]);
    expect(second.existing).toEqual(
      expect.arrayContaining(['table public.system_logs', 'trigger roman_signals_notify on public.system_logs']),
    );
    const n = await pool.query('select count(*)::int as n from ops.roman_migrations');
    expect(n.rows[0].n).toBe(MIGRATIONS.length);
  });

  it('rejects invalid severities in the system_logs it created', async () => {
    await expect(
      pool.query(`insert into system_logs (severity, source, message) values ('loud', 'api', 'x')`),
    ).rejects.toThrow(/system_logs_severity_check/);
  });
});

describe('initDatabase next to existing user tables', () => {
  let pool: pg.Pool;
  beforeAll(async () => {
    ({ pool } = await freshPool());
    await pool.query(`create table public.system_logs (
      id bigserial primary key,
      timestamp timestamptz not null default now(),
      severity text not null,
      source text not null,
      message text not null,
      metadata jsonb not null default '{}',
      tenant text not null default 'acme',
      region text
    )`);
    await pool.query(`insert into system_logs (severity, source, message, region)
      select 'info', 'api', 'row ' || g, 'eu' from generate_series(1, 500) g`);
  });

  it('leaves the user table, its extra columns and its rows untouched and reports missing columns', async () => {
    const before = await pool.query('select * from system_logs order by id');
    const report = await initDatabase(pool);
    expect(report.existing).toContain('table public.system_logs');
    expect(report.created).not.toContain('table public.system_logs');
    expect(report.missingColumns.filter((m) => m.table === 'public.system_logs').map((m) => m.column).sort()).toEqual([
      'correlation_id',
      'user_id',
    ]);
    expect(report.warnings.join('\n')).toMatch(/public\.system_logs has no column "user_id"/);
    expect(await columns(pool, 'public', 'system_logs')).toEqual([
      'id', 'timestamp', 'severity', 'source', 'message', 'metadata', 'tenant', 'region',
    ]);
    const after = await pool.query('select * from system_logs order by id');
    expect(after.rows).toEqual(before.rows);
  });

  it('adds the missing indexes and the trigger to the existing table, then creates nothing on a rerun', async () => {
    const idx = await pool.query<{ indexname: string }>(
      `select indexname from pg_indexes where schemaname = 'public' and tablename = 'system_logs'`,
    );
    expect(idx.rows.map((r) => r.indexname)).toEqual(
      expect.arrayContaining(['roman_system_logs_timestamp_idx', 'roman_system_logs_severity_ts_idx']),
    );
    const valid = await pool.query(`select bool_and(indisvalid) as ok from pg_index where indrelid = 'public.system_logs'::regclass`);
    expect(valid.rows[0].ok).toBe(true);
    const again = await initDatabase(pool);
    expect(again.created).toEqual([]);
  });

  it('counts an equivalent user index instead of creating a duplicate', async () => {
    const { pool: p2 } = await freshPool();
    await p2.query(`create table public.ai_usage_logs (id bigserial primary key, created_at timestamptz not null default now(),
      provider text not null, total_tokens int, cost_usd numeric, latency_ms int)`);
    await p2.query('create index my_usage_time on public.ai_usage_logs (created_at)');
    const report = await initDatabase(p2);
    expect(report.existing).toContain('index my_usage_time on public.ai_usage_logs (serves as roman_ai_usage_logs_created_at_idx)');
    const idx = await p2.query(`select count(*)::int as n from pg_indexes where tablename = 'ai_usage_logs' and indexdef like '%(created_at)'`);
    expect(idx.rows[0].n).toBe(1);
    expect(report.missingColumns.filter((m) => m.required)).toEqual([]);
  });
});

describe('initDatabase with a single client', () => {
  it('works on a connected pg.Client and leaves its session settings as they were', async () => {
    const { db } = await freshPool();
    const client = new pg.Client({ connectionString: db.url, statement_timeout: 15_000 });
    await client.connect();
    try {
      const report = await initDatabase(client);
      expect(report.created).toContain('table public.system_logs');
      const s = await client.query(`select current_setting('statement_timeout') as st, pg_try_advisory_lock(1) as free`);
      expect(s.rows[0]).toEqual({ st: '15s', free: true });
      const held = await client.query(`select count(*)::int as n from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and objid <> 1`);
      expect(held.rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
  });
});

describe('initDatabase from two apps at once', () => {
  it('serialises on an advisory lock: both succeed and each object is created exactly once', async () => {
    const { pool } = await freshPool();
    const [a, b] = await Promise.all([initDatabase(pool), initDatabase(pool)]);
    const createdTables = [...a.created, ...b.created].filter((c) => c === 'table public.system_logs');
    expect(createdTables).toHaveLength(1);
    expect([a.created.length, b.created.length].sort((x, y) => x - y)[0]).toBe(0);
    const n = await pool.query('select count(*)::int as n from ops.roman_migrations');
    expect(n.rows[0].n).toBe(MIGRATIONS.length);
  });
});

describe('roman_signals trigger', () => {
  let pool: pg.Pool;
  let listener: pg.Client;
  const received: string[] = [];
  beforeAll(async () => {
    const fresh = await freshPool();
    pool = fresh.pool;
    await initDatabase(pool);
    listener = new pg.Client({ connectionString: fresh.db.url });
    await listener.connect();
    listener.on('notification', (n) => {
      if (n.channel === 'roman_signals' && n.payload) received.push(n.payload);
    });
    await listener.query('listen roman_signals');
  });
  afterAll(async () => {
    await listener.end();
  });
  afterEach(() => {
    received.length = 0;
  });

  async function settle(): Promise<void> {
    await listener.query('select 1');
    await new Promise((r) => setTimeout(r, 50));
  }

  it('notifies errors, criticals and RLS violations with a small JSON payload, and nothing else', async () => {
    const r = await pool.query<{ id: string }>(`insert into system_logs (severity, source, message) values
      ('info', 'api', 'fine'), ('error', 'api', 'boom'), ('warning', 'rls_violation', 'denied'), ('critical', 'db', 'down')
      returning id::text`);
    await settle();
    const payloads = received.map((p) => JSON.parse(p));
    expect(payloads).toEqual([
      { table: 'system_logs', id: Number(r.rows[1].id), severity: 'error', source: 'api' },
      { table: 'system_logs', id: Number(r.rows[2].id), severity: 'warning', source: 'rls_violation' },
      { table: 'system_logs', id: Number(r.rows[3].id), severity: 'critical', source: 'db' },
    ]);
  });

  it('sends a single summary instead of flooding when one statement inserts many errors', async () => {
    await pool.query(`insert into system_logs (severity, source, message) select 'error', 'api', 'e' || g from generate_series(1, 1000) g`);
    await settle();
    const payloads = received.map((p) => JSON.parse(p));
    expect(payloads).toHaveLength(101);
    expect(payloads[100]).toMatchObject({ table: 'system_logs', severity: 'error', count: 1000, truncated: true });
  });
});
