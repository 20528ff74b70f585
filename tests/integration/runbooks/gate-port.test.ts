/**
 * Runbooks and emergency protocols act through the real operations gate (createGatePort) on real
 * Postgres: a scheduled weekly VACUUM ANALYZE is decided, granted, executed and recorded; a
 * production step asked by a person needs the typed database name; what the gate cannot execute is
 * refused with the reason, never run.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/main/core/clock';
import { directRecorder } from '../../../src/main/core/operations';
import { RunbookRunner } from '../../../src/main/core/runbooks';
import { createGatePort } from '../../../src/main/core/runbooks/gate-port';
import { createMonitoredDatabase, type MonitoredDatabase } from '../monitoring/fixture';

let m: MonitoredDatabase;
beforeAll(async () => {
  m = await createMonitoredDatabase();
  await m.pool.query(`CREATE TABLE public.orders (id int PRIMARY KEY, total numeric)`);
});
afterAll(async () => {
  await m?.close();
});

function port(environment: string) {
  return createGatePort({
    openPool: () => {
      const pool = new pg.Pool({ connectionString: m.db.url, max: 3 });
      pool.on('error', () => undefined);
      return { pool, close: () => pool.end() };
    },
    environment: () => environment,
    clock: systemClock,
    dataDir: '/tmp/roman-gate-port-test',
    recorder: () => directRecorder(m.pool),
  });
}

describe('runbooks through the operations gate', { timeout: 180_000 }, () => {
  it('a scheduled weekly run executes VACUUM ANALYZE through a grant and records the execution', async () => {
    const runner = new RunbookRunner({ pool: m.pool, clock: systemClock, operations: port('staging'), url: null });
    const r = await runner.run({ runbook: 'weekly', trigger: 'manual', requestedBy: 'scheduler', channel: 'scheduler', standing: true });
    if (!r.ran) throw new Error(r.detail);
    const vacuum = r.report.sections.find((s) => s.key === 'vacuum_analyze')!;
    expect(vacuum.status).toBe('ok');
    const ev = await m.pool.query(`SELECT metadata FROM ops.roman_events WHERE event_type = 'execution' AND metadata->>'outcome' = 'succeeded'`);
    expect(ev.rows.length).toBeGreaterThanOrEqual(1);
    const grants = await m.pool.query(`SELECT count(*)::int AS n FROM ops.roman_grants WHERE used_at IS NOT NULL`);
    expect(grants.rows[0].n).toBeGreaterThanOrEqual(1);
  });

  it('in production a person must type the database name; with it the step runs', async () => {
    const gate = port('production');
    const refused = await gate.run({ action: 'vacuum', params: { relation: 'public.orders' }, requestedBy: 'alice', standing: false });
    expect(refused.outcome).toBe('refused');
    expect(refused.detail).toMatch(/confirmation_required/);
    const ok = await gate.run({ action: 'vacuum', params: { relation: 'public.orders', confirm: m.db.name }, requestedBy: 'alice', standing: false });
    expect(ok.outcome).toBe('succeeded');
  });

  it('what the gate cannot execute, or cannot read, is refused with the reason and nothing runs', async () => {
    const gate = port('staging');
    const reindex = await gate.run({ action: 'reindex', params: { relation: 'public.orders' }, requestedBy: 'alice', standing: false });
    expect(reindex.outcome).toBe('refused');
    const bad = await gate.run({ action: 'block_ip', params: { ips: 'not-an-ip' }, requestedBy: 'alice', standing: false });
    expect(bad.outcome).toBe('refused');
    const blocked = await m.pool.query(`SELECT count(*)::int AS n FROM ops.blocked_ips`);
    expect(blocked.rows[0].n).toBe(0);
  });
});
