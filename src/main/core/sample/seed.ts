/**
 * Sample workspace data: a deterministic generator of 30 days of realistic operations data for a
 * small SaaS (request logs, auth, database, Stripe webhooks, edge functions, Discord bot, RLS
 * violations, rate limits, AI usage, subscriptions, R.O.M.A.N. events, health snapshots), all
 * relative to an injected "now". writer.ts loads it; live.ts keeps writing traffic after it.
 *
 * The same seed and the same "now" always give the same rows. Incidents are placed so every screen
 * has something to show: past error bursts, an incident still going on in the last 15 minutes, an IP
 * with 7 RLS violations inside one minute a few minutes ago, slow requests, one failed backup older
 * than 24 hours, and AI costs of about $250 over the month.
 */
import { DAY, DEFAULT_SAMPLE_SEED, HOUR, MINUTE, SAMPLE_SPAN_DAYS } from './data';
import type { SampleAiUsageRow, SampleDataset, SampleEventRow, SampleHealthRow, SampleLogRow, SampleSubscriptionRow, Severity } from './data';
import { Dice, createPrng } from './dice';
import {
  AI_FEATURES,
  AI_MONTHLY_COST_TARGET,
  BACKGROUND_ACTIVITY,
  DB_CONNECTION_MESSAGES,
  ENDPOINTS,
  PROVIDERS,
  RLS_TABLES,
  STRIPE_EVENTS,
  failureOf,
  makePopulation,
  requestLine,
  rlsViolationLine,
} from './vocabulary';

export type { SampleAiUsageRow, SampleDataset, SampleEventRow, SampleHealthRow, SampleLogRow, SampleSubscriptionRow, Severity } from './data';
export { DEFAULT_SAMPLE_SEED, SAMPLE_SPAN_DAYS } from './data';
export { createPrng } from './dice';

/**
 * Bump when the generated data changes: an existing sample workspace is then rebuilt (and its
 * cache reset, see workspace/index.ts). 2: the live generator's state table.
 */
export const SAMPLE_SEED_VERSION = 2;


// ---------------------------------------------------------------------------------------------
// Generator

interface Deployment {
  at: number;
  id: string;
  version: string;
  commit: string;
}

interface Incident {
  start: number;
  end: number;
  /** Extra error log lines per minute. */
  errorsPerMinute: number;
  /** Share of API requests answering 5xx during the incident. */
  failureShare: number;
  /** Share of API requests that are slow (2–8 s) during the incident. */
  slowShare: number;
  source: string;
  severity: Severity;
  messages: readonly ((d: Dice) => string)[];
}

export interface GenerateOptions {
  /** PRNG seed; the default gives the shipped sample workspace. */
  seed?: number;
  /** Days of history (default 30). */
  days?: number;
  /** Mean API requests per minute at the daily peak (default 4.5, about 75k request rows a month). */
  peakRequestsPerMinute?: number;
}

export function generateSampleData(nowInput: Date, options: GenerateOptions = {}): SampleDataset {
  const dice = new Dice(createPrng(options.seed ?? DEFAULT_SAMPLE_SEED));
  const days = options.days ?? SAMPLE_SPAN_DAYS;
  const peak = options.peakRequestsPerMinute ?? 4.5;
  // Whole seconds, so timestamps round-trip exactly through Postgres.
  const now = Math.floor(nowInput.getTime() / 1000) * 1000;
  const start = now - days * DAY;

  const population = makePopulation(dice);
  const { users, activeUsers, clientIps, suspiciousIps } = population;
  const bruteForceIp = suspiciousIps[0];

  // Deployments: every 2–3 days during working hours, the latest 47 minutes ago.
  const deployments: Deployment[] = [];
  let minor = 0;
  for (let t = start - DAY; t < now - 2 * DAY; ) {
    const dayStart = Math.floor(t / DAY) * DAY;
    const at = dayStart + dice.int(9 * 60, 17 * 60) * MINUTE + dice.int(0, 59) * 1000;
    if (at > t) {
      deployments.push({ at, id: '', version: `2.${Math.floor(minor / 10) + 14}.${minor % 10}`, commit: dice.hex(7) });
      minor++;
    }
    t = dayStart + dice.int(2, 3) * DAY;
  }
  deployments.push({ at: now - 47 * MINUTE, id: '', version: `2.${Math.floor(minor / 10) + 14}.${minor % 10}`, commit: dice.hex(7) });
  for (const d of deployments) {
    const day = new Date(d.at).toISOString().slice(0, 10).replace(/-/g, '');
    d.id = `deploy_${day}_${d.commit}`;
  }
  const deploymentAt = (t: number): Deployment => {
    let current = deployments[0];
    for (const d of deployments) {
      if (d.at <= t) current = d;
      else break;
    }
    return current;
  };

  // Incidents: four in the past, one still going on (started 12 minutes ago).
  const ongoingStart = now - 12 * MINUTE;
  const dbConnMessages = DB_CONNECTION_MESSAGES;
  const incidents: Incident[] = [
    {
      start: Math.floor((start + 7 * DAY) / DAY) * DAY + 14 * HOUR + 12 * MINUTE,
      end: 0,
      errorsPerMinute: 9,
      failureShare: 0.35,
      slowShare: 0.25,
      source: 'database',
      severity: 'error',
      messages: dbConnMessages,
    },
    {
      start: Math.floor((start + 19 * DAY) / DAY) * DAY + 10 * HOUR + 41 * MINUTE,
      end: 0,
      errorsPerMinute: 2,
      failureShare: 0,
      slowShare: 0,
      source: 'stripe_webhook',
      severity: 'error',
      messages: [
        (d: Dice) => `Webhook signature verification failed for event evt_1${d.alnum(23)}: No signatures found matching the expected signature for payload`,
      ],
    },
    {
      start: Math.floor((now - 5 * DAY) / DAY) * DAY + 16 * HOUR + 3 * MINUTE,
      end: 0,
      errorsPerMinute: 3,
      failureShare: 0.06,
      slowShare: 0.45,
      source: 'edge_function',
      severity: 'error',
      messages: [
        (d: Dice) => `Edge function generate-bid-pdf timed out after 10000ms (invocation inv_${d.hex(12)})`,
        (d: Dice) => `Edge function ai-calculator failed: worker boot error (memory limit 150MB exceeded, used ${d.int(151, 190)}MB)`,
      ],
    },
    {
      start: Math.floor((now - 2 * DAY) / DAY) * DAY + 11 * HOUR + 20 * MINUTE,
      end: 0,
      errorsPerMinute: 4,
      failureShare: 0.02,
      slowShare: 0.05,
      source: 'api_rate_limit',
      severity: 'warning',
      messages: [(d: Dice) => `Rate limit exceeded: anthropic /v1/messages returned 429 (retry after ${d.int(2, 60)}s, request req_${d.alnum(10)})`],
    },
    {
      start: ongoingStart,
      end: now + 1,
      errorsPerMinute: 20,
      failureShare: 0.3,
      slowShare: 0.6,
      source: 'database',
      severity: 'error',
      messages: dbConnMessages,
    },
  ];
  incidents[0].end = incidents[0].start + 34 * MINUTE;
  incidents[1].end = incidents[1].start + 95 * MINUTE;
  incidents[2].end = incidents[2].start + 22 * MINUTE;
  incidents[3].end = incidents[3].start + 30 * MINUTE;
  const incidentAt = (t: number): Incident | undefined => incidents.find((i) => t >= i.start && t < i.end);

  const logs: SampleLogRow[] = [];
  const push = (
    t: number,
    severity: Severity,
    source: string,
    message: string,
    metadata: Record<string, unknown>,
    userId: string | null = null,
  ): void => {
    if (t > now || t < start) return;
    logs.push({ timestamp: new Date(t), severity, source, message, userId, correlationId: deploymentAt(t).id, metadata });
  };

  // Health buckets (15 minutes) accumulate what the requests looked like.
  const bucketMs = 15 * MINUTE;
  const buckets = new Map<number, { requests: number; failed: number; slow: number; errors: number; total: number; latencies: number[] }>();
  const bucket = (t: number) => {
    const key = Math.floor(t / bucketMs) * bucketMs;
    let b = buckets.get(key);
    if (!b) {
      b = { requests: 0, failed: 0, slow: 0, errors: 0, total: 0, latencies: [] };
      buckets.set(key, b);
    }
    return b;
  };
  const fill = (template: string) =>
    template.replace('{id}', String(dice.int(1000, 99_999))).replace('{uuid}', dice.pick(activeUsers));

  // 1. API request logs, minute by minute with a daily rhythm (peak mid-afternoon UTC, quiet weekends).
  for (let m = start; m < now; m += MINUTE) {
    const hour = new Date(m).getUTCHours() + new Date(m).getUTCMinutes() / 60;
    const weekday = new Date(m).getUTCDay();
    const daily = 0.25 + 0.75 * Math.max(0, Math.sin(((hour - 6) / 24) * 2 * Math.PI)) ** 1.5;
    const weekly = weekday === 0 || weekday === 6 ? 0.55 : 1;
    const incident = incidentAt(m);
    // Clients retry during incidents: traffic quadruples.
    const count = dice.poisson(peak * daily * weekly * (incident ? 4 : 1));
    for (let k = 0; k < count; k++) {
      const t = m + dice.int(0, 59_999);
      if (t > now) continue;
      const ep = dice.weighted(ENDPOINTS);
      const path = fill(ep.path);
      const ip = dice.pick(clientIps);
      const userId = ep.path === '/api/health' ? null : dice.pick(activeUsers);
      const dbDown = incident?.source === 'database';
      let status: number;
      let cause = '';
      if (incident && dice.chance(incident.failureShare)) {
        if (dbDown) [status, cause] = [503, 'connection terminated unexpectedly'];
        else ({ status, cause } = failureOf(ep));
      } else {
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
      const slow = (incident && dice.chance(incident.slowShare)) || dice.chance(0.008);
      if (slow) latency = dice.int(2100, 8600);
      const meta = { latency_ms: latency, status, ip, path, method: ep.method, request_id: `req_${dice.alnum(12)}` };
      const b = bucket(t);
      b.requests++;
      b.total++;
      b.latencies.push(latency);
      if (latency > 2000) b.slow++;
      if (status >= 500) {
        b.failed++;
        b.errors++;
      }
      const line = requestLine(ep.method, path, status, latency, cause);
      push(t, line.severity, 'api', line.message, meta, userId);
    }
  }

  // 2. Incident error lines.
  for (const inc of incidents) {
    for (let m = inc.start; m < inc.end; m += MINUTE) {
      const n = dice.poisson(inc.errorsPerMinute);
      for (let k = 0; k < n; k++) {
        const t = m + dice.int(0, 59_999);
        if (t >= inc.end) continue;
        const severity: Severity = inc.severity === 'error' && dice.chance(0.06) ? 'critical' : inc.severity;
        const meta: Record<string, unknown> =
          inc.source === 'api_rate_limit'
            ? { provider: 'anthropic', endpoint: '/v1/messages', status: 429, ip: dice.pick(clientIps) }
            : inc.source === 'database'
              ? { pool_size: 20, host: 'db.sample.internal', error_code: dice.pick(['08006', '08001', '57P01']) }
              : inc.source === 'stripe_webhook'
                ? { event_type: dice.pick(STRIPE_EVENTS), endpoint: '/functions/v1/stripe-webhook' }
                : { function: 'generate-bid-pdf', region: 'us-east-1' };
        const b = bucket(t);
        b.total++;
        if (severity === 'error' || severity === 'critical') b.errors++;
        push(t, severity, inc.source, dice.pick(inc.messages)(dice), meta, dice.chance(0.5) ? dice.pick(activeUsers) : null);
      }
    }
  }

  // 3. Background activity of the other sources, per day.
  const perDay = (rate: number, each: (t: number) => void) => {
    for (let d = start; d < now; d += DAY) {
      const n = dice.poisson(rate);
      for (let k = 0; k < n; k++) each(d + dice.int(0, DAY - 1));
    }
  };
  const countLog = (t: number, severity: Severity) => {
    const b = bucket(t);
    b.total++;
    if (severity === 'error' || severity === 'critical') b.errors++;
  };
  for (const activity of BACKGROUND_ACTIVITY) {
    perDay(activity.perDay, (t) => {
      const line = activity.make(dice, population);
      countLog(t, line.severity);
      push(t, line.severity, line.source, line.message, line.metadata, line.userId);
    });
  }

  // 4. RLS probing: one historical burst and one a few minutes ago (7 violations within 40 s).
  const rlsBurst = (at: number, ip: string, n: number, spreadMs: number) => {
    const u = dice.pick(users.slice(48));
    for (let k = 0; k < n; k++) {
      const t = at + Math.round((k * spreadMs) / n) + dice.int(0, 900);
      const target = RLS_TABLES[k % RLS_TABLES.length];
      const line = rlsViolationLine(k % 3 === 2 ? 'UPDATE' : 'SELECT', target, ip, u);
      countLog(t, line.severity);
      push(t, line.severity, line.source, line.message, line.metadata, line.userId);
    }
  };
  rlsBurst(now - 8 * DAY + 3 * HOUR, suspiciousIps[1], 6, 45_000);
  // Close enough to "now" that the Security Breach rule (5+ in one minute) fires on first launch.
  const bruteForceAt = now - 50_000;
  rlsBurst(bruteForceAt, bruteForceIp, 7, 28_000);

  // 5. Deployment markers in the logs.
  for (const d of deployments) {
    countLog(d.at, 'info');
    push(d.at, 'info', 'api', `Deployment ${d.id} (v${d.version}, commit ${d.commit}) is live`, { version: d.version, commit: d.commit, event: 'deployment' });
  }

  logs.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());

  // ---- AI usage ----
  const aiUsage: SampleAiUsageRow[] = [];
  for (const p of PROVIDERS) {
    perDay(p.perDay, (t) => {
      const rateLimited = t >= incidents[3].start && t < incidents[3].end && p.provider === 'anthropic';
      const success = rateLimited ? dice.chance(0.3) : dice.chance(0.975);
      const feature = dice.weighted(AI_FEATURES);
      const prompt = Math.round(dice.latency(p.prompt, 0.45, p.prompt * 6));
      const completion = success ? Math.round(dice.latency(p.completion, 0.5, p.completion * 6)) : 0;
      aiUsage.push({
        createdAt: new Date(Math.min(t, now)),
        provider: p.provider,
        model: p.model,
        feature,
        userId: dice.pick(activeUsers),
        promptTokens: prompt,
        completionTokens: completion,
        totalTokens: prompt + completion,
        costUsd: 0,
        latencyMs: success ? dice.latency(p.latency, 0.5, 60_000) : dice.int(200, 30_000),
        success,
        metadata: {
          request_id: `req_${dice.alnum(16)}`,
          endpoint: p.endpoint,
          status: success ? 200 : rateLimited ? 429 : dice.pick([500, 529, 503]),
        },
      });
    });
  }
  // Scale token counts so the month costs about the target, then price each request.
  const price = (r: SampleAiUsageRow) => {
    const p = PROVIDERS.find((x) => x.provider === r.provider)!;
    return r.success ? (r.promptTokens * p.inPerM + r.completionTokens * p.outPerM) / 1_000_000 : 0;
  };
  const raw = aiUsage.reduce((s, r) => s + price(r), 0);
  const factor = raw > 0 ? AI_MONTHLY_COST_TARGET / raw : 1;
  for (const r of aiUsage) {
    r.promptTokens = Math.max(1, Math.round(r.promptTokens * factor));
    r.completionTokens = Math.round(r.completionTokens * factor);
    r.totalTokens = r.promptTokens + r.completionTokens;
    r.costUsd = Math.round(price(r) * 1_000_000) / 1_000_000;
  }
  aiUsage.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());

  // ---- Subscriptions ----
  const subscriptions: SampleSubscriptionRow[] = users.map((u, i) => ({
    id: dice.uuid(),
    userId: u,
    status: i < 48 ? (dice.chance(0.9) ? 'active' : 'past_due') : dice.chance(0.75) ? 'canceled' : 'past_due',
    plan: dice.weighted([['starter', 5], ['professional', 4], ['enterprise', 1]] as const),
    createdAt: new Date(now - dice.int(20, 420) * DAY - dice.int(0, DAY - 1)),
  }));
  subscriptions.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());

  // ---- R.O.M.A.N. events ----
  const events: SampleEventRow[] = [];
  const event = (t: number, eventType: string, severity: Severity, message: string, metadata: Record<string, unknown>, key: string | null = null) => {
    if (t <= now && t >= start) events.push({ timestamp: new Date(t), eventType, severity, message, metadata, idempotencyKey: key });
  };
  for (const d of deployments) {
    event(d.at, 'deployment', 'info', `Deployed v${d.version} to production`, { correlation_id: d.id, version: d.version, commit: d.commit, environment: 'production' });
  }
  // Nightly backups at 03:00 UTC; the one three nights ago failed and was retried an hour later.
  const failedBackupDay = Math.floor((now - 3 * DAY) / DAY) * DAY;
  for (let d = Math.floor(start / DAY) * DAY + DAY; d <= now; d += DAY) {
    const at = d + 3 * HOUR + dice.int(0, 240) * 1000;
    const file = `backup_${new Date(at).toISOString().slice(0, 19).replace(/[-:T]/g, '').replace(/^(\d{8})/, '$1_')}.sql`;
    if (d === failedBackupDay) {
      event(at, 'backup', 'error', 'Database backup failed: pg_dump: error: connection to server lost', { status: 'failed', file, error: 'pg_dump: error: connection to server lost', duration_ms: dice.int(40_000, 90_000) });
      event(at + HOUR, 'backup', 'info', 'Database backup completed (retry)', { status: 'success', file: file.replace('.sql', '_retry.sql'), size_bytes: dice.int(410_000_000, 480_000_000), duration_ms: dice.int(90_000, 160_000), verified: true });
    } else {
      event(at, 'backup', 'info', 'Database backup completed', { status: 'success', file, size_bytes: dice.int(400_000_000, 480_000_000), duration_ms: dice.int(80_000, 150_000), verified: dice.chance(0.8) });
    }
  }
  const migrationNames = ['add_bid_status_index', 'create_document_versions', 'add_subscription_plan_limits', 'enable_rls_on_customers', 'add_ai_usage_feature_column', 'backfill_document_owner'];
  migrationNames.forEach((name, i) => {
    const d = deployments[Math.min(deployments.length - 1, 1 + i * 2)];
    const version = new Date(d.at - 10 * MINUTE).toISOString().slice(0, 19).replace(/[-:T]/g, '');
    const failed = i === 4;
    event(d.at - 10 * MINUTE, 'migration', failed ? 'error' : 'info', failed ? `Migration ${version}_${name} failed and was rolled back` : `Migration ${version}_${name} applied`, { version, name: `${version}_${name}`, status: failed ? 'rolled_back' : 'applied', duration_ms: dice.int(300, 45_000), correlation_id: d.id });
    if (failed) event(d.at - 5 * MINUTE, 'migration', 'info', `Migration ${version}_${name} applied (second attempt)`, { version, name: `${version}_${name}`, status: 'applied', duration_ms: dice.int(300, 45_000), correlation_id: d.id });
  });
  const approvals = [
    { description: 'Deploy to staging', method_type: 'harmonic_attraction', risk: 0.05, entropy: 0.01 },
    { description: 'Database backup before schema change', method_type: 'harmonic_attraction', risk: 0.0, entropy: 0.0 },
    { description: 'VACUUM ANALYZE public.system_logs', method_type: 'harmonic_attraction', risk: 0.02, entropy: 0.005 },
    { description: 'Gradual migration of the billing schema', method_type: 'harmonic_attraction', risk: 0.1, entropy: 0.03 },
    { description: 'Create index on documents(organization_id)', method_type: 'harmonic_attraction', risk: 0.03, entropy: 0.01 },
  ];
  const rejections = [
    { description: 'Delete production database', method_type: 'forced', risk: 0.95, entropy: 0.8, violations: ['Law of Inhabitance: risk to life 0.95 exceeds the safe limit', 'Law of Harmonic Attraction: forced method violates the 7.83 Hz lock'] },
    { description: 'Mass delete old sessions', method_type: 'forced', risk: 0.4, entropy: 0.25, violations: ['Law of Total Coherence: entropy increase 0.25 exceeds the 10% threshold'] },
    { description: 'Deploy to production during incident', method_type: 'harmonic_attraction', risk: 0.2, entropy: 0.15, violations: ['Law of Total Coherence: system entropy above 10%, wait until the system is stable'] },
  ];
  const requesters = ['desktop:alice@odyssey.example', 'discord:482193650112', 'cli:ci-pipeline', 'desktop:bob@odyssey.example'];
  for (let i = 0; i < 42; i++) {
    const t = start + dice.int(1, days * 24 - 1) * HOUR + dice.int(0, HOUR - 1);
    const rejected = dice.chance(0.3);
    const decisionId = dice.uuid();
    const requestedBy = dice.pick(requesters);
    const origin = requestedBy.split(':')[0];
    if (rejected) {
      const a = dice.pick(rejections);
      event(t, 'rejection', 'warning', `Action rejected: ${a.description}`, { decision_id: decisionId, verdict: 'reject', action: { method_type: a.method_type, risk_to_life: a.risk, entropy_increase: a.entropy, description: a.description }, violations: a.violations, requested_by: requestedBy, origin, system_entropy: Math.round(dice.next() * 0.08 * 1000) / 1000 }, decisionId);
    } else {
      const a = dice.pick(approvals);
      event(t, 'approval', 'info', `Action approved and executed: ${a.description}`, { decision_id: decisionId, verdict: 'approve', action: { method_type: a.method_type, risk_to_life: a.risk, entropy_increase: a.entropy, description: a.description }, violations: [], requested_by: requestedBy, origin, approved_by: 'constitutional_core', system_entropy: Math.round(dice.next() * 0.08 * 1000) / 1000 }, decisionId);
    }
  }
  // A few decisions in the last 24 hours, the latest one refused because of the ongoing incident.
  const recentDecisions = [
    { at: now - 20 * HOUR, a: approvals[2], rejected: false },
    { at: now - 6 * HOUR - 14 * MINUTE, a: approvals[0], rejected: false },
    { at: now - 3 * MINUTE, a: rejections[2], rejected: true },
  ];
  for (const { at, a, rejected } of recentDecisions) {
    const decisionId = dice.uuid();
    const requestedBy = requesters[0];
    event(at, rejected ? 'rejection' : 'approval', rejected ? 'warning' : 'info', rejected ? `Action rejected: ${a.description}` : `Action approved and executed: ${a.description}`, {
      decision_id: decisionId,
      verdict: rejected ? 'reject' : 'approve',
      action: { method_type: a.method_type, risk_to_life: a.risk, entropy_increase: a.entropy, description: a.description },
      violations: 'violations' in a ? a.violations : [],
      requested_by: requestedBy,
      origin: 'desktop',
      system_entropy: rejected ? 0.41 : 0.02,
    }, decisionId);
  }
  for (const inc of incidents) {
    const critical = inc.errorsPerMinute >= 9;
    event(inc.start + 2 * MINUTE, 'alert', critical ? 'critical' : 'warning', critical ? `System Down: ${inc.errorsPerMinute + 3} errors in 1 minute (${inc.source})` : `Error Rate Spike on ${inc.source}`, { rule: critical ? 'system_down' : 'error_rate_spike', state: inc.end < now - MINUTE ? 'resolved' : 'firing', source: inc.source });
  }
  events.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());

  // ---- Health snapshots every 15 minutes, from what the logs say ----
  const health: SampleHealthRow[] = [];
  for (let t = Math.floor(start / bucketMs) * bucketMs + bucketMs; t <= now; t += bucketMs) {
    const b = buckets.get(t - bucketMs) ?? { requests: 0, failed: 0, slow: 0, errors: 0, total: 0, latencies: [] };
    const errorRate = b.total ? b.errors / b.total : 0;
    const failureRate = b.requests ? b.failed / b.requests : 0;
    const latencySpikes = b.requests ? b.slow / b.requests : 0;
    const sorted = [...b.latencies].sort((x, y) => x - y);
    const p95 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] : 0;
    const inc = incidentAt(t - 1);
    health.push({
      timestamp: new Date(t),
      entropy: round4((errorRate + failureRate + latencySpikes) / 3),
      errorRate: round4(errorRate),
      failureRate: round4(failureRate),
      latencySpikes: round4(latencySpikes),
      activeConnections: inc?.source === 'database' ? dice.int(18, 20) : dice.int(3, 14),
      metrics: { requests: b.requests, errors: b.errors, log_lines: b.total, p95_latency_ms: p95, pool_max: 20, window_minutes: 15 },
    });
  }

  return {
    now: new Date(now),
    logs,
    aiUsage,
    subscriptions,
    events,
    health,
    facts: {
      ongoingIncidentStart: new Date(ongoingStart),
      bruteForceIp,
      bruteForceAt: new Date(bruteForceAt),
      latestDeployment: deployments[deployments.length - 1].id,
    },
  };
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
