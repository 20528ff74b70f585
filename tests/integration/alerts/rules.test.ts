/**
 * Each alert rule firing and not firing at its boundary, on real Postgres with the app's schema.
 * Evaluation happens at a fixed time (ManualClock) over rows stamped relative to it; durations are
 * judged from the stored history, so one evaluation tells pending from firing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlertService } from '../../../src/main/core/alerts/service';
import { ManualClock } from '../../../src/main/core/clock';
import { NotifierRegistry } from '../../../src/main/core/notify/notifier';
import type { RuleEvaluation } from '../../../src/shared/alerts';
import { insertLogs, openAlertsTestDb, resetData, secondsBefore, type AlertsTestDb, type LogRow } from './support';

const AT = new Date('2026-03-10T12:00:00Z');
let t: AlertsTestDb;

beforeAll(async () => {
  t = await openAlertsTestDb();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await resetData(t.pool);
});

async function evaluate(rule: string, config: { monthlyAiBudgetUsd?: number; logsStoppedMinutes?: number } = {}): Promise<RuleEvaluation[]> {
  const clock = new ManualClock(AT);
  const service = new AlertService({ db: t.pool, clock, notifiers: new NotifierRegistry(clock), recordEvents: false, config });
  const outcome = await service.evaluate([rule]);
  expect(outcome.errors).toEqual([]);
  return service.ruleEvaluations().filter((r) => r.rule === rule);
}

const errors = (n: number, startSecondsBefore = 5): LogRow[] =>
  Array.from({ length: n }, (_, i) => ({ at: secondsBefore(AT, startSecondsBefore + i), severity: i % 2 ? 'error' : 'critical' }));

/** Malformed rows that every rule must survive. */
const junk = (at: Date): LogRow[] => [
  { at, metadata: { latency_ms: 'fast', ip: '' } },
  { at, metadata: { latency_ms: '1e999', status: 'n/a', success: 'maybe' } },
  { at, metadata: { latency_ms: '9'.repeat(400), ip: 'x'.repeat(300) } },
  { at, metadata: { latency_ms: -5, status: 9999 } },
  { at, metadata: [1, 2, 3] },
  { at, metadata: 'just a string' },
  { at, source: 'rls_violation', metadata: {} },
  { at, source: 'rls_violation', metadata: { ip: null } },
];

describe('system_down: 10+ errors (error or critical) in 1 minute', () => {
  it('stays inactive with 9 errors in the last minute', async () => {
    await insertLogs(t.pool, [...errors(9), { at: secondsBefore(AT, 61), severity: 'error' }, { at: secondsBefore(AT, 3), severity: 'warning' }, ...junk(secondsBefore(AT, 2))]);
    const [r] = await evaluate('system_down');
    expect(r).toMatchObject({ rule: 'system_down', state: 'inactive', severity: 'critical', labels: {}, value: 9 });
  });

  it('fires with 10 errors in the last minute', async () => {
    await insertLogs(t.pool, [...errors(10), ...junk(secondsBefore(AT, 2))]);
    const [r] = await evaluate('system_down');
    expect(r).toMatchObject({ state: 'firing', value: 10, labels: {} });
    expect(r!.summary).toContain('10 errors');
  });
});

describe('security_breach: 5+ RLS violations from one IP in 1 minute', () => {
  const violations = (ip: string | undefined, n: number): LogRow[] =>
    Array.from({ length: n }, (_, i) => ({ at: secondsBefore(AT, 10 + i), severity: 'warning', source: 'rls_violation', metadata: ip ? { ip } : {} }));

  it('stays inactive with 4 violations from one IP', async () => {
    await insertLogs(t.pool, [...violations('203.0.113.7', 4), ...junk(secondsBefore(AT, 1))]);
    const rows = await evaluate('security_breach');
    expect(rows).toEqual([expect.objectContaining({ state: 'inactive', labels: {}, value: 4 })]);
  });

  it('fires with 5 violations from one IP, labelled with that IP', async () => {
    await insertLogs(t.pool, [...violations('203.0.113.7', 5), ...violations('198.51.100.1', 2), ...junk(secondsBefore(AT, 1))]);
    const rows = await evaluate('security_breach');
    expect(rows).toEqual([expect.objectContaining({ state: 'firing', severity: 'critical', labels: { ip: '203.0.113.7' }, value: 5 })]);
  });

  it('does not fire for 5 violations spread over 5 IPs, nor for violations without an ip', async () => {
    await insertLogs(t.pool, [
      ...['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'].flatMap((ip) => violations(ip, 1)),
      ...violations(undefined, 8),
    ]);
    const rows = await evaluate('security_breach');
    expect(rows).toEqual([expect.objectContaining({ state: 'inactive', labels: {} })]);
  });

  it('raises one alert per offending IP', async () => {
    await insertLogs(t.pool, [...violations('203.0.113.7', 6), ...violations('2001:db8::1', 5)]);
    const rows = await evaluate('security_breach');
    expect(rows.map((r) => [r.state, r.labels.ip]).sort()).toEqual([
      ['firing', '2001:db8::1'],
      ['firing', '203.0.113.7'],
    ]);
  });
});

/** `perMinute(i)` rows for each of the last `minutes` one-minute buckets (i = 0 is the newest). */
function history(minutes: number, perMinute: (minute: number) => LogRow[]): LogRow[] {
  return Array.from({ length: minutes }, (_, i) => perMinute(i)).flat();
}

describe('error_rate_spike: error rate > 5 % for 10 minutes', () => {
  const minuteWithRate = (minute: number, errorsOf100: number): LogRow[] =>
    Array.from({ length: 100 }, (_, k) => ({
      at: secondsBefore(AT, minute * 60 + 5 + (k % 50)),
      severity: k < errorsOf100 ? 'error' : 'info',
    }));

  it('fires at the first evaluation when every one of the last 10 minutes is at 6 %', async () => {
    await insertLogs(t.pool, history(10, (m) => minuteWithRate(m, 6)));
    const [r] = await evaluate('error_rate_spike');
    expect(r).toMatchObject({ state: 'firing', severity: 'warning' });
    expect(r!.value).toBeCloseTo(0.06, 5);
  });

  it('stays inactive at exactly 5 % for 10 minutes', async () => {
    await insertLogs(t.pool, history(10, (m) => minuteWithRate(m, 5)));
    const [r] = await evaluate('error_rate_spike');
    expect(r).toMatchObject({ state: 'inactive' });
  });

  it('is only pending when the rate was above 5 % for 9 of the 10 minutes', async () => {
    await insertLogs(t.pool, history(10, (m) => minuteWithRate(m, m === 9 ? 4 : 6)));
    const [r] = await evaluate('error_rate_spike');
    expect(r).toMatchObject({ state: 'pending' });
    expect(r!.summary).toContain('9 of 10 minutes');
  });
});

describe('performance_degradation: p95 latency > 2 s for 5 minutes', () => {
  const minuteWithLatency = (minute: number, ms: number): LogRow[] => [
    ...Array.from({ length: 20 }, (_, k) => ({ at: secondsBefore(AT, minute * 60 + 5 + k), metadata: { latency_ms: ms } })),
    ...junk(secondsBefore(AT, minute * 60 + 30)),
  ];

  it('fires when the p95 of each of the last 5 minutes is above 2 s', async () => {
    await insertLogs(t.pool, history(5, (m) => minuteWithLatency(m, 2100)));
    const [r] = await evaluate('performance_degradation');
    expect(r).toMatchObject({ state: 'firing', value: 2100 });
  });

  it('stays inactive when the p95 is just below 2 s for 5 minutes', async () => {
    await insertLogs(t.pool, history(5, (m) => minuteWithLatency(m, 1999)));
    const [r] = await evaluate('performance_degradation');
    expect(r).toMatchObject({ state: 'inactive', value: 1999 });
  });

  it('is pending when only the last 4 minutes were slow', async () => {
    await insertLogs(t.pool, history(5, (m) => minuteWithLatency(m, m === 4 ? 300 : 2500)));
    const [r] = await evaluate('performance_degradation');
    expect(r).toMatchObject({ state: 'pending' });
  });

  it('reads latency stored as a JSON string too', async () => {
    await insertLogs(t.pool, history(5, (m) => Array.from({ length: 5 }, (_, k) => ({ at: secondsBefore(AT, m * 60 + 5 + k), metadata: { latency_ms: '2500.5' } }))));
    const [r] = await evaluate('performance_degradation');
    expect(r).toMatchObject({ state: 'firing', value: 2500.5 });
  });
});

describe('data_loss_risk: failed backup in the last 24 h (or replication lag > 5 min)', () => {
  const backupEvent = (hoursAgo: number, severity: string, eventType = 'backup') =>
    t.pool.query(
      `INSERT INTO ops.roman_events (timestamp, event_type, severity, message, idempotency_key) VALUES ($1, $2, $3, 'pg_dump failed: disk full', $4)`,
      [secondsBefore(AT, hoursAgo * 3600).toISOString(), eventType, severity, `k-${hoursAgo}-${severity}-${eventType}`],
    );

  it('fires for a backup event with severity error 23 hours ago', async () => {
    await backupEvent(23, 'error');
    const [r] = await evaluate('data_loss_risk');
    expect(r).toMatchObject({ state: 'firing', severity: 'critical', labels: { cause: 'backup_failed' }, value: 1 });
    expect(r!.summary).toContain('pg_dump failed');
  });

  it('stays inactive for a failed backup 25 hours ago, a successful backup, or another failed event', async () => {
    await backupEvent(25, 'critical');
    await backupEvent(1, 'info');
    await backupEvent(2, 'error', 'deploy');
    const [r] = await evaluate('data_loss_risk');
    expect(r).toMatchObject({ state: 'inactive', labels: {} });
    expect(r!.summary).toContain('no replication configured');
  });
});

describe('api_quota: 80 % of the monthly AI budget', () => {
  const spend = (usd: number, at: Date) =>
    t.pool.query(`INSERT INTO public.ai_usage_logs (created_at, provider, cost_usd) VALUES ($1, 'anthropic', $2)`, [at.toISOString(), usd]);

  it('stays inactive at $399.99 of $500 this month (last month does not count)', async () => {
    await spend(300, secondsBefore(AT, 3600));
    await spend(99.99, secondsBefore(AT, 86400));
    await spend(1000, new Date('2026-02-27T00:00:00Z'));
    const [r] = await evaluate('api_quota');
    expect(r).toMatchObject({ state: 'inactive' });
    expect(r!.value).toBeCloseTo(0.79998, 5);
  });

  it('fires at $400 of $500 (80 %)', async () => {
    await spend(300, secondsBefore(AT, 3600));
    await spend(100, new Date('2026-03-01T00:00:00Z'));
    const [r] = await evaluate('api_quota');
    expect(r).toMatchObject({ state: 'firing', severity: 'warning', value: 0.8 });
  });

  it('uses the configured budget', async () => {
    await spend(85, secondsBefore(AT, 60));
    const [r] = await evaluate('api_quota', { monthlyAiBudgetUsd: 100 });
    expect(r).toMatchObject({ state: 'firing' });
  });
});

describe('logs_stopped: no system_logs rows for N minutes where there used to be traffic (absent())', () => {
  const info = (secondsAgo: number): LogRow => ({ at: secondsBefore(AT, secondsAgo), severity: 'info' });

  it('fires (critical) when the last log is 11 minutes old and logs used to arrive', async () => {
    await insertLogs(t.pool, [info(11 * 60), info(20 * 60), info(3600)]);
    const [r] = await evaluate('logs_stopped');
    expect(r).toMatchObject({ rule: 'logs_stopped', state: 'firing', severity: 'critical', value: 11 });
    expect(r!.summary).toMatch(/^no logs for 11 min \(last at 2026-03-10T11:49:00.000Z; threshold 10 min\)/);
  });

  it('stays inactive while a row arrived within the last 10 minutes', async () => {
    await insertLogs(t.pool, [info(9 * 60 + 59), info(3600)]);
    const [r] = await evaluate('logs_stopped');
    expect(r).toMatchObject({ state: 'inactive' });
  });

  it('a database that never had traffic has nothing to miss: inactive, and says "no data"', async () => {
    const [r] = await evaluate('logs_stopped');
    expect(r).toMatchObject({ state: 'inactive', value: null });
    expect(r!.summary).toMatch(/^no data: no logs/);
  });

  it('uses the configured number of minutes', async () => {
    await insertLogs(t.pool, [info(11 * 60), info(3600)]);
    expect((await evaluate('logs_stopped', { logsStoppedMinutes: 15 }))[0]).toMatchObject({ state: 'inactive' });
    expect((await evaluate('logs_stopped', { logsStoppedMinutes: 5 }))[0]).toMatchObject({ state: 'firing' });
  });
});

describe('thresholds table', () => {
  const requests = (n: number, failed: number): LogRow[] =>
    Array.from({ length: n }, (_, k) => ({ at: secondsBefore(AT, 10 + k), metadata: k < failed ? (k % 2 ? { status: 503 } : { success: false }) : { status: '200' } }));

  it('api_success_rate fires below 95 % and not at 95 %', async () => {
    await insertLogs(t.pool, [...requests(100, 5), ...junk(secondsBefore(AT, 5))]);
    expect((await evaluate('api_success_rate'))[0]).toMatchObject({ state: 'inactive', value: 0.95 });
    await resetData(t.pool);
    await insertLogs(t.pool, requests(100, 6));
    expect((await evaluate('api_success_rate'))[0]).toMatchObject({ state: 'firing', value: 0.94 });
  });

  it('response_time fires when the p95 of the last minute is above 2 s', async () => {
    await insertLogs(t.pool, Array.from({ length: 10 }, (_, k) => ({ at: secondsBefore(AT, 5 + k), metadata: { latency_ms: 2600 } })));
    expect((await evaluate('response_time'))[0]).toMatchObject({ state: 'firing', value: 2600 });
  });

  it('database_connections reports the share of max_connections in use', async () => {
    const [r] = await evaluate('database_connections');
    expect(r!.state).toBe('inactive');
    expect(r!.value).toBeGreaterThan(0);
    expect(r!.value).toBeLessThan(0.9);
  });
});
