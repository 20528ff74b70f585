/**
 * The sample workspace stays alive: its live generator keeps writing traffic and, on its cycle,
 * incidents that the real alert rules fire and resolve, and the entropy always measures something.
 * Real Postgres with the sample's schema, the real rules (AlertService) and entropy measure, an
 * injected clock advanced by hand (no wall-clock waits).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { AlertService } from '../../../src/main/core/alerts/service';
import { ManualClock } from '../../../src/main/core/clock';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { ENTROPY_WINDOW_MINUTES, measureSystemEntropy } from '../../../src/main/core/monitoring/entropy';
import { NotifierRegistry } from '../../../src/main/core/notify/notifier';
import { DEFAULT_SAMPLE_SEED } from '../../../src/main/core/sample/data';
import { TRAFFIC_CYCLE_MINUTES, TRAFFIC_INCIDENTS, cyclePhase, generateTraffic, trafficContext } from '../../../src/main/core/sample/live';
import { startSampleTraffic } from '../../../src/main/core/sample/traffic';
import { SAMPLE_PRODUCT_SCHEMA_SQL } from '../../../src/main/core/sample/writer';
import { ENTROPY_STABLE_MAX } from '../../../src/shared/monitoring';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('live sample traffic (generator)', () => {
  const ctx = trafficContext(DEFAULT_SAMPLE_SEED, 'deploy_20260314_abc1234');
  const from = Date.parse('2026-03-14T02:20:00Z');

  it('gives the same rows however a time range is split, and other rows for another seed', () => {
    const whole = generateTraffic(from, from + HOUR, ctx);
    const a = generateTraffic(from, from + 1_234_567, ctx);
    const b = generateTraffic(from + 1_234_567, from + HOUR, ctx);
    expect(JSON.stringify([...a.logs, ...b.logs])).toBe(JSON.stringify(whole.logs));
    expect(JSON.stringify(generateTraffic(from, from + HOUR, ctx).logs)).toBe(JSON.stringify(whole.logs));
    const other = generateTraffic(from, from + HOUR, trafficContext(42));
    expect(JSON.stringify(other.logs.slice(0, 20))).not.toBe(JSON.stringify(whole.logs.slice(0, 20)));
  });

  it('writes the sources and message shapes of the 30-day data, every minute, a few rows a second at most', () => {
    const day = generateTraffic(from, from + DAY, ctx);
    expect(new Set(day.logs.map((l) => l.source))).toEqual(
      new Set(['api', 'api_rate_limit', 'auth', 'database', 'discord_bot', 'edge_function', 'rls_violation', 'stripe_webhook']),
    );
    const minutes = new Set(day.logs.map((l) => Math.floor(l.timestamp.getTime() / MIN)));
    expect(minutes.size).toBe(24 * 60);
    expect(day.logs.length / (24 * 3600)).toBeLessThan(1);
    for (const r of day.logs.filter((l) => l.source === 'api')) {
      expect(Object.keys(r.metadata)).toEqual(expect.arrayContaining(['latency_ms', 'status', 'ip', 'path', 'method']));
      expect(r.correlationId).toBe('deploy_20260314_abc1234');
    }
    expect(new Set(day.aiUsage.map((r) => r.provider))).toEqual(new Set(['anthropic', 'openai', 'google']));
    const cost = day.aiUsage.reduce((s, r) => s + r.costUsd, 0);
    expect(cost).toBeGreaterThan(4);
    expect(cost).toBeLessThan(14);
    expect(day.events.filter((e) => e.eventType === 'backup')).toHaveLength(1);
  });
});

describe('live sample traffic on Postgres, with the alert rules', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase('roman_sample_live');
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await initDatabase(pool);
    await pool.query(SAMPLE_PRODUCT_SCHEMA_SQL);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('over two cycles the entropy always measures data and changes, and each incident fires and resolves on the cycle', async () => {
    // Start 5 minutes before a cycle begins.
    const start = Math.ceil(Date.parse('2026-03-14T09:00:00Z') / (TRAFFIC_CYCLE_MINUTES * MIN)) * TRAFFIC_CYCLE_MINUTES * MIN - 5 * MIN;
    const clock = new ManualClock(start);
    await pool.query(`INSERT INTO public.sample_traffic (id, written_until) VALUES (1, $1)`, [new Date(start - ENTROPY_WINDOW_MINUTES * MIN)]);
    // The 15 minutes before the start were written when the sample opened (catch-up).
    const traffic = await startSampleTraffic({ url: db.url, clock, seed: DEFAULT_SAMPLE_SEED, tickMs: 0 });
    const service = new AlertService({ db: pool, clock, notifiers: new NotifierRegistry(clock), recordEvents: false });
    const rules = ['system_down', 'security_breach', 'performance_degradation'];
    const transitions: { rule: string; to: string; at: number }[] = [];
    const entropies: { at: number; value: number; data: string }[] = [];
    try {
      // Until 28 minutes into the second cycle: two bursts, two probes, two latency episodes.
      for (let t = 0; t <= (5 + TRAFFIC_CYCLE_MINUTES + 28) * 4; t++) {
        clock.set(start + t * 15_000);
        await traffic.tick();
        const out = await service.evaluate(rules);
        expect(out.errors).toEqual([]);
        // The first evaluation judges the 15 minutes written before the start (a latency episode then).
        if (t > 0) for (const tr of out.transitions) transitions.push({ rule: tr.rule, to: tr.to, at: clock.now().getTime() });
        if (t % 4 === 0) {
          const e = await measureSystemEntropy(pool, clock);
          entropies.push({ at: clock.now().getTime(), value: e.entropy, data: e.data });
        }
      }
    } finally {
      await traffic.stop();
    }

    expect(entropies.filter((e) => e.data === 'no_data')).toEqual([]);
    const values = entropies.map((e) => e.value);
    expect(Math.max(...values)).toBeGreaterThan(ENTROPY_STABLE_MAX);
    expect(Math.min(...values)).toBeLessThanOrEqual(ENTROPY_STABLE_MAX);

    const phaseOf = (at: number) => cyclePhase(at).minute;
    const of = (rule: string, to: string) => transitions.filter((x) => x.rule === rule && x.to === to);
    // System Down: fires in the error burst of each cycle, resolves within a few minutes of its end.
    expect(of('system_down', 'firing')).toHaveLength(2);
    for (const f of of('system_down', 'firing')) expect(phaseOf(f.at)).toBeLessThan(TRAFFIC_INCIDENTS.errorBurst.to);
    expect(of('system_down', 'resolved')).toHaveLength(2);
    for (const r of of('system_down', 'resolved')) {
      expect(phaseOf(r.at)).toBeGreaterThanOrEqual(TRAFFIC_INCIDENTS.errorBurst.to);
      expect(phaseOf(r.at)).toBeLessThan(TRAFFIC_INCIDENTS.errorBurst.to + 3);
    }
    // Security Breach: the RLS probe of each cycle.
    expect(of('security_breach', 'firing')).toHaveLength(2);
    for (const f of of('security_breach', 'firing')) expect(phaseOf(f.at)).toBe(TRAFFIC_INCIDENTS.rlsProbe.from);
    expect(of('security_breach', 'resolved')).toHaveLength(2);
    // Performance Degradation: 5 slow minutes into each latency episode (the database incident is
    // slow too, and may fire it as it ends); never in the calm minutes.
    const perf = of('performance_degradation', 'firing').map((f) => phaseOf(f.at));
    const inLatency = (m: number) => m >= TRAFFIC_INCIDENTS.latency.from + 4 && m <= TRAFFIC_INCIDENTS.latency.to;
    const afterBurst = (m: number) => m >= TRAFFIC_INCIDENTS.errorBurst.to - 1 && m <= TRAFFIC_INCIDENTS.errorBurst.to + 1;
    expect(perf.filter(inLatency)).toHaveLength(2);
    expect(perf.filter((m) => !inLatency(m) && !afterBurst(m))).toEqual([]);
    expect(of('performance_degradation', 'resolved').length).toBeGreaterThanOrEqual(1);

    // Everything up to the clock is written, once (the state moves with the rows).
    const state = await pool.query<{ t: Date }>('SELECT written_until AS t FROM public.sample_traffic');
    expect(state.rows[0].t.getTime()).toBe(clock.now().getTime());
    const dup = await pool.query(`SELECT metadata->>'request_id' FROM public.system_logs WHERE metadata ? 'request_id' GROUP BY 1 HAVING count(*) > 1`);
    expect(dup.rows).toEqual([]);
  }, 120_000);

  it('a sample reopened after days first writes the time it was closed: calm history with health snapshots, incidents only in the last hour', async () => {
    await pool.query('TRUNCATE public.system_logs, public.ai_usage_logs, ops.system_health');
    const closedAt = Date.parse('2026-03-20T10:00:00Z');
    await pool.query(`UPDATE public.sample_traffic SET written_until = $1`, [new Date(closedAt)]);
    const clock = new ManualClock(closedAt + 3 * DAY);
    const progress: string[] = [];
    const traffic = await startSampleTraffic({ url: db.url, clock, seed: DEFAULT_SAMPLE_SEED, tickMs: 0, onProgress: (m) => progress.push(m) });
    await traffic.stop();
    expect(progress.join('\n')).toMatch(/writing the 72\.0 h since the sample workspace was last open/);
    expect(traffic.writtenUntil().getTime()).toBe(clock.now().getTime());
    // No minute of the three days without logs.
    const holes = await pool.query(
      `SELECT count(*)::int AS n FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 minute', interval '1 minute') m
        WHERE NOT EXISTS (SELECT 1 FROM public.system_logs WHERE timestamp >= m AND timestamp < m + interval '1 minute')`,
      [new Date(closedAt), clock.now()],
    );
    expect(holes.rows[0].n).toBe(0);
    const health = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM ops.system_health WHERE timestamp >= $1', [new Date(closedAt)]);
    expect(health.rows[0].n).toBe(3 * 24 * 4);
    const connectionErrors = await pool.query<{ before: number; last: number }>(
      `SELECT count(*) FILTER (WHERE timestamp < $1)::int AS before, count(*) FILTER (WHERE timestamp >= $1)::int AS last
         FROM public.system_logs WHERE message LIKE '%connection%' AND severity IN ('error', 'critical')`,
      [new Date(clock.now().getTime() - HOUR)],
    );
    // The cycle's database incidents only in the last hour: the gap is not three days of outages.
    expect(connectionErrors.rows[0].before).toBe(0);
    expect(connectionErrors.rows[0].last).toBeGreaterThan(20);
  });
});
