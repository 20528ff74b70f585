import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandlerRegistry } from '../../../src/main/core/api/registry';
import { registerMonitoringHandlers } from '../../../src/main/core/api/monitoring';
import { ManualClock } from '../../../src/main/core/clock';
import type { CoreContext } from '../../../src/main/core/context';
import type { PushEventName } from '../../../src/shared/api';
import type { MonitoringChecksOutput } from '../../../src/shared/api/monitoring';
import type { EntropyReading, MonitoringOverview } from '../../../src/shared/monitoring';
import { createMonitoredDatabase, insertAiUsage, insertLogs, minutesBefore, type MonitoredDatabase } from './fixture';

const NOW = new Date('2026-04-15T12:02:00Z');
let m: MonitoredDatabase;
const clock = new ManualClock(NOW);
const events: { name: PushEventName; payload: unknown }[] = [];
const ctx: CoreContext = {
  clock,
  caller: { channel: 'ui', requestedBy: 'tester' },
  emit: (name, payload) => events.push({ name, payload }),
  services: {},
};
const registry = new HandlerRegistry();

beforeAll(async () => {
  m = await createMonitoredDatabase();
  registerMonitoringHandlers(registry, { pool: async () => m.pool, clock });
  await insertLogs(m.pool, [
    { at: minutesBefore(NOW, 1), metadata: { status: 200, latency_ms: 100, ip: '10.0.0.1' } },
    { at: minutesBefore(NOW, 1), metadata: { status: 200, latency_ms: 'abc' } },
    { at: minutesBefore(NOW, 6), metadata: { status: 502, latency_ms: 2600 } },
    { at: minutesBefore(NOW, 30), severity: 'error', message: 'timeout talking to stripe' },
    { at: minutesBefore(NOW, 90), severity: 'critical', message: 'db down' },
    { at: minutesBefore(NOW, 60 * 25), severity: 'error', message: 'too old for the 24 h panel' },
    { at: minutesBefore(NOW, 2), source: 'rls_violation', severity: 'warning', metadata: { ip: '198.51.100.7' } },
    { at: minutesBefore(NOW, 3), source: 'rls_violation', severity: 'warning', metadata: {} },
  ]);
  await m.pool.query(
    `INSERT INTO ops.roman_events ("timestamp", event_type, severity, message) VALUES
       ($1, 'approval', 'info', 'deploy staging'), ($1, 'rejection', 'warning', 'drop prod')`,
    [minutesBefore(NOW, 10)],
  );
  await insertAiUsage(m.pool, [
    { at: new Date('2026-04-14T10:00:00Z'), provider: 'openai', costUsd: 2 },
    { at: new Date('2026-04-14T11:00:00Z'), provider: 'openai', costUsd: 3 },
    { at: new Date('2026-04-15T09:00:00Z'), provider: 'anthropic', costUsd: 4, latencyMs: 1200 },
  ]);
});
afterAll(async () => {
  await m?.close();
});

describe('monitoring API', () => {
  it("'monitoring.checks' returns every check with a summary and announces 'monitoring.updated'", async () => {
    events.length = 0;
    const r = await registry.dispatch('monitoring.checks', {}, ctx);
    expect(r.ok).toBe(true);
    const out = (r as { ok: true; value: MonitoringChecksOutput }).value;
    expect(out.checks.length).toBeGreaterThan(20);
    expect(Object.values(out.summary).reduce((a, b) => a + b, 0)).toBe(out.checks.length);
    expect(events).toEqual([{ name: 'monitoring.updated', payload: { at: NOW.toISOString(), summary: out.summary } }]);
    const areas = await registry.dispatch('monitoring.checks', { areas: ['application'] }, ctx);
    expect((areas as { ok: true; value: MonitoringChecksOutput }).value.checks.every((c) => c.area === 'application')).toBe(true);
  });

  it('rejects unknown input fields and unknown areas', async () => {
    const bad = await registry.dispatch('monitoring.checks', { areas: ['disks'] }, ctx);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const extra = await registry.dispatch('monitoring.entropy', { window: 5 }, ctx);
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it("'monitoring.entropy' returns the reading for the clock's window", async () => {
    const r = await registry.dispatch('monitoring.entropy', {}, ctx);
    const reading = (r as { ok: true; value: EntropyReading }).value;
    // window (11:47, 12:02]: 5 logs (2 RLS), no errors; 3 log requests (1 failed) → failureRate 1/3;
    // 2 timed (the 'abc' one is ignored), 1 above 2 s → latencySpikes 0.5
    expect(reading).toMatchObject({ errorRate: 0, latencySpikes: 0.5, measuredAt: NOW.toISOString() });
    expect(reading.failureRate).toBeCloseTo(1 / 3, 12);
    expect(reading.entropy).toBeCloseTo((0 + 1 / 3 + 0.5) / 3, 12);
    expect(reading.stable).toBe(false);
  });

  it("'monitoring.overview' fills the six dashboard panels", async () => {
    const r = await registry.dispatch('monitoring.overview', {}, ctx);
    expect(r.ok).toBe(true);
    const o = (r as { ok: true; value: MonitoringOverview }).value;
    if (o.health.status !== 'ok' || o.recentErrors.status !== 'ok' || o.romanEvents.status !== 'ok' || o.aiCost.status !== 'ok' || o.performance.status !== 'ok' || o.security.status !== 'ok') {
      throw new Error(`a panel is unavailable: ${JSON.stringify(o)}`);
    }
    expect(o.health.data.system).toMatchObject({ errorsLastHour: 1, criticalEventsLastHour: 0, activeSubscriptions: null });
    expect(o.health.data.system.notes).toContain('table public.subscriptions does not exist');
    expect(o.health.data.entropy?.stable).toBe(false);

    expect(o.recentErrors.data.hourly).toHaveLength(24);
    expect(o.recentErrors.data.hourly[23]).toEqual({ hour: '2026-04-15T12:00:00.000Z', errors: 0, critical: 0 });
    expect(o.recentErrors.data.hourly[22]).toEqual({ hour: '2026-04-15T11:00:00.000Z', errors: 1, critical: 0 });
    expect(o.recentErrors.data.hourly[21]).toEqual({ hour: '2026-04-15T10:00:00.000Z', errors: 0, critical: 1 });
    expect(o.recentErrors.data.latest.map((e) => e.message)).toEqual(['timeout talking to stripe', 'db down']);

    expect(o.romanEvents.data.counts).toEqual([
      { eventType: 'approval', severity: 'info', count: 1 },
      { eventType: 'rejection', severity: 'warning', count: 1 },
    ]);

    expect(o.aiCost.data.daily).toEqual([
      { day: '2026-04-15T00:00:00.000Z', provider: 'anthropic', requests: 1, totalTokens: 100, costUsd: 4, avgLatencyMs: 1200 },
      { day: '2026-04-14T00:00:00.000Z', provider: 'openai', requests: 2, totalTokens: 200, costUsd: 5, avgLatencyMs: 800 },
    ]);
    expect(o.aiCost.data).toMatchObject({ monthSpendUsd: 9, monthlyBudgetUsd: 500 });
    // the /metrics additions: top consumers by feature and the month's projection at its daily rate
    expect(o.aiCost.data.topConsumers).toEqual([{ feature: 'chat', label: 'Chat', costUsd: 9, share: 1, requests: 3 }]);
    expect(o.aiCost.data.projection).toMatchObject({ projectedUsd: 18.62, daysInMonth: 30, overrun: false });
    expect(o.aiCost.data.projection.dailyRateUsd).toBeCloseTo(9 / 14.5, 3);
    expect(o.aiCost.data.recommendations).toEqual([{ level: 'ok', text: 'On track - no action needed' }]);

    const buckets = o.performance.data.buckets;
    expect(buckets.length).toBe(73);
    expect(buckets[buckets.length - 1]).toEqual({ start: '2026-04-15T12:00:00.000Z', requests: 2, failed: 0, p95LatencyMs: 100 });
    expect(buckets[buckets.length - 2]).toEqual({ start: '2026-04-15T11:55:00.000Z', requests: 1, failed: 1, p95LatencyMs: 2600 });

    expect(o.security.data.byIp.map((x) => [x.ip, x.violations])).toEqual([
      ['(unknown)', 1],
      ['198.51.100.7', 1],
    ]);
  });

  const overviewOf = async (input: unknown): Promise<MonitoringOverview> => {
    const r = await registry.dispatch('monitoring.overview', input as never, ctx);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.value as MonitoringOverview;
  };

  it("'monitoring.overview' with a range buckets the performance series over it (bucket size per range)", async () => {
    const hour = await overviewOf({ range: { last: '1h' } });
    if (hour.performance.status !== 'ok') throw new Error(JSON.stringify(hour.performance));
    const p = hour.performance.data;
    expect(p.window).toEqual({ from: '2026-04-15T11:02:00.000Z', to: '2026-04-15T12:02:00.000Z', bucketSeconds: 60, preset: '1h' });
    expect(p.buckets).toHaveLength(61);
    expect(p.buckets.reduce((s, b) => s + b.requests, 0)).toBe(3);
    expect(p.buckets.find((b) => b.failed > 0)).toEqual({ start: '2026-04-15T11:56:00.000Z', requests: 1, failed: 1, p95LatencyMs: 2600 });

    const week = await overviewOf({ range: { last: '7d' } });
    if (week.performance.status !== 'ok') throw new Error(JSON.stringify(week.performance));
    expect(week.performance.data.window.bucketSeconds).toBe(7200);
    expect(week.performance.data.buckets.length).toBeGreaterThanOrEqual(60);

    // a custom range before the requests: buckets with no requests, p95 null (no data, not zero)
    const custom = await overviewOf({ range: { from: '2026-04-15T09:00:00Z', to: '2026-04-15T10:00:00Z' } });
    if (custom.performance.status !== 'ok') throw new Error(JSON.stringify(custom.performance));
    expect(custom.performance.data.window).toEqual({ from: '2026-04-15T09:00:00.000Z', to: '2026-04-15T10:00:00.000Z', bucketSeconds: 60 });
    expect(custom.performance.data.buckets.every((b) => b.requests === 0 && b.p95LatencyMs === null)).toBe(true);
  });

  it("'monitoring.overview' refuses a bad range with a clear message", async () => {
    const cases: [unknown, RegExp][] = [
      [{ from: '2026-04-15T10:00:00Z', to: '2026-04-15T09:00:00Z' }, /from must be before to/],
      [{ from: '2026-03-01T00:00:00Z', to: '2026-04-15T00:00:00Z' }, /at most 30 days/],
      [{ from: '2026-04-15T11:00:00Z', to: '2026-04-15T14:00:00Z' }, /in the future/],
      [{ last: '2h' }, /./],
      [{ from: 'yesterday', to: '2026-04-15T09:00:00Z' }, /./],
    ];
    for (const [range, message] of cases) {
      const r = await registry.dispatch('monitoring.overview', { range } as never, ctx);
      expect(r.ok, JSON.stringify(range)).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('invalid_input');
        expect(r.error.message).toMatch(message);
      }
    }
  });

  it('a database that cannot be opened is an "unavailable" error, not a crash', async () => {
    const broken = new HandlerRegistry();
    registerMonitoringHandlers(broken, {
      pool: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5999');
      },
      clock,
    });
    const r = await broken.dispatch('monitoring.entropy', {}, ctx);
    expect(r).toEqual({ ok: false, error: { code: 'unavailable', message: 'Database unavailable: connect ECONNREFUSED 127.0.0.1:5999' } });
  });
});
