/**
 * The sample product's live traffic: what it logs minute after minute while the sample workspace is
 * open, so every screen keeps having something to show (traffic.ts writes it).
 *
 * Each minute's rows depend only on the seed and the minute (a PRNG seeded by both), so the rows of
 * a time range are the same however it is split into windows: writing [a, c) at once or [a, b) then
 * [b, c) gives the same rows, and the same seed and clock always give the same data.
 *
 * Every minute: an uptime monitor's GET /api/health, API requests with the 30-day data's daily and
 * weekly rhythm, the background activity of the other sources (auth, database, Stripe, edge
 * functions, Discord bot, RLS, rate limits) at their daily rates, AI usage, the nightly backup. On a
 * cycle of TRAFFIC_CYCLE_MINUTES (aligned to the clock, so it is the same cycle in every app):
 *   - minutes 0–3: a database connection incident, 12–18 error lines a minute and 30 % of requests
 *     failing with 503 (System Down fires; it resolves about two minutes after the burst),
 *   - minute 12: an IP probes RLS policies, 7 violations within 30 s (Security Breach fires),
 *   - minutes 18–25: a latency episode, 70 % of requests take 2.6–8.6 s (Performance Degradation
 *     and Response Time fire).
 */
import { HOUR, MINUTE, type SampleAiUsageRow, type SampleEventRow, type SampleHealthRow, type SampleLogRow, type Severity } from './data';
import { Dice, createPrng } from './dice';
import {
  AI_FEATURES,
  BACKGROUND_ACTIVITY,
  DB_CONNECTION_MESSAGES,
  ENDPOINTS,
  PROVIDERS,
  RLS_TABLES,
  failureOf,
  makePopulation,
  requestLine,
  rlsViolationLine,
  type Population,
} from './vocabulary';

export const TRAFFIC_CYCLE_MINUTES = 30;
/** Minutes of the cycle (from its start) of each incident, [from, to). */
export const TRAFFIC_INCIDENTS = {
  errorBurst: { from: 0, to: 4 },
  rlsProbe: { from: 12, to: 13 },
  latency: { from: 18, to: 26 },
} as const;

/**
 * Token scale of live AI usage: the 30-day data scales its tokens so the month costs about $250;
 * at the same request rates this factor keeps live usage near that pace (about $8 a day).
 */
const AI_TOKEN_SCALE = 0.93;

export interface TrafficContext {
  seed: number;
  population: Population;
  /** The deployment the traffic runs on (system_logs.correlation_id), when known. */
  correlationId: string | null;
  /** Mean API requests per minute at the daily peak (default 4.5, as in the 30-day data). */
  peakRequestsPerMinute?: number;
}

export interface TrafficRows {
  logs: SampleLogRow[];
  aiUsage: SampleAiUsageRow[];
  events: SampleEventRow[];
  health: SampleHealthRow[];
}

export interface TrafficOptions {
  /** Minutes before this time are calm (no cycle incidents): a long gap is not filled with incidents. Default: none calm. */
  incidentsFrom?: number;
  /** Also write a health snapshot every 15 minutes (for a gap no app was open to measure). Default false. */
  health?: boolean;
}

export function trafficContext(seed: number, correlationId: string | null = null): TrafficContext {
  return { seed, population: makePopulation(new Dice(createPrng(seed))), correlationId };
}

/** Where a time falls in the incident cycle. */
export function cyclePhase(tMs: number): { cycle: number; minute: number; errorBurst: boolean; rlsProbe: boolean; latency: boolean } {
  const index = Math.floor(tMs / MINUTE);
  const minute = ((index % TRAFFIC_CYCLE_MINUTES) + TRAFFIC_CYCLE_MINUTES) % TRAFFIC_CYCLE_MINUTES;
  const within = (r: { from: number; to: number }) => minute >= r.from && minute < r.to;
  return {
    cycle: Math.floor(index / TRAFFIC_CYCLE_MINUTES),
    minute,
    errorBurst: within(TRAFFIC_INCIDENTS.errorBurst),
    rlsProbe: within(TRAFFIC_INCIDENTS.rlsProbe),
    latency: within(TRAFFIC_INCIDENTS.latency),
  };
}

/** A PRNG seed for one minute of one seed (a small integer hash of both). */
function minuteSeed(seed: number, minuteIndex: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (minuteIndex >>> 0), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13) ^ Math.floor(minuteIndex / 4294967296), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The rows of one minute (its start `m`, a multiple of MINUTE). */
function minuteRows(m: number, ctx: TrafficContext, incidents: boolean): TrafficRows {
  const dice = new Dice(createPrng(minuteSeed(ctx.seed, m / MINUTE)));
  const p = ctx.population;
  const out: TrafficRows = { logs: [], aiUsage: [], events: [], health: [] };
  const push = (t: number, severity: Severity, source: string, message: string, metadata: Record<string, unknown>, userId: string | null) =>
    out.logs.push({ timestamp: new Date(t), severity, source, message, userId, correlationId: ctx.correlationId, metadata });
  const phase = incidents ? cyclePhase(m) : { cycle: 0, minute: -1, errorBurst: false, rlsProbe: false, latency: false };

  // API requests: the uptime monitor's health check, then the users' requests.
  const date = new Date(m);
  const hour = date.getUTCHours() + date.getUTCMinutes() / 60;
  const daily = 0.25 + 0.75 * Math.max(0, Math.sin(((hour - 6) / 24) * 2 * Math.PI)) ** 1.5;
  const weekly = date.getUTCDay() === 0 || date.getUTCDay() === 6 ? 0.55 : 1;
  const busy = phase.errorBurst || phase.latency;
  const count = 1 + dice.poisson((ctx.peakRequestsPerMinute ?? 4.5) * daily * weekly * (busy ? 4 : 1));
  const health = ENDPOINTS.find(([ep]) => ep.path === '/api/health')![0];
  for (let k = 0; k < count; k++) {
    const t = m + dice.int(0, MINUTE - 1);
    const ep = k === 0 ? health : dice.weighted(ENDPOINTS);
    const path = ep.path.replace('{id}', String(dice.int(1000, 99_999))).replace('{uuid}', dice.pick(p.activeUsers));
    const ip = dice.pick(p.clientIps);
    const userId = ep.path === '/api/health' ? null : dice.pick(p.activeUsers);
    let status: number;
    let cause = '';
    if (phase.errorBurst && dice.chance(0.3)) [status, cause] = [503, 'connection terminated unexpectedly'];
    else if (phase.latency && dice.chance(0.02)) ({ status, cause } = failureOf(ep));
    else {
      status = dice.weighted([
        [ep.method === 'POST' ? 201 : 200, 930],
        [304, ep.method === 'GET' ? 25 : 0],
        [400, 8],
        [401, 9],
        [403, 3],
        [404, 14],
        [429, 3],
        [0, 5],
      ] as const);
      if (status === 0) ({ status, cause } = failureOf(ep));
    }
    let latency = dice.latency(ep.median);
    // In a latency episode the first request of each minute is slow, so every minute has a slow p95.
    if (phase.latency && (k === 0 || dice.chance(0.7))) latency = dice.int(2600, 8600);
    else if ((phase.errorBurst && dice.chance(0.6)) || dice.chance(0.008)) latency = dice.int(2100, 8600);
    const line = requestLine(ep.method, path, status, latency, cause);
    push(t, line.severity, 'api', line.message, { latency_ms: latency, status, ip, path, method: ep.method, request_id: `req_${dice.alnum(12)}` }, userId);
  }

  // The database connection incident's own error lines.
  if (phase.errorBurst) {
    const n = 12 + dice.int(0, 6);
    for (let k = 0; k < n; k++) {
      const t = m + dice.int(0, MINUTE - 1);
      const severity: Severity = dice.chance(0.06) ? 'critical' : 'error';
      const message = dice.pick(DB_CONNECTION_MESSAGES)(dice);
      push(t, severity, 'database', message, { pool_size: 20, host: 'db.sample.internal', error_code: dice.pick(['08006', '08001', '57P01']) }, dice.chance(0.5) ? dice.pick(p.activeUsers) : null);
    }
  }

  // An IP probing RLS policies: 7 violations within about 30 s, from one of the suspicious IPs.
  if (phase.rlsProbe) {
    const ip = p.suspiciousIps[phase.cycle % p.suspiciousIps.length];
    const u = dice.pick(p.users.slice(48));
    const at = m + dice.int(0, 20_000);
    for (let k = 0; k < 7; k++) {
      const line = rlsViolationLine(k % 3 === 2 ? 'UPDATE' : 'SELECT', RLS_TABLES[k % RLS_TABLES.length], ip, u);
      push(at + Math.round((k * 28_000) / 7) + dice.int(0, 900), line.severity, line.source, line.message, line.metadata, line.userId);
    }
  }

  // The other sources at their daily rates.
  for (const activity of BACKGROUND_ACTIVITY) {
    const n = dice.poisson(activity.perDay / 1440);
    for (let k = 0; k < n; k++) {
      const t = m + dice.int(0, MINUTE - 1);
      const line = activity.make(dice, p);
      push(t, line.severity, line.source, line.message, line.metadata, line.userId);
    }
  }

  // AI usage.
  for (const prov of PROVIDERS) {
    const n = dice.poisson(prov.perDay / 1440);
    for (let k = 0; k < n; k++) {
      const t = m + dice.int(0, MINUTE - 1);
      const success = dice.chance(0.975);
      const feature = dice.weighted(AI_FEATURES);
      const prompt = Math.max(1, Math.round(dice.latency(prov.prompt, 0.45, prov.prompt * 6) * AI_TOKEN_SCALE));
      const completion = success ? Math.round(dice.latency(prov.completion, 0.5, prov.completion * 6) * AI_TOKEN_SCALE) : 0;
      const cost = success ? (prompt * prov.inPerM + completion * prov.outPerM) / 1_000_000 : 0;
      out.aiUsage.push({
        createdAt: new Date(t),
        provider: prov.provider,
        model: prov.model,
        feature,
        userId: dice.pick(p.activeUsers),
        promptTokens: prompt,
        completionTokens: completion,
        totalTokens: prompt + completion,
        costUsd: Math.round(cost * 1_000_000) / 1_000_000,
        latencyMs: success ? dice.latency(prov.latency, 0.5, 60_000) : dice.int(200, 30_000),
        success,
        metadata: { request_id: `req_${dice.alnum(16)}`, endpoint: prov.endpoint, status: success ? 200 : dice.pick([500, 529, 503]) },
      });
    }
  }

  // The nightly backup at 03:00 UTC.
  if (m % (24 * HOUR) === 3 * HOUR) {
    const at = m + dice.int(0, 59) * 1000;
    const file = `backup_${new Date(at).toISOString().slice(0, 19).replace(/[-:T]/g, '').replace(/^(\d{8})/, '$1_')}.sql`;
    out.events.push({
      timestamp: new Date(at),
      eventType: 'backup',
      severity: 'info',
      message: 'Database backup completed',
      metadata: { status: 'success', file, size_bytes: dice.int(400_000_000, 480_000_000), duration_ms: dice.int(80_000, 150_000), verified: dice.chance(0.8) },
      idempotencyKey: null,
    });
  }
  return out;
}

/** The sample's traffic in [fromMs, toMs), oldest first. */
export function generateTraffic(fromMs: number, toMs: number, ctx: TrafficContext, options: TrafficOptions = {}): TrafficRows {
  const out: TrafficRows = { logs: [], aiUsage: [], events: [], health: [] };
  if (!(toMs > fromMs)) return out;
  const memo = new Map<number, TrafficRows>();
  const rowsOf = (m: number) => {
    let r = memo.get(m);
    if (!r) {
      r = minuteRows(m, ctx, m >= (options.incidentsFrom ?? -Infinity));
      memo.set(m, r);
    }
    return r;
  };
  const inside = (d: Date) => d.getTime() >= fromMs && d.getTime() < toMs;
  for (let m = Math.floor(fromMs / MINUTE) * MINUTE; m < toMs; m += MINUTE) {
    const r = rowsOf(m);
    out.logs.push(...r.logs.filter((x) => inside(x.timestamp)));
    out.aiUsage.push(...r.aiUsage.filter((x) => inside(x.createdAt)));
    out.events.push(...r.events.filter((x) => inside(x.timestamp)));
  }
  if (options.health) {
    const bucket = 15 * MINUTE;
    for (let b = Math.ceil(fromMs / bucket) * bucket; b < toMs; b += bucket) {
      const logs: SampleLogRow[] = [];
      for (let m = b - bucket; m < b; m += MINUTE) logs.push(...rowsOf(m).logs);
      out.health.push(healthOf(b, logs, cyclePhase(b - 1).errorBurst && b - 1 >= (options.incidentsFrom ?? -Infinity)));
    }
  }
  out.logs.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  out.aiUsage.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  return out;
}

/** A 15-minute health snapshot from the window's logs, as the 30-day data computes them. */
function healthOf(at: number, logs: readonly SampleLogRow[], dbIncident: boolean): SampleHealthRow {
  const requests = logs.filter((l) => l.source === 'api' && typeof l.metadata.status === 'number');
  const errors = logs.filter((l) => l.severity === 'error' || l.severity === 'critical').length;
  const failed = requests.filter((l) => (l.metadata.status as number) >= 500).length;
  const latencies = requests.map((l) => l.metadata.latency_ms as number).sort((a, b) => a - b);
  const slow = latencies.filter((x) => x > 2000).length;
  const errorRate = logs.length ? errors / logs.length : 0;
  const failureRate = requests.length ? failed / requests.length : 0;
  const latencySpikes = requests.length ? slow / requests.length : 0;
  const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
  const p95 = latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.95) - 1)] : 0;
  return {
    timestamp: new Date(at),
    entropy: r4((errorRate + failureRate + latencySpikes) / 3),
    errorRate: r4(errorRate),
    failureRate: r4(failureRate),
    latencySpikes: r4(latencySpikes),
    activeConnections: dbIncident ? 19 : 3 + (Math.floor(at / (15 * MINUTE)) % 12),
    metrics: { requests: requests.length, errors, log_lines: logs.length, p95_latency_ms: p95, pool_max: 20, window_minutes: 15 },
  };
}
