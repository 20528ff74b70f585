/**
 * The PgHero-level checks against real Postgres, each with a planted problem (positive), without it
 * (negative) and, where there is one, after its fix. R.O.M.A.N.'s own objects are never findings.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/main/core/clock';
import { runHealthChecks } from '../../../src/main/core/monitoring/runner';
import { DEFAULT_THRESHOLDS, resolveThresholds, type HealthCheckResult } from '../../../src/shared/monitoring';
import { createTestDatabase } from '../../support/postgres';
import { createMonitoredDatabase, type MonitoredDatabase } from './fixture';

let m: MonitoredDatabase;
beforeAll(async () => {
  m = await createMonitoredDatabase();
});
afterAll(async () => {
  await m?.close();
});

async function check(key: string, thresholds = DEFAULT_THRESHOLDS): Promise<HealthCheckResult> {
  const [r] = await runHealthChecks(m.pool, { clock: systemClock, keys: [key], thresholds });
  if (!r) throw new Error(`no result for ${key}`);
  return r;
}
const names = (r: HealthCheckResult, col = 'index') => (r.rows ?? []).map((x) => x[col]);

describe('duplicate indexes', () => {
  it('lists only the redundant copy (identical and prefix-covered), never both, never a constraint or a roman_ index', async () => {
    await m.pool.query(`CREATE TABLE public.dup (a int, b int, c int, d int UNIQUE, e int)`);
    try {
      expect(await check('indexes.duplicate')).toMatchObject({ status: 'ok', value: 0 });
      await m.pool.query(`CREATE INDEX dup_a_1 ON public.dup (a)`);
      await m.pool.query(`CREATE INDEX dup_a_2 ON public.dup (a)`);
      await m.pool.query(`CREATE INDEX dup_b ON public.dup (b)`);
      await m.pool.query(`CREATE INDEX dup_b_c ON public.dup (b, c)`);
      await m.pool.query(`CREATE INDEX dup_d ON public.dup (d)`);
      await m.pool.query(`CREATE INDEX dup_e_partial ON public.dup (e) WHERE e > 0`);
      await m.pool.query(`CREATE INDEX dup_e ON public.dup (e)`);
      await m.pool.query(`CREATE INDEX dup_c_desc ON public.dup (c DESC)`);
      await m.pool.query(`CREATE INDEX dup_c ON public.dup (c)`);
      const r = await check('indexes.duplicate');
      expect(r.status).toBe('warning');
      expect(names(r).sort()).toEqual(['dup_a_2', 'dup_b', 'dup_d']);
      const byIndex = Object.fromEntries((r.rows ?? []).map((x) => [x.index, x]));
      expect(byIndex.dup_a_2).toMatchObject({ covered_by: 'dup_a_1', kind: 'identical' });
      expect(byIndex.dup_b).toMatchObject({ covered_by: 'dup_b_c', kind: 'prefix' });
      expect(byIndex.dup_d).toMatchObject({ covered_by: 'dup_d_key', kind: 'identical' });
      expect(r.remediation).toContain('DROP INDEX CONCURRENTLY public.dup_a_2; -- covered by dup_a_1');
      expect(r.remediation).not.toContain('dup_a_1;');
      expect(r.remediation).not.toContain('dup_d_key;');
      // the fix, applied, leaves nothing to report and keeps one copy of each
      for (const line of (r.remediation ?? '').split('\n')) await m.pool.query(line.replace(/ CONCURRENTLY/, '').replace(/--.*$/, ''));
      expect(await check('indexes.duplicate')).toMatchObject({ status: 'ok', value: 0 });
      const left = await m.pool.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'dup' ORDER BY 1`);
      expect(left.rows.map((x: { indexname: string }) => x.indexname)).toEqual(['dup_a_1', 'dup_b_c', 'dup_c', 'dup_c_desc', 'dup_d_key', 'dup_e', 'dup_e_partial']);
    } finally {
      await m.pool.query('DROP TABLE public.dup');
    }
  });

  it('an identical copy of a roman_ index is reported against it, the roman_ index never is', async () => {
    await m.pool.query(`CREATE INDEX my_logs_ts ON public.system_logs ("timestamp", id)`);
    try {
      const r = await check('indexes.duplicate');
      expect(names(r)).toEqual(['my_logs_ts']);
      expect(r.rows?.[0]).toMatchObject({ covered_by: 'roman_system_logs_timestamp_idx' });
    } finally {
      await m.pool.query('DROP INDEX public.my_logs_ts');
    }
  });
});

describe('unused indexes', () => {
  it('never drops every copy of identical unused indexes, and never lists R.O.M.A.N.\'s own', async () => {
    await m.pool.query(`CREATE TABLE public.uu (a int, b int)`);
    try {
      await m.pool.query(`CREATE INDEX uu_a_first ON public.uu (a)`);
      await m.pool.query(`CREATE INDEX uu_a_second ON public.uu (a)`);
      await m.pool.query(`CREATE INDEX uu_b ON public.uu (b)`);
      const r = await check('indexes.unused');
      expect(names(r)).toEqual(expect.arrayContaining(['uu_a_first', 'uu_a_second', 'uu_b']));
      expect(names(r).filter((n) => String(n).startsWith('roman_'))).toEqual([]);
      expect((r.rows ?? []).filter((x) => x.schema === 'ops')).toEqual([]);
      expect(r.remediation).toContain('DROP INDEX CONCURRENTLY public.uu_a_second;');
      expect(r.remediation).toContain('DROP INDEX CONCURRENTLY public.uu_b;');
      expect(r.remediation).not.toContain('DROP INDEX CONCURRENTLY public.uu_a_first;');
      expect(r.rows?.find((x) => x.index === 'uu_a_first')).toMatchObject({ kept_copy: true });
      expect(r.rows?.find((x) => x.index === 'uu_a_second')).toMatchObject({ identical_to: 'uu_a_first', kept_copy: false });
    } finally {
      await m.pool.query('DROP TABLE public.uu');
    }
  });
});

describe('invalid indexes', () => {
  it('a failed unique concurrent build gets the duplicates query and drop + recreate; its _ccnew leftover only a drop', async () => {
    await m.pool.query(`CREATE TABLE public.inv (email text)`);
    await m.pool.query(`INSERT INTO public.inv VALUES ('a@x'), ('a@x'), ('b@x')`);
    try {
      expect(await check('indexes.invalid')).toMatchObject({ status: 'ok', value: 0 });
      await expect(m.pool.query(`CREATE UNIQUE INDEX CONCURRENTLY inv_email_key ON public.inv (lower(email))`)).rejects.toThrow(/could not create unique index/);
      let r = await check('indexes.invalid');
      expect(r).toMatchObject({ status: 'warning', value: 1 });
      expect(r.remediation).not.toMatch(/^REINDEX/m);
      expect(r.remediation).toContain('failed, almost always on duplicate values');
      expect(r.remediation).toContain('SELECT lower(email), count(*) AS copies FROM public.inv GROUP BY lower(email) HAVING count(*) > 1');
      expect(r.remediation).toContain('DROP INDEX CONCURRENTLY public.inv_email_key;\nCREATE UNIQUE INDEX CONCURRENTLY inv_email_key ON public.inv USING btree (lower(email));');
      // the duplicates query finds the culprit
      const dupQuery = (r.remediation ?? '').split('\n').find((l) => l.startsWith('SELECT '))!;
      expect((await m.pool.query(dupQuery)).rows).toEqual([{ lower: 'a@x', copies: '2' }]);
      // what REINDEX would do: fail again and leave a _ccnew index
      await expect(m.pool.query(`REINDEX INDEX CONCURRENTLY public.inv_email_key`)).rejects.toThrow();
      r = await check('indexes.invalid');
      expect(names(r).sort()).toEqual(['inv_email_key', 'inv_email_key_ccnew']);
      expect(r.remediation).toContain('-- public.inv_email_key_ccnew is left over from a failed REINDEX CONCURRENTLY; the original index still exists.\nDROP INDEX CONCURRENTLY public.inv_email_key_ccnew;');
      // the fix: resolve the duplicates, drop, recreate
      await m.pool.query(`DELETE FROM public.inv WHERE ctid IN (SELECT max(ctid) FROM public.inv GROUP BY lower(email) HAVING count(*) > 1)`);
      for (const stmt of (r.remediation ?? '').split('\n').filter((l) => /^(DROP|CREATE)/.test(l))) await m.pool.query(stmt);
      expect(await check('indexes.invalid')).toMatchObject({ status: 'ok', value: 0 });
    } finally {
      await m.pool.query('DROP TABLE public.inv');
    }
  });

  it('skips an index whose concurrent build is still running', async () => {
    await m.pool.query(`CREATE TABLE public.building (v int)`);
    const holder = new pg.Client({ connectionString: m.db.url });
    const builder = new pg.Client({ connectionString: m.db.url });
    await Promise.all([holder.connect(), builder.connect()]);
    try {
      await holder.query('BEGIN');
      await holder.query('INSERT INTO public.building VALUES (1)');
      const build = builder.query('CREATE INDEX CONCURRENTLY building_v_idx ON public.building (v)');
      // wait until the invalid catalog entry exists (the build waits for the writer)
      for (let i = 0; i < 100; i++) {
        const x = await m.pool.query(`SELECT 1 FROM pg_class WHERE relname = 'building_v_idx'`);
        if (x.rowCount) break;
        await new Promise((res) => setTimeout(res, 50));
      }
      const during = await m.pool.query(`SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'building_v_idx'`);
      expect(during.rows).toEqual([{ indisvalid: false }]);
      expect(names(await check('indexes.invalid'))).not.toContain('building_v_idx');
      await holder.query('COMMIT');
      await build;
      expect(await check('indexes.invalid')).toMatchObject({ status: 'ok', value: 0 });
    } finally {
      await Promise.all([holder.end(), builder.end()]);
      await m.pool.query('DROP TABLE public.building');
    }
  });
});

describe('sessions of other databases', () => {
  it('long-running, idle-in-transaction and blocked checks count the watched database only', async () => {
    const other = await createTestDatabase('roman_other');
    const a = new pg.Client({ connectionString: other.url });
    const b = new pg.Client({ connectionString: other.url });
    await Promise.all([a.connect(), b.connect()]);
    try {
      await a.query('CREATE TABLE t (v int)');
      await a.query('BEGIN');
      await a.query('LOCK TABLE t IN ACCESS EXCLUSIVE MODE');
      const blocked = b.query('SELECT count(*) FROM t').catch(() => undefined);
      await new Promise((res) => setTimeout(res, 700));
      const thresholds = resolveThresholds(DEFAULT_THRESHOLDS, { idleInTransactionSeconds: 0.2, longRunningQuerySeconds: 0.3 });
      const pids = (await m.pool.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1`, [other.name])).rows.map((x: { pid: number }) => x.pid);
      expect(pids.length).toBeGreaterThanOrEqual(2);
      // visible to the server, not counted for the watched database
      for (const key of ['connections.idle_in_transaction', 'queries.long_running', 'queries.blocked']) {
        const r = await check(key, thresholds);
        for (const pid of pids) expect(names(r, 'pid')).not.toContain(pid);
        expect(r.value).toBe(0);
      }
      await a.query('ROLLBACK');
      await blocked;
    } finally {
      await Promise.all([a.end(), b.end()]);
      await other.drop();
    }
  });
});

describe('sequential scans', () => {
  it('does not flag tables never read or only scanned by index builds; flags real sequential reads', async () => {
    const c = await m.pool.connect();
    try {
      await c.query(`CREATE TABLE public.scanned (id int, v int)`);
      await c.query(`INSERT INTO public.scanned SELECT g, g % 7 FROM generate_series(1, 3000) g`);
      await c.query(`CREATE TABLE public.neverread (id int)`);
      await c.query(`INSERT INTO public.neverread SELECT g FROM generate_series(1, 3000) g`);
      await c.query(`ANALYZE public.scanned, public.neverread`);
      await c.query(`CREATE INDEX CONCURRENTLY scanned_id ON public.scanned (id)`);
      await c.query(`CREATE INDEX scanned_v ON public.scanned (v)`);
      await c.query('SELECT pg_stat_force_next_flush()');
      await c.query('SELECT 1');
      const thresholds = resolveThresholds(DEFAULT_THRESHOLDS, { seqScanMinRows: 500 });
      let r = await check('indexes.seq_scans', thresholds);
      expect(names(r, 'table')).not.toContain('scanned');
      expect(names(r, 'table')).not.toContain('neverread');
      await c.query('SET enable_indexscan = off; SET enable_bitmapscan = off');
      for (let i = 0; i < 3; i++) await c.query(`SELECT count(*) FROM public.scanned WHERE v = 3`);
      await c.query('RESET enable_indexscan; RESET enable_bitmapscan');
      await c.query('SELECT pg_stat_force_next_flush()');
      await c.query('SELECT 1');
      r = await check('indexes.seq_scans', thresholds);
      expect(names(r, 'table')).toContain('scanned');
      expect(names(r, 'table')).not.toContain('neverread');
    } finally {
      await c.query('DROP TABLE IF EXISTS public.scanned, public.neverread');
      c.release();
    }
  });
});

describe('sequence danger', () => {
  it('measures against the column type, not only the sequence: a bigint sequence behind an int column', async () => {
    await m.pool.query(`CREATE SEQUENCE public.wide_seq AS bigint`);
    await m.pool.query(`CREATE TABLE public.narrow (id int DEFAULT nextval('public.wide_seq'), big bigint GENERATED BY DEFAULT AS IDENTITY)`);
    try {
      let r = await check('sequences.sequence_danger');
      expect(r.status).toBe('ok');
      await m.pool.query(`SELECT setval('public.wide_seq', 2000000000)`);
      await m.pool.query(`SELECT setval(pg_get_serial_sequence('public.narrow', 'big'), 2000000000)`);
      r = await check('sequences.sequence_danger');
      expect(r.status).toBe('critical');
      expect(r.value).toBeGreaterThan(0.9);
      expect(r.rows?.[0]).toMatchObject({ sequence: 'wide_seq', table: 'narrow', column: 'id', column_type: 'integer', sequence_type: 'bigint' });
      // the bigint identity at the same value is far from its limit
      const big = r.rows?.find((x) => x.column === 'big');
      expect(Number(big?.used_ratio)).toBeLessThan(0.001);
      expect(r.remediation).toContain('ALTER TABLE public.narrow ALTER COLUMN id TYPE bigint;');
      expect(r.remediation).not.toContain('ALTER SEQUENCE public.wide_seq');
      await m.pool.query(r.remediation!.split('\n').filter((l) => !l.startsWith('--')).join('\n'));
      expect((await check('sequences.sequence_danger')).status).toBe('ok');
    } finally {
      await m.pool.query('DROP TABLE public.narrow; DROP SEQUENCE public.wide_seq');
    }
  });

  it('a serial (integer sequence) near its end is reported and the fix widens both', async () => {
    await m.pool.query(`CREATE TABLE public.ser (id serial)`);
    try {
      await m.pool.query(`SELECT setval('public.ser_id_seq', 1700000000)`);
      const r = await check('sequences.sequence_danger');
      expect(r.status).toBe('warning');
      expect(r.remediation).toContain('ALTER TABLE public.ser ALTER COLUMN id TYPE bigint;\nALTER SEQUENCE public.ser_id_seq AS bigint;');
    } finally {
      await m.pool.query('DROP TABLE public.ser');
    }
  });
});

describe('NOT VALID constraints and autovacuum', () => {
  it('lists constraints never validated; VALIDATE fixes it', async () => {
    await m.pool.query(`CREATE TABLE public.nv (v int)`);
    try {
      expect((await check('maintenance.not_valid_constraints')).value).toBe(0);
      await m.pool.query(`ALTER TABLE public.nv ADD CONSTRAINT nv_v_positive CHECK (v > 0) NOT VALID`);
      const r = await check('maintenance.not_valid_constraints');
      expect(r).toMatchObject({ status: 'warning', value: 1 });
      expect(r.remediation).toBe('ALTER TABLE public.nv VALIDATE CONSTRAINT nv_v_positive;');
      await m.pool.query(r.remediation!);
      expect((await check('maintenance.not_valid_constraints')).value).toBe(0);
    } finally {
      await m.pool.query('DROP TABLE public.nv');
    }
  });

  it('lists tables with autovacuum disabled (table and toast); RESET fixes it', async () => {
    const serverOff = (await m.pool.query(`SELECT current_setting('autovacuum') = 'off' AS off`)).rows[0].off as boolean;
    const baseline = await check('maintenance.autovacuum_disabled');
    // this test server may run with autovacuum = off: that alone is critical, with the server-wide fix
    expect(baseline).toMatchObject({ status: serverOff ? 'critical' : 'ok', value: serverOff ? 1 : 0, rows: [] });
    if (serverOff) expect(baseline.remediation).toContain('ALTER SYSTEM SET autovacuum = on;');
    await m.pool.query(`CREATE TABLE public.noav (v text) WITH (autovacuum_enabled = false)`);
    await m.pool.query(`CREATE TABLE public.noav_toast (v text) WITH (toast.autovacuum_enabled = off)`);
    try {
      const r = await check('maintenance.autovacuum_disabled');
      expect(r).toMatchObject({ status: serverOff ? 'critical' : 'warning', value: 2 + (serverOff ? 1 : 0) });
      expect(names(r, 'table')).toEqual(['noav', 'noav_toast']);
      expect(r.remediation).toContain('ALTER TABLE public.noav RESET (autovacuum_enabled, toast.autovacuum_enabled);');
      await m.pool.query(r.remediation!.split('\n').filter((l) => l.startsWith('ALTER TABLE')).join('\n'));
      expect(await check('maintenance.autovacuum_disabled')).toMatchObject({ value: serverOff ? 1 : 0, rows: [] });
    } finally {
      await m.pool.query('DROP TABLE public.noav, public.noav_toast');
    }
  });
});

describe('transaction-ID age per table', () => {
  it('reports a table near its own autovacuum_freeze_max_age; VACUUM FREEZE fixes it', { timeout: 120_000 }, async () => {
    await m.pool.query(`CREATE TABLE public.old (v int) WITH (autovacuum_freeze_max_age = 100000, autovacuum_enabled = false)`);
    try {
      const before = await check('maintenance.freeze_age');
      expect(before.status).toBe('ok');
      expect(Number(before.rows?.find((x) => x.table === 'old')?.ratio)).toBeLessThan(0.9);
      const c = await m.pool.connect();
      try {
        await c.query('SET synchronous_commit = off');
        await c.query(`DO $$ BEGIN FOR i IN 1..92000 LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$`);
      } finally {
        c.release();
      }
      const r = await check('maintenance.freeze_age');
      expect(r.status).toBe('warning');
      expect(r.rows?.[0]).toMatchObject({ schema: 'public', table: 'old', freeze_max_age: 100000 });
      expect(r.remediation).toContain('VACUUM (FREEZE, VERBOSE) public.old;');
      await m.pool.query('VACUUM (FREEZE) public.old');
      const after = await check('maintenance.freeze_age');
      expect(after.status).toBe('ok');
      expect(Number(after.rows?.find((x) => x.table === 'old')?.ratio ?? 0)).toBeLessThan(0.1);
    } finally {
      await m.pool.query('DROP TABLE public.old');
    }
  });
});

describe('connection sources', () => {
  it('groups sessions by database, user, application and address', async () => {
    const c = new pg.Client({ connectionString: m.db.url, application_name: 'roman-src-test' });
    await c.connect();
    try {
      const r = await check('connections.sources');
      expect(r.status).toBe('ok');
      expect(r.rows).toEqual(expect.arrayContaining([expect.objectContaining({ database: m.db.name, user: 'postgres', application: 'roman-src-test', connections: 1 })]));
      expect(r.value).toBeGreaterThanOrEqual(2);
    } finally {
      await c.end();
    }
  });
});

describe('bloat estimates', () => {
  it('a table and its index with most rows deleted are bloated; VACUUM FULL fixes both; the same table before the deletes is not', { timeout: 120_000 }, async () => {
    await m.pool.query(`CREATE TABLE public.fat (id int, pad text)`);
    await m.pool.query(`INSERT INTO public.fat SELECT g, repeat('x', 20) FROM generate_series(1, 600000) g`);
    await m.pool.query(`CREATE INDEX fat_id ON public.fat (id)`);
    try {
      await m.pool.query('VACUUM ANALYZE public.fat');
      expect(names(await check('space.table_bloat'), 'table')).toEqual([]);
      expect(names(await check('indexes.index_bloat'))).toEqual([]);
      await m.pool.query(`DELETE FROM public.fat WHERE id % 10 <> 0`);
      await m.pool.query('VACUUM ANALYZE public.fat');
      const t = await check('space.table_bloat');
      expect(t.status).toBe('warning');
      expect(names(t, 'table')).toEqual(['fat']);
      expect(Number(t.rows?.[0].wasted_ratio)).toBeGreaterThan(0.8);
      expect(t.remediation).toContain('VACUUM FULL "public"."fat";');
      const i = await check('indexes.index_bloat');
      expect(names(i)).toEqual(['fat_id']);
      expect(i.remediation).toBe('REINDEX INDEX CONCURRENTLY "public"."fat_id";');
      await m.pool.query('VACUUM (FULL, ANALYZE) public.fat');
      expect(names(await check('space.table_bloat'), 'table')).toEqual([]);
      expect(names(await check('indexes.index_bloat'))).toEqual([]);
    } finally {
      await m.pool.query('DROP TABLE public.fat');
    }
  });
});
