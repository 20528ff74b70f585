import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/main/core/clock';
import { runHealthChecks } from '../../../src/main/core/monitoring/runner';
import { ALL_HEALTH_CHECKS } from '../../../src/main/core/monitoring/checks';
import { buildMonitoringOverview } from '../../../src/main/core/monitoring/overview';
import { measureSystemEntropy } from '../../../src/main/core/monitoring/entropy';
import { createMonitoredDatabase, insertLogs, type MonitoredDatabase } from './fixture';

/** A role that may log in and nothing else: no grants on our tables, no pg_read_all_stats. */
let m: MonitoredDatabase;
let role: string;
let restricted: pg.Pool;

beforeAll(async () => {
  m = await createMonitoredDatabase();
  await insertLogs(m.pool, [{ at: new Date(), severity: 'error' }]);
  role = `roman_noprivs_${process.pid}_${randomBytes(3).toString('hex')}`;
  await m.pool.query(`CREATE ROLE ${role} NOLOGIN`);
  await m.pool.query(`ALTER ROLE ${role} LOGIN`);
  const url = new URL(m.db.url);
  url.username = role;
  restricted = new pg.Pool({ connectionString: url.toString(), max: 2 });
  restricted.on('error', () => undefined);
});

afterAll(async () => {
  await restricted?.end();
  await m?.close();
  if (role) {
    const admin = new pg.Client({ connectionString: process.env.ROMAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    try {
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
    } finally {
      await admin.end();
    }
  }
});

describe('as a role without privileges', () => {
  it('every check returns a record: our tables are unavailable with the privilege named, catalog checks still run', async () => {
    const results = await runHealthChecks(restricted, { clock: systemClock });
    expect(results).toHaveLength(ALL_HEALTH_CHECKS.length);
    const status = Object.fromEntries(results.map((r) => [r.key, r]));
    for (const key of ['system.errors_last_hour', 'application.error_rate', 'application.p95_latency', 'application.rls_violations']) {
      expect(status[key].status).toBe('unavailable');
      expect(status[key].unavailableReason).toBe('insufficient privilege: permission denied for table system_logs');
    }
    expect(status['application.ai_budget'].unavailableReason).toBe('insufficient privilege: permission denied for table ai_usage_logs');
    // the schema may be usable by every role (ops.is_ip_blocked is for the app's policies): then the table is named
    expect(status['system.critical_events_last_hour'].unavailableReason).toMatch(/^insufficient privilege: permission denied for (schema ops|table roman_events)$/);
    expect(status['space.database_size'].status).toBe('ok');
    expect(status['maintenance.xid_wraparound'].status).toBe('ok');
    expect(status['system.active_connections'].status).toBe('ok');
    expect(status['system.active_connections'].detail).toMatch(/Degraded: .*pg_read_all_stats/);
    expect(status['connections.pool_usage'].detail).toMatch(/Degraded/);
  });

  it('privilege failures are remembered: the next run does not query again', async () => {
    const results = await runHealthChecks(restricted, { clock: systemClock, keys: ['application.ai_budget', 'space.database_size'] });
    const budget = results.find((r) => r.key === 'application.ai_budget')!;
    expect(budget).toMatchObject({ status: 'unavailable', durationMs: 0 });
    expect(budget.unavailableReason).toMatch(/permission denied for table ai_usage_logs/);
    expect(results.find((r) => r.key === 'space.database_size')!.status).toBe('ok');
  });

  it('entropy is refused with the reason instead of a made-up number', async () => {
    await expect(measureSystemEntropy(restricted, systemClock)).rejects.toThrow(/permission denied for table system_logs/);
  });

  it('each dashboard panel degrades on its own', async () => {
    const o = await buildMonitoringOverview(restricted, systemClock);
    expect(o.recentErrors).toEqual({ status: 'unavailable', reason: 'insufficient privilege: permission denied for table system_logs' });
    expect(o.romanEvents).toMatchObject({ status: 'unavailable' });
    expect((o.romanEvents as { reason: string }).reason).toMatch(/^insufficient privilege: permission denied for (schema ops|table roman_events)$/);
    expect(o.aiCost.status).toBe('unavailable');
    expect(o.health.status).toBe('ok');
    if (o.health.status === 'ok') {
      expect(o.health.data.system.errorsLastHour).toBeNull();
      expect(o.health.data.system.activeConnections).toBeGreaterThanOrEqual(1);
      expect(o.health.data.system.notes.join(' ')).toMatch(/permission denied for table system_logs/);
      expect(o.health.data.entropy).toBeNull();
      expect(o.health.data.entropyNote).toMatch(/permission denied/);
    }
  });
});
