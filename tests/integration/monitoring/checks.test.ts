import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../../src/main/core/clock';
import { runHealthChecks } from '../../../src/main/core/monitoring/runner';
import { ALL_HEALTH_CHECKS } from '../../../src/main/core/monitoring/checks';
import { memoryFor } from '../../../src/main/core/monitoring/features';
import { DEFAULT_THRESHOLDS, HEALTH_AREAS, HEALTH_STATUSES, resolveThresholds, type HealthCheckResult } from '../../../src/shared/monitoring';
import { createMonitoredDatabase, insertAiUsage, insertLogs, minutesBefore, type MonitoredDatabase } from './fixture';

let m: MonitoredDatabase;

beforeAll(async () => {
  m = await createMonitoredDatabase();
  // a small realistic workload
  await m.pool.query(`CREATE TABLE public.orders (id bigserial PRIMARY KEY, customer text, total numeric) WITH (autovacuum_enabled = false)`);
  await m.pool.query(`CREATE INDEX orders_customer_idx ON public.orders (customer)`);
  await m.pool.query(`INSERT INTO public.orders (customer, total) SELECT 'c' || (g % 50), g FROM generate_series(1, 3000) g`);
  const now = new Date();
  await insertLogs(m.pool, [
    { at: minutesBefore(now, 2), metadata: { status: 200, latency_ms: 120, ip: '10.0.0.1' } },
    { at: minutesBefore(now, 3), severity: 'error', message: 'db timeout', metadata: { status: 500, latency_ms: 2500 } },
  ]);
  await insertAiUsage(m.pool, [{ at: minutesBefore(now, 5), costUsd: 1.5 }]);
});
afterAll(async () => {
  await m?.close();
});

function byKey(results: HealthCheckResult[], key: string): HealthCheckResult {
  const r = results.find((x) => x.key === key);
  if (!r) throw new Error(`no result for ${key}`);
  return r;
}

describe('health checks on a seeded database', () => {
  it('every check returns one well-formed record', async () => {
    const results = await runHealthChecks(m.pool, { clock: systemClock });
    expect(results.map((r) => r.key)).toEqual(ALL_HEALTH_CHECKS.map((c) => c.key));
    expect(new Set(results.map((r) => r.key)).size).toBe(results.length);
    for (const r of results) {
      expect(HEALTH_AREAS).toContain(r.area);
      expect(HEALTH_STATUSES).toContain(r.status);
      expect(r.key).toBe(`${r.area}.${r.name}`);
      expect(r.title.length).toBeGreaterThan(3);
      expect(r.detail.length).toBeGreaterThan(3);
      expect(r.remediation.length).toBeGreaterThan(5);
      expect(Number.isNaN(Date.parse(r.checkedAt))).toBe(false);
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
      expect(r.value === null || Number.isFinite(r.value)).toBe(true);
      expect(() => JSON.stringify(r)).not.toThrow();
      if (r.status === 'unavailable') expect(r.unavailableReason).toBeTruthy();
    }
    // everything except pg_stat_statements (not preloaded) and public.subscriptions (not ours) runs
    expect(results.filter((r) => r.status === 'unavailable').map((r) => r.key).sort()).toEqual([
      'queries.slow',
      'system.active_subscriptions',
    ]);
  });

  it('reports the manual health numbers and the application signals from the seeded rows', async () => {
    const results = await runHealthChecks(m.pool, { clock: systemClock });
    expect(byKey(results, 'system.errors_last_hour').value).toBe(1);
    expect(byKey(results, 'system.active_connections').value).toBeGreaterThanOrEqual(1);
    expect(byKey(results, 'application.error_rate')).toMatchObject({ value: 0.5, status: 'critical' });
    // 2 log requests + 1 AI call, 1 failed
    expect(byKey(results, 'application.api_success_rate').value).toBeCloseTo(2 / 3, 10);
    expect(byKey(results, 'application.api_success_rate').status).toBe('critical');
    expect(byKey(results, 'application.p95_latency').value).toBeGreaterThan(2000);
    expect(byKey(results, 'application.ai_budget')).toMatchObject({ value: 1.5, status: 'ok' });
    const pool = byKey(results, 'connections.pool_usage');
    expect(pool.value).toBeGreaterThan(0);
    expect(pool.value).toBeLessThan(1);
    expect(pool.threshold).toEqual({ comparison: 'above', warning: 0.8, critical: 0.9 });
    expect(byKey(results, 'space.database_size').value).toBeGreaterThan(1_000_000);
    expect(byKey(results, 'space.table_sizes').rows?.map((r) => `${r.schema}.${r.table}`)).toContain('public.orders');
    const xid = byKey(results, 'maintenance.xid_wraparound');
    expect(xid.status).toBe('ok');
    expect(xid.value).toBeGreaterThan(2_000_000_000);
    // Nothing to measure is not ok: a primary without standbys has no lag to judge.
    expect(byKey(results, 'replication.lag')).toMatchObject({ status: 'no_data', value: null });
  });

  it('an empty window is "no data", never ok: error rate, API success rate and p95 say so with their window', async () => {
    // A window far from every seeded row: nothing was logged, nothing was requested.
    const clock = new ManualClock(new Date(Date.now() + 30 * 24 * 3600_000));
    const results = await runHealthChecks(m.pool, { clock, keys: ['application.error_rate', 'application.api_success_rate', 'application.p95_latency'] });
    for (const r of results) {
      expect(r.status, r.key).toBe('no_data');
      expect(r.value, r.key).toBeNull();
      expect(r.detail).toMatch(/^No data: no (logs|requests|timed requests) in the last 15 minutes/);
      expect(r.windowMinutes).toBe(15);
    }
  });

  it('"Errors in the last hour" counts error and critical logs and is graded, not always ok', async () => {
    const at = new Date(Date.now() + 60 * 24 * 3600_000);
    const clock = new ManualClock(at);
    const keys = ['system.errors_last_hour'];
    expect(byKey(await runHealthChecks(m.pool, { clock, keys }), 'system.errors_last_hour')).toMatchObject({ value: 0, status: 'ok', windowMinutes: 60 });
    await insertLogs(m.pool, [
      { at: minutesBefore(at, 5), severity: 'error' },
      ...Array.from({ length: 11 }, (_, i) => ({ at: minutesBefore(at, 10 + i), severity: 'critical' as const })),
      { at: minutesBefore(at, 61), severity: 'critical' },
    ]);
    const r = byKey(await runHealthChecks(m.pool, { clock, keys }), 'system.errors_last_hour');
    expect(r).toMatchObject({ value: 12, status: 'warning' });
    expect(r.detail).toContain('(1 error, 11 critical)');
    const strict = resolveThresholds(DEFAULT_THRESHOLDS, { errorsLastHourWarning: 1, errorsLastHourCritical: 5 });
    expect(byKey(await runHealthChecks(m.pool, { clock, keys, thresholds: strict }), 'system.errors_last_hour').status).toBe('critical');
  });

  it('the subscriptions query says why it is unavailable, and counts active rows once the table exists', async () => {
    let [r] = await runHealthChecks(m.pool, { clock: systemClock, keys: ['system.active_subscriptions'] });
    expect(r).toMatchObject({ status: 'unavailable', unavailableReason: 'table public.subscriptions does not exist' });
    expect(r.detail).toBe('unavailable: table public.subscriptions does not exist');
    await m.pool.query(`CREATE TABLE public.subscriptions (id serial PRIMARY KEY, status text)`);
    await m.pool.query(`INSERT INTO public.subscriptions (status) VALUES ('active'), ('active'), ('canceled')`);
    try {
      [r] = await runHealthChecks(m.pool, { clock: systemClock, keys: ['system.active_subscriptions'] });
      expect(r).toMatchObject({ status: 'ok', value: 2 });
    } finally {
      await m.pool.query('DROP TABLE public.subscriptions');
    }
  });

  it('unused and invalid indexes are listed with the SQL that fixes them', async () => {
    await m.pool.query(`CREATE TABLE public.dupes (v int)`);
    await m.pool.query(`INSERT INTO public.dupes VALUES (1), (1)`);
    await expect(m.pool.query(`CREATE UNIQUE INDEX CONCURRENTLY dupes_v_key ON public.dupes (v)`)).rejects.toThrow();
    try {
      const results = await runHealthChecks(m.pool, { clock: systemClock, areas: ['indexes'] });
      const unused = byKey(results, 'indexes.unused');
      expect(unused.status).toBe('warning');
      expect(unused.rows?.map((r) => r.index)).toContain('orders_customer_idx');
      expect(unused.remediation).toContain('DROP INDEX CONCURRENTLY public.orders_customer_idx;');
      const invalid = byKey(results, 'indexes.invalid');
      expect(invalid).toMatchObject({ status: 'warning', value: 1 });
      expect(invalid.remediation).not.toMatch(/^REINDEX/m);
      expect(invalid.remediation).toContain('SELECT v, count(*) AS copies FROM public.dupes GROUP BY v HAVING count(*) > 1');
      expect(invalid.remediation).toContain('DROP INDEX CONCURRENTLY public.dupes_v_key;\nCREATE UNIQUE INDEX CONCURRENTLY dupes_v_key ON public.dupes USING btree (v);');
    } finally {
      await m.pool.query('DROP TABLE public.dupes');
    }
  });

  it('dead tuples, vacuum age and sequential scans on large tables are reported per table', async () => {
    const c = await m.pool.connect();
    try {
      await c.query(`DELETE FROM public.orders WHERE id % 4 <> 0`);
      for (let i = 0; i < 3; i++) await c.query(`SELECT count(*) FROM public.orders WHERE total > 10`);
      await c.query('SELECT pg_stat_force_next_flush()');
      await c.query('SELECT 1');
    } finally {
      c.release();
    }
    const thresholds = resolveThresholds(DEFAULT_THRESHOLDS, { seqScanMinRows: 500 });
    const results = await runHealthChecks(m.pool, { clock: systemClock, thresholds, areas: ['maintenance', 'indexes'] });
    const dead = byKey(results, 'maintenance.dead_tuples');
    expect(dead.status).toBe('warning');
    expect(dead.rows?.[0]).toMatchObject({ schema: 'public', table: 'orders', dead_rows: 2250 });
    expect(dead.remediation).toContain('VACUUM (ANALYZE) public.orders;');
    expect(byKey(results, 'maintenance.vacuum_age').rows?.map((r) => r.table)).toContain('orders');
    expect(byKey(results, 'indexes.seq_scans').rows?.map((r) => r.table)).toContain('orders');
    await m.pool.query('VACUUM public.orders');
    const after = await runHealthChecks(m.pool, { clock: systemClock, keys: ['maintenance.dead_tuples'] });
    expect(after[0]).toMatchObject({ status: 'ok', value: 0 });
  });

  it('long-running, idle-in-transaction and blocked sessions are found with their pid', async () => {
    const idle = new pg.Client({ connectionString: m.db.url });
    const holder = new pg.Client({ connectionString: m.db.url });
    const waiter = new pg.Client({ connectionString: m.db.url });
    await Promise.all([idle.connect(), holder.connect(), waiter.connect()]);
    try {
      const pid = async (c: pg.Client) => Number((await c.query('SELECT pg_backend_pid() AS p')).rows[0].p);
      const [idlePid, holderPid, waiterPid] = [await pid(idle), await pid(holder), await pid(waiter)];
      await idle.query('BEGIN');
      await idle.query('SELECT 1');
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE public.orders IN ACCESS EXCLUSIVE MODE');
      const blocked = waiter.query('SELECT count(*) FROM public.orders').catch(() => undefined);
      await new Promise((r) => setTimeout(r, 700));
      const thresholds = resolveThresholds(DEFAULT_THRESHOLDS, { idleInTransactionSeconds: 0.2, longRunningQuerySeconds: 0.3 });
      const results = await runHealthChecks(m.pool, { clock: systemClock, thresholds, areas: ['connections', 'queries'] });
      const idleCheck = byKey(results, 'connections.idle_in_transaction');
      expect(idleCheck.status).toBe('warning');
      expect(idleCheck.rows?.map((r) => r.pid)).toEqual(expect.arrayContaining([idlePid, holderPid]));
      const blockedCheck = byKey(results, 'queries.blocked');
      expect(blockedCheck.status).toBe('warning');
      expect(blockedCheck.rows?.map((r) => r.pid)).toEqual([waiterPid]);
      expect(String(blockedCheck.rows?.[0].blocked_by)).toContain(String(holderPid));
      const longRunning = byKey(results, 'queries.long_running');
      expect(longRunning.rows?.map((r) => r.pid)).toContain(waiterPid);
      await holder.query('ROLLBACK');
      await blocked;
    } finally {
      await Promise.all([idle.end(), holder.end(), waiter.end()]);
    }
  });

  it('an inactive replication slot is reported with the WAL it retains and how to drop it', async () => {
    const name = `roman_mon_slot_${process.pid}_${Date.now()}`;
    await m.pool.query('SELECT pg_create_physical_replication_slot($1, true)', [name]);
    try {
      const [r] = await runHealthChecks(m.pool, { clock: systemClock, keys: ['replication.inactive_slots'] });
      expect(r.status).toBe('warning');
      expect(r.rows?.map((x) => x.slot_name)).toContain(name);
      expect(r.remediation).toContain(`SELECT pg_drop_replication_slot('${name}');`);
    } finally {
      await m.pool.query('SELECT pg_drop_replication_slot($1)', [name]);
    }
  });

  it('RLS violations are counted per IP over the window (warning) and per IP per minute (5 from one IP is critical); each check shows the figure it is graded on', async () => {
    const now = new Date('2026-05-01T10:00:00Z');
    const clock = new ManualClock(now);
    await insertLogs(m.pool, [
      ...Array.from({ length: 5 }, (_, i) => ({ at: new Date(now.getTime() - (i + 1) * 5000), source: 'rls_violation', severity: 'warning' as const, metadata: { ip: '203.0.113.9' } })),
      { at: minutesBefore(now, 3), source: 'rls_violation', severity: 'warning', metadata: { user: 'x' } },
      { at: minutesBefore(now, 3), source: 'rls_violation', severity: 'warning', metadata: { ip: '' } },
    ]);
    const keys = ['application.rls_violations', 'application.rls_violations_per_ip'];
    const [r, burst] = await runHealthChecks(m.pool, { clock, keys });
    expect(r).toMatchObject({ status: 'warning', value: 7, threshold: { warning: 0 } });
    expect(r!.rows).toEqual([
      expect.objectContaining({ ip: '203.0.113.9', violations: 5, last_minute: 5 }),
      expect.objectContaining({ ip: '(unknown)', violations: 2, last_minute: 0 }),
    ]);
    expect(burst).toMatchObject({ status: 'critical', value: 5, windowMinutes: 1, threshold: { critical: 4 } });
    expect(burst!.detail).toContain('203.0.113.9');
    clock.advance(2 * 60_000);
    const [later, laterBurst] = await runHealthChecks(m.pool, { clock, keys });
    expect(later).toMatchObject({ status: 'warning', value: 7 });
    expect(laterBurst).toMatchObject({ status: 'ok', value: 0 });
    // Value, threshold and status agree for every result.
    for (const x of [r!, burst!, later!, laterBurst!]) {
      const t = x.threshold!;
      const expected = t.critical !== null && x.value! > t.critical ? 'critical' : t.warning !== null && x.value! > t.warning ? 'warning' : 'ok';
      expect(x.status).toBe(expected);
    }
  });

  it('AI spend is summed over the calendar month of the clock and graded against the budget', async () => {
    const clock = new ManualClock('2026-07-20T08:00:00Z');
    await insertAiUsage(m.pool, [
      { at: new Date('2026-06-30T23:59:59Z'), costUsd: 300 },
      { at: new Date('2026-07-01T00:00:00Z'), costUsd: 200 },
      { at: new Date('2026-07-19T00:00:00Z'), costUsd: 190 },
    ]);
    const [r] = await runHealthChecks(m.pool, { clock, keys: ['application.ai_budget'] });
    expect(r).toMatchObject({ value: 390, status: 'warning' });
    expect(r.threshold).toEqual({ comparison: 'above', warning: 375, critical: 500 });
    const cheap = resolveThresholds(DEFAULT_THRESHOLDS, { aiMonthlyBudgetUsd: 300 });
    const [over] = await runHealthChecks(m.pool, { clock, keys: ['application.ai_budget'], thresholds: cheap });
    expect(over.status).toBe('critical');
  });

  it('a check that exceeds its statement timeout is unavailable with the reason, and the next checks still run', async () => {
    const slowCheck = {
      ...ALL_HEALTH_CHECKS[0],
      key: 'system.sleepy',
      name: 'sleepy',
      async run({ client }: { client: pg.PoolClient }) {
        await client.query('SELECT pg_sleep(2)');
        return { status: 'ok' as const, value: 0, detail: 'slept' };
      },
    };
    const results = await runHealthChecks(m.pool, {
      clock: systemClock,
      statementTimeoutMs: 200,
      checks: [slowCheck, ALL_HEALTH_CHECKS.find((c) => c.key === 'space.database_size')!],
    });
    expect(results[0]).toMatchObject({ status: 'unavailable', unavailableReason: 'timed out after 200 ms (statement_timeout)' });
    expect(results[1].status).toBe('ok');
  });

  it('an unreachable database yields unavailable records, not an exception', async () => {
    const dead = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5999/none', connectionTimeoutMillis: 1000 });
    try {
      const results = await runHealthChecks(dead, { clock: systemClock });
      expect(results).toHaveLength(ALL_HEALTH_CHECKS.length);
      for (const r of results) {
        expect(r.status).toBe('unavailable');
        expect(r.unavailableReason).toMatch(/^database unreachable: /);
      }
    } finally {
      await dead.end();
    }
  });
});

describe('pg_stat_statements', () => {
  it('absent: the slow-query check is unavailable and says how to enable it', async () => {
    const pool = new pg.Pool({ connectionString: m.db.url, max: 1 });
    const [r] = await runHealthChecks(pool, { clock: systemClock, keys: ['queries.slow'] }).finally(() => pool.end());
    expect(r.status).toBe('unavailable');
    expect(r.unavailableReason).toMatch(/pg_stat_statements is not installed in this database/);
    expect(r.unavailableReason).toMatch(/shared_preload_libraries/);
  });

  it('installed but not preloaded: unavailable as "not loadable", remembered for the pool, re-probed after 10 minutes', async () => {
    await m.pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const pool = new pg.Pool({ connectionString: m.db.url, max: 1 });
    try {
      const clock = new ManualClock('2026-01-01T00:00:00Z');
      const [r] = await runHealthChecks(pool, { clock, keys: ['queries.slow'] });
      expect(r.status).toBe('unavailable');
      expect(r.unavailableReason).toMatch(/^pg_stat_statements is installed but not loadable: .*shared_preload_libraries/);
      const probedAt = memoryFor(pool).features?.probedAt;
      clock.advance(60_000);
      await runHealthChecks(pool, { clock, keys: ['queries.slow'] });
      expect(memoryFor(pool).features?.probedAt).toBe(probedAt);
      clock.advance(10 * 60_000);
      await runHealthChecks(pool, { clock, keys: ['queries.slow'] });
      expect(memoryFor(pool).features?.probedAt).toBe(clock.now().getTime());
    } finally {
      await pool.end();
      await m.pool.query('DROP EXTENSION pg_stat_statements');
    }
  });
});

describe('slow queries when pg_stat_statements is available', () => {
  it('lists statements over the PgHero limits and reads their text at most once every 10 minutes', async () => {
    // A stand-in with pg_stat_statements' signature, so the available path runs on a server without the preload.
    await m.pool.query(`CREATE SCHEMA pss_standin`);
    await m.pool.query(`CREATE TABLE pss_standin.stats (queryid bigint, query text, calls bigint, mean_exec_time float8, total_exec_time float8, rows bigint)`);
    await m.pool.query(`INSERT INTO pss_standin.stats VALUES
      (11, 'SELECT * FROM orders WHERE customer = $1', 500, 45.5, 22750, 500),
      (12, 'SELECT 1', 10000, 0.01, 100, 10000),
      (13, 'SELECT * FROM reports', 50, 900, 45000, 50)`);
    await m.pool.query(`CREATE FUNCTION pss_standin.pg_stat_statements(showtext boolean)
      RETURNS TABLE (dbid oid, queryid bigint, query text, calls bigint, mean_exec_time float8, total_exec_time float8, rows bigint)
      LANGUAGE sql STABLE AS $$
        SELECT (SELECT oid FROM pg_database WHERE datname = current_database()), queryid,
               CASE WHEN showtext THEN query END, calls, mean_exec_time, total_exec_time, rows FROM pss_standin.stats
      $$`);
    const pool = new pg.Pool({ connectionString: m.db.url, max: 1 });
    try {
      const clock = new ManualClock('2026-02-01T00:00:00Z');
      await runHealthChecks(pool, { clock, keys: ['space.database_size'] });
      const memory = memoryFor(pool);
      const useStandIn = () => {
        memory.features = { ...memory.features!, probedAt: clock.now().getTime(), pgStatStatements: { available: true, schema: 'pss_standin' } };
      };
      useStandIn();

      const [first] = await runHealthChecks(pool, { clock, keys: ['queries.slow'] });
      expect(first).toMatchObject({ status: 'warning', value: 1 });
      expect(first.rows).toEqual([
        { queryid: '11', calls: 500, mean_ms: 45.5, total_ms: 22750, rows: 500, query: 'SELECT * FROM orders WHERE customer = $1' },
      ]);

      await m.pool.query(`UPDATE pss_standin.stats SET query = 'changed text' WHERE queryid = 11`);
      await m.pool.query(`INSERT INTO pss_standin.stats VALUES (14, 'SELECT * FROM invoices', 200, 30, 6000, 200)`);
      clock.advance(5 * 60_000);
      const [second] = await runHealthChecks(pool, { clock, keys: ['queries.slow'] });
      expect(second.value).toBe(2);
      expect(second.rows?.find((r) => r.queryid === '11')?.query).toBe('SELECT * FROM orders WHERE customer = $1');
      expect(second.rows?.find((r) => r.queryid === '14')?.query).toMatch(/read at most every 10 minutes/);

      clock.advance(5 * 60_000);
      useStandIn(); // the feature probe expires too; keep pointing at the stand-in
      const [third] = await runHealthChecks(pool, { clock, keys: ['queries.slow'] });
      expect(third.rows?.find((r) => r.queryid === '11')?.query).toBe('changed text');
      expect(third.rows?.find((r) => r.queryid === '14')?.query).toBe('SELECT * FROM invoices');
    } finally {
      await pool.end();
      await m.pool.query('DROP SCHEMA pss_standin CASCADE');
    }
  });
});
