import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/main/core/clock';
import { measureSystemEntropy, recordHealthSnapshot } from '../../../src/main/core/monitoring/entropy';
import { runHealthChecks } from '../../../src/main/core/monitoring/runner';
import { createMonitoredDatabase, insertAiUsage, insertLogs, minutesBefore, type MonitoredDatabase } from './fixture';

const NOW = new Date('2026-03-10T12:00:00Z');
let m: MonitoredDatabase;
const clock = new ManualClock(NOW);

beforeAll(async () => {
  m = await createMonitoredDatabase();
});
afterAll(async () => {
  await m?.close();
});
beforeEach(async () => {
  clock.set(NOW);
  await m.pool.query('TRUNCATE public.system_logs, public.ai_usage_logs, ops.system_health');
});

describe('measureSystemEntropy', () => {
  it('reports 0 for an empty window, with a note for each term', async () => {
    const r = await measureSystemEntropy(m.pool, clock);
    expect(r).toMatchObject({ entropy: 0, errorRate: 0, failureRate: 0, latencySpikes: 0, stable: true });
    expect(r.window).toEqual({ start: '2026-03-10T11:45:00.000Z', end: '2026-03-10T12:00:00.000Z', minutes: 15 });
    expect(r.notes.join(' ')).toMatch(/errorRate is 0: no system_logs rows/);
    expect(r.notes.join(' ')).toMatch(/failureRate is 0: no requests/);
    expect(r.notes.join(' ')).toMatch(/latencySpikes is 0: no timed requests/);
    // …and says it measured nothing: an empty window is "no data", not a healthy 0 %.
    expect(r.data).toBe('no_data');
    expect(r.noDataTerms).toEqual(['errorRate', 'failureRate', 'latencySpikes']);
  });

  it('a window with logs but no request is "partial": the terms without data are named', async () => {
    await insertLogs(m.pool, [{ at: minutesBefore(NOW, 1), severity: 'info', metadata: {} }]);
    const r = await measureSystemEntropy(m.pool, clock);
    expect(r.data).toBe('partial');
    expect(r.noDataTerms).toEqual(['failureRate', 'latencySpikes']);
  });

  it('10 logs with 1 error give errorRate 0.1 (critical counts as an error, warning does not)', async () => {
    await insertLogs(m.pool, [
      ...Array.from({ length: 8 }, (_, i) => ({ at: minutesBefore(NOW, i + 1) })),
      { at: minutesBefore(NOW, 2), severity: 'warning' as const },
      { at: minutesBefore(NOW, 3), severity: 'error' as const },
    ]);
    const r = await measureSystemEntropy(m.pool, clock);
    expect(r.errorRate).toBe(0.1);
    expect(r.counts).toMatchObject({ logs: 10, errorLogs: 1 });
    await insertLogs(m.pool, [{ at: minutesBefore(NOW, 1), severity: 'critical' }]);
    const r2 = await measureSystemEntropy(m.pool, clock);
    expect(r2.errorRate).toBeCloseTo(2 / 11, 12);
  });

  it('counts failed requests from status ≥ 500, success=false and failed AI calls', async () => {
    await insertLogs(m.pool, [
      { at: minutesBefore(NOW, 1), metadata: { status: 200 } },
      { at: minutesBefore(NOW, 1), metadata: { status: '503' } },
      { at: minutesBefore(NOW, 1), metadata: { status: 404 } },
      { at: minutesBefore(NOW, 1), metadata: { success: false } },
      { at: minutesBefore(NOW, 1), metadata: { success: 'true' } },
      { at: minutesBefore(NOW, 1), metadata: { note: 'not a request' } },
    ]);
    await insertAiUsage(m.pool, [
      { at: minutesBefore(NOW, 2), success: false },
      { at: minutesBefore(NOW, 2), success: true },
      { at: minutesBefore(NOW, 2), success: true },
    ]);
    const r = await measureSystemEntropy(m.pool, clock);
    // requests: 5 log requests + 3 AI calls; failed: 503, success=false, 1 AI failure
    expect(r.counts).toMatchObject({ requests: 8, failedRequests: 3 });
    expect(r.failureRate).toBe(0.375);
  });

  it('latency spikes are the share of timed requests slower than 2000 ms', async () => {
    await insertLogs(m.pool, [
      { at: minutesBefore(NOW, 1), metadata: { latency_ms: 100 } },
      { at: minutesBefore(NOW, 1), metadata: { latency_ms: '2000' } },
      { at: minutesBefore(NOW, 1), metadata: { latency_ms: 2000.5 } },
      { at: minutesBefore(NOW, 1), metadata: { latency_ms: 9000 } },
    ]);
    const r = await measureSystemEntropy(m.pool, clock);
    expect(r.counts).toMatchObject({ timedRequests: 4, slowRequests: 2 });
    expect(r.latencySpikes).toBe(0.5);
  });

  it('entropy is the mean of the three terms; exactly 10 % is still stable, above is not', async () => {
    // 10 logs, 3 errors → errorRate 0.3; no requests → failure 0, spikes 0 → entropy 0.1
    await insertLogs(m.pool, [
      ...Array.from({ length: 7 }, () => ({ at: minutesBefore(NOW, 5) })),
      ...Array.from({ length: 3 }, () => ({ at: minutesBefore(NOW, 5), severity: 'error' as const })),
    ]);
    const r = await measureSystemEntropy(m.pool, clock);
    expect(r.entropy).toBe(0.1);
    expect(r.stable).toBe(true);
    await insertLogs(m.pool, [{ at: minutesBefore(NOW, 5), severity: 'error' }]);
    const r2 = await measureSystemEntropy(m.pool, clock);
    expect(r2.errorRate).toBeCloseTo(4 / 11, 12);
    expect(r2.entropy).toBeCloseTo(4 / 33, 12);
    expect(r2.stable).toBe(false);
  });

  it('the window is (now − 15 min, now]: the start is excluded, now is included, the future is ignored', async () => {
    await insertLogs(m.pool, [
      { at: minutesBefore(NOW, 15), severity: 'error' },
      { at: NOW, severity: 'info' },
      { at: new Date(NOW.getTime() + 1000), severity: 'error' },
      { at: minutesBefore(NOW, 14.99), severity: 'info' },
    ]);
    const r = await measureSystemEntropy(m.pool, clock);
    expect(r.counts).toMatchObject({ logs: 2, errorLogs: 0 });
    clock.advance(60_000);
    const later = await measureSystemEntropy(m.pool, clock);
    expect(later.counts).toMatchObject({ logs: 2, errorLogs: 1 });
  });

  it('malformed metadata never breaks the measurement: only well-formed values count', async () => {
    await insertLogs(m.pool, [
      { at: minutesBefore(NOW, 1), metadata: { latency_ms: 'abc' } },
      { at: minutesBefore(NOW, 1), metadata: { latency_ms: '1e9' } },
      { at: minutesBefore(NOW, 1), metadata: { latency_ms: -5 } },
      { at: minutesBefore(NOW, 1), metadata: { latency_ms: { nested: 1 } } },
      { at: minutesBefore(NOW, 1), metadata: { status: 'oops', success: 'maybe' } },
      { at: minutesBefore(NOW, 1), metadata: [1, 2, 3] },
      { at: minutesBefore(NOW, 1), metadata: 'just a string' },
      { at: minutesBefore(NOW, 1), metadata: { latency_ms: 3000, status: 500 } },
    ]);
    const r = await measureSystemEntropy(m.pool, clock);
    expect(r.counts).toMatchObject({ logs: 8, requests: 1, failedRequests: 1, timedRequests: 1, slowRequests: 1 });
    expect(r.entropy).toBeCloseTo(2 / 3, 12);
  });

  it('refuses clearly when public.system_logs does not exist', async () => {
    const client = await m.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('ALTER TABLE public.system_logs RENAME TO system_logs_moved');
      // measured through this transaction's client, so the rename is invisible to everyone else
      await expect(measureSystemEntropy(client as unknown as pg.Pool, clock)).rejects.toThrow(
        /public\.system_logs does not exist/,
      );
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

describe('recordHealthSnapshot', () => {
  it('writes the reading, active connections and check values to ops.system_health, feeding the growth check', async () => {
    await insertLogs(m.pool, [{ at: minutesBefore(NOW, 1), severity: 'error' }, { at: minutesBefore(NOW, 1) }]);
    const reading = await measureSystemEntropy(m.pool, clock);
    const checks = await runHealthChecks(m.pool, { clock, areas: ['system', 'space'] });
    const { id } = await recordHealthSnapshot(m.pool, reading, checks);
    const row = (await m.pool.query('SELECT * FROM ops.system_health WHERE id = $1', [id])).rows[0];
    expect(row.timestamp.toISOString()).toBe(NOW.toISOString());
    expect(row.entropy).toBeCloseTo(reading.entropy, 12);
    expect(row.error_rate).toBe(0.5);
    expect(row.active_connections).toBe(checks.find((c) => c.key === 'system.active_connections')!.value);
    expect(Number(row.metrics.database_size_bytes)).toBeGreaterThan(0);
    expect(row.metrics.checks['system.errors_last_hour']).toEqual({ status: 'ok', value: 1 });

    await m.pool.query(`UPDATE ops.system_health SET "timestamp" = now() - interval '2 hours', metrics = jsonb_set(metrics, '{database_size_bytes}', to_jsonb((metrics->>'database_size_bytes')::bigint - 1048576)) WHERE id = $1`, [id]);
    const [growth] = await runHealthChecks(m.pool, { clock, keys: ['space.database_growth'] });
    expect(growth.status).toBe('ok');
    expect(growth.value).toBeGreaterThan(0);
    expect(growth.detail).toMatch(/since the snapshot of/);
  });
});
