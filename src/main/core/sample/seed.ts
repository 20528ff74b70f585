/**
 * Sample workspace data: a deterministic generator of 30 days of realistic operations data for a
 * small SaaS (request logs, auth, database, Stripe webhooks, edge functions, Discord bot, RLS
 * violations, rate limits, AI usage, subscriptions, R.O.M.A.N. events, health snapshots), all
 * relative to an injected "now", and the writer that loads it in large batches.
 *
 * The same seed and the same "now" always give the same rows. Incidents are placed so every screen
 * has something to show: past error bursts, an incident still going on in the last 15 minutes, an IP
 * with 7 RLS violations inside one minute a few minutes ago, slow requests, one failed backup older
 * than 24 hours, and AI costs of about $250 over the month.
 */
import type pg from 'pg';

/** Bump when the generated data changes: an existing sample workspace is then rebuilt. */
export const SAMPLE_SEED_VERSION = 1;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
export const SAMPLE_SPAN_DAYS = 30;

export type Severity = 'debug' | 'info' | 'warning' | 'error' | 'critical';

export interface SampleLogRow {
  timestamp: Date;
  severity: Severity;
  source: string;
  message: string;
  userId: string | null;
  correlationId: string | null;
  metadata: Record<string, unknown>;
}

export interface SampleAiUsageRow {
  createdAt: Date;
  provider: string;
  model: string;
  feature: string;
  userId: string;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: number;
  latencyMs: number;
  success: boolean;
  metadata: Record<string, unknown>;
}

export interface SampleSubscriptionRow {
  id: string;
  userId: string;
  status: 'active' | 'canceled' | 'past_due';
  plan: 'starter' | 'professional' | 'enterprise';
  createdAt: Date;
}

export interface SampleEventRow {
  timestamp: Date;
  eventType: string;
  severity: Severity;
  message: string;
  metadata: Record<string, unknown>;
  idempotencyKey: string | null;
}

export interface SampleHealthRow {
  timestamp: Date;
  entropy: number;
  errorRate: number;
  failureRate: number;
  latencySpikes: number;
  activeConnections: number;
  metrics: Record<string, unknown>;
}

export interface SampleDataset {
  now: Date;
  logs: SampleLogRow[];
  aiUsage: SampleAiUsageRow[];
  subscriptions: SampleSubscriptionRow[];
  events: SampleEventRow[];
  health: SampleHealthRow[];
  /** Facts about the generated incidents, for labels and for tests that check what a user sees. */
  facts: {
    ongoingIncidentStart: Date;
    bruteForceIp: string;
    bruteForceAt: Date;
    latestDeployment: string;
  };
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/** mulberry32: small, fast, good enough for sample data, and identical on every platform. */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Dice {
  constructor(readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1][0];
  }
  hex(len: number): string {
    let s = '';
    for (let i = 0; i < len; i++) s += Math.floor(this.next() * 16).toString(16);
    return s;
  }
  alnum(len: number): string {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let s = '';
    for (let i = 0; i < len; i++) s += chars[Math.floor(this.next() * chars.length)];
    return s;
  }
  /** An 18-digit Discord id (a string: it does not fit a double). */
  snowflake(): string {
    return `${this.int(100_000_000, 999_999_999)}${this.int(100_000_000, 999_999_999)}`;
  }
  uuid(): string {
    const h = this.hex(32).split('');
    h[12] = '4';
    h[16] = '89ab'[parseInt(h[16], 16) & 3];
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
  /** Roughly log-normal latency around a median, clamped. */
  latency(median: number, spread = 0.55, max = 30_000): number {
    const u1 = Math.max(this.next(), 1e-9);
    const u2 = this.next();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return Math.min(max, Math.max(3, Math.round(median * Math.exp(spread * z))));
  }
  /** Poisson-distributed count (Knuth; fine for the small rates used here). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    const l = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.next();
    } while (p > l);
    return k - 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Static vocabulary

const ENDPOINTS: readonly (readonly [{ method: string; path: string; median: number }, number])[] = [
  [{ method: 'GET', path: '/api/documents/{id}', median: 95 }, 18],
  [{ method: 'GET', path: '/api/documents', median: 140 }, 12],
  [{ method: 'POST', path: '/api/documents', median: 260 }, 4],
  [{ method: 'GET', path: '/api/bids/{id}', median: 110 }, 10],
  [{ method: 'POST', path: '/api/bids/{id}/generate', median: 900 }, 3],
  [{ method: 'POST', path: '/api/chat', median: 650 }, 9],
  [{ method: 'GET', path: '/api/users/{uuid}/profile', median: 60 }, 8],
  [{ method: 'PATCH', path: '/api/users/{uuid}/profile', median: 120 }, 2],
  [{ method: 'GET', path: '/api/subscriptions/current', median: 70 }, 7],
  [{ method: 'POST', path: '/api/review/{id}', median: 1100 }, 4],
  [{ method: 'GET', path: '/api/search', median: 180 }, 8],
  [{ method: 'GET', path: '/api/health', median: 12 }, 6],
  [{ method: 'DELETE', path: '/api/documents/{id}', median: 90 }, 1],
];

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** What a failing endpoint answers: each endpoint fails in its own typical way, so failures group. */
function failureOf(ep: { method: string; path: string }): { status: number; cause: string } {
  if (ep.method === 'POST' && ep.path === '/api/documents') return { status: 500, cause: 'duplicate key value violates unique constraint "documents_pkey"' };
  if (/chat|generate|review/.test(ep.path)) return { status: 504, cause: 'upstream request timeout after 30000ms' };
  if (ep.path === '/api/search') return { status: 502, cause: 'search service returned an invalid response' };
  return { status: 500, cause: "TypeError: Cannot read properties of undefined (reading 'id')" };
}

const RLS_TABLES = [
  { table: 'customers', policy: 'customers_org_member_select' },
  { table: 'documents', policy: 'documents_owner_select' },
  { table: 'bids', policy: 'bids_org_member_all' },
  { table: 'subscriptions', policy: 'subscriptions_owner_select' },
];

const STRIPE_EVENTS = [
  'invoice.paid',
  'customer.subscription.updated',
  'checkout.session.completed',
  'invoice.payment_failed',
  'customer.subscription.deleted',
];

const EDGE_FUNCTIONS = [
  { name: 'generate-bid-pdf', median: 900 },
  { name: 'send-notification', median: 240 },
  { name: 'ai-calculator', median: 1500 },
  { name: 'stripe-webhook', median: 180 },
];

interface ProviderProfile {
  provider: string;
  model: string;
  perDay: number;
  inPerM: number; // $ per 1M prompt tokens
  outPerM: number; // $ per 1M completion tokens
  prompt: number; // median prompt tokens
  completion: number; // median completion tokens
  latency: number; // median ms
  endpoint: string;
}

const PROVIDERS: readonly ProviderProfile[] = [
  { provider: 'anthropic', model: 'claude-3-5-sonnet', perDay: 41, inPerM: 3, outPerM: 15, prompt: 20_000, completion: 3_800, latency: 5200, endpoint: '/v1/messages' },
  { provider: 'openai', model: 'gpt-4', perDay: 27, inPerM: 30, outPerM: 60, prompt: 2_300, completion: 560, latency: 6100, endpoint: '/v1/chat/completions' },
  { provider: 'google', model: 'gemini-1.5-pro', perDay: 15, inPerM: 1.25, outPerM: 5, prompt: 11_000, completion: 2_300, latency: 2600, endpoint: '/v1beta/models/gemini-1.5-pro:generateContent' },
];

const AI_FEATURES: readonly (readonly [string, number])[] = [
  ['Document Review', 42],
  ['Chat Assistant', 34],
  ['Bid Generator', 24],
];

/** Target AI spend over the 30 days, in dollars (the manual's example month is $258.57). */
const AI_MONTHLY_COST_TARGET = 250;

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
  const dice = new Dice(createPrng(options.seed ?? 0x5eed_0001));
  const days = options.days ?? SAMPLE_SPAN_DAYS;
  const peak = options.peakRequestsPerMinute ?? 4.5;
  // Whole seconds, so timestamps round-trip exactly through Postgres.
  const now = Math.floor(nowInput.getTime() / 1000) * 1000;
  const start = now - days * DAY;

  const users = Array.from({ length: 64 }, () => dice.uuid());
  const activeUsers = users.slice(0, 48);
  const clientIps = Array.from({ length: 48 }, (_, i) =>
    i % 3 === 0 ? `203.0.113.${dice.int(2, 254)}` : i % 3 === 1 ? `198.51.100.${dice.int(2, 254)}` : `192.0.2.${dice.int(2, 254)}`,
  );
  const suspiciousIps = ['198.51.100.23', '203.0.113.77', '192.0.2.201', '203.0.113.140'];
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
  const dbConnMessages = [
    (d: Dice) => `Database connection failed: connection pool exhausted (${d.int(19, 20)}/20 in use, waited ${d.int(5000, 5010)}ms)`,
    (d: Dice) => `could not establish connection to db.sample.internal:5432 (attempt ${d.int(1, 5)}): timeout expired`,
    (d: Dice) => `Query failed for request req_${d.alnum(10)}: connection terminated unexpectedly`,
  ];
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
        push(t, 'error', 'api', `${ep.method} ${path} failed with ${status} ${STATUS_TEXT[status]}: ${cause}`, meta, userId);
      } else if (status >= 400) {
        push(t, 'warning', 'api', `${ep.method} ${path} ${status} ${STATUS_TEXT[status]} in ${latency}ms`, meta, userId);
      } else if (latency > 2000) {
        push(t, 'warning', 'api', `Slow request: ${ep.method} ${path} took ${latency}ms`, meta, userId);
      } else {
        push(t, 'info', 'api', `${ep.method} ${path} ${status} in ${latency}ms`, meta, userId);
      }
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
  perDay(160, (t) => {
    const u = dice.pick(activeUsers);
    const kind = dice.weighted([['in', 6], ['refresh', 3], ['out', 2]] as const);
    const msg = kind === 'in' ? `User ${u} signed in with password` : kind === 'refresh' ? `Token refreshed for session sess_${dice.hex(12)}` : `User ${u} signed out`;
    countLog(t, 'info');
    push(t, 'info', 'auth', msg, { ip: dice.pick(clientIps), provider: 'email' }, u);
  });
  perDay(12, (t) => {
    const ip = dice.chance(0.3) ? dice.pick(suspiciousIps) : dice.pick(clientIps);
    countLog(t, 'warning');
    push(t, 'warning', 'auth', `Failed login attempt for user${dice.int(10, 999)}@example.com from ${ip} (attempt ${dice.int(1, 6)})`, { ip, reason: 'invalid_credentials' });
  });
  perDay(3, (t) => {
    countLog(t, 'error');
    push(t, 'error', 'auth', `JWT verification failed: token expired ${dice.int(1, 3600)}s ago (session sess_${dice.hex(12)})`, { ip: dice.pick(clientIps) }, dice.pick(activeUsers));
  });
  perDay(6, (t) => {
    countLog(t, 'info');
    push(t, 'info', 'database', `Autovacuum completed on ${dice.pick(['public.system_logs', 'public.documents', 'public.bids', 'public.ai_usage_logs'])} (removed ${dice.int(200, 90_000)} dead tuples)`, { duration_ms: dice.int(300, 40_000) });
  });
  perDay(8, (t) => {
    const ms = dice.int(1200, 9800);
    countLog(t, 'warning');
    push(t, 'warning', 'database', `Slow query (${ms}ms): SELECT * FROM documents WHERE organization_id = $1 ORDER BY updated_at DESC`, { duration_ms: ms, table: 'documents' });
  });
  perDay(1, (t) => {
    countLog(t, 'error');
    push(t, 'error', 'database', `canceling statement due to statement timeout (pid ${dice.int(1000, 65_000)}, query id ${dice.int(100_000, 999_999)})`, { error_code: '57014' });
  });
  perDay(0.4, (t) => {
    countLog(t, 'error');
    push(t, 'error', 'database', `deadlock detected: process ${dice.int(1000, 65_000)} waits for ShareLock on transaction ${dice.int(100_000, 9_999_999)}`, { error_code: '40P01' });
  });
  perDay(24, (t) => {
    const ev = dice.pick(STRIPE_EVENTS);
    countLog(t, 'info');
    push(t, 'info', 'stripe_webhook', `Processed ${ev} (evt_1${dice.alnum(23)}) in ${dice.int(40, 900)}ms`, { event_type: ev, livemode: true });
  });
  perDay(0.5, (t) => {
    countLog(t, 'error');
    push(t, 'error', 'stripe_webhook', `Webhook signature verification failed for event evt_1${dice.alnum(23)}: No signatures found matching the expected signature for payload`, { endpoint: '/functions/v1/stripe-webhook' });
  });
  perDay(45, (t) => {
    const fn = dice.pick(EDGE_FUNCTIONS);
    const ms = dice.latency(fn.median);
    countLog(t, 'info');
    push(t, 'info', 'edge_function', `Edge function ${fn.name} completed in ${ms}ms (invocation inv_${dice.hex(12)})`, { function: fn.name, duration_ms: ms, latency_ms: ms });
  });
  perDay(1.2, (t) => {
    countLog(t, 'error');
    push(t, 'error', 'edge_function', `Edge function send-notification timed out after 10000ms (invocation inv_${dice.hex(12)})`, { function: 'send-notification', duration_ms: 10_000 });
  });
  perDay(14, (t) => {
    const cmd = dice.weighted([['status', 6], ['metrics', 3], ['audit', 2], ['approve', 2]] as const);
    countLog(t, 'info');
    push(t, 'info', 'discord_bot', `Command /${cmd} from Discord user ${dice.snowflake()} answered in ${dice.int(120, 2400)}ms`, { command: cmd, guild: 'odyssey-ops' });
  });
  perDay(1, (t) => {
    countLog(t, 'warning');
    push(t, 'warning', 'discord_bot', `Discord API rate limited on POST /channels/${dice.snowflake()}/messages, retrying after ${dice.int(300, 4000)}ms`, { retry_after_ms: dice.int(300, 4000) });
  });
  perDay(0.3, (t) => {
    countLog(t, 'error');
    push(t, 'error', 'discord_bot', `Command /audit failed: Interaction token expired (interaction ${dice.snowflake()})`, { command: 'audit' });
  });
  perDay(4, (t) => {
    const ip = dice.chance(0.55) ? dice.pick(suspiciousIps) : dice.pick(clientIps);
    const target = dice.pick(RLS_TABLES);
    const u = dice.pick(users);
    const op = dice.pick(['SELECT', 'SELECT', 'UPDATE', 'DELETE']);
    countLog(t, 'warning');
    push(t, 'warning', 'rls_violation', `User attempted unauthorized access: ${op} on ${target.table} denied by policy ${target.policy}`, { ip, table: target.table, operation: op, policy: target.policy, user_id: u }, u);
  });
  perDay(3, (t) => {
    const u = dice.pick(activeUsers);
    countLog(t, 'warning');
    push(t, 'warning', 'api_rate_limit', `Rate limit exceeded for user ${u} on /api/chat (${dice.int(61, 140)} requests/min, limit 60)`, { ip: dice.pick(clientIps), limit: 60, path: '/api/chat', provider: 'internal' }, u);
  });

  // 4. RLS probing: one historical burst and one a few minutes ago (7 violations within 40 s).
  const rlsBurst = (at: number, ip: string, n: number, spreadMs: number) => {
    const u = dice.pick(users.slice(48));
    for (let k = 0; k < n; k++) {
      const t = at + Math.round((k * spreadMs) / n) + dice.int(0, 900);
      const target = RLS_TABLES[k % RLS_TABLES.length];
      const op = k % 3 === 2 ? 'UPDATE' : 'SELECT';
      countLog(t, 'warning');
      push(t, 'warning', 'rls_violation', `User attempted unauthorized access: ${op} on ${target.table} denied by policy ${target.policy}`, { ip, table: target.table, operation: op, policy: target.policy, user_id: u }, u);
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

// ---------------------------------------------------------------------------------------------
// Writer

/** Tables the sample product has besides the shared R.O.M.A.N. schema (they are "the customer's"). */
export const SAMPLE_PRODUCT_SCHEMA_SQL = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN; END IF;
END $$;
CREATE TABLE IF NOT EXISTS public.subscriptions (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'canceled', 'past_due')),
  plan text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS public.customers (
  id bigserial PRIMARY KEY,
  organization_id uuid NOT NULL,
  name text NOT NULL,
  email text,
  created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS customers_org_member_select ON public.customers;
CREATE POLICY customers_org_member_select ON public.customers FOR SELECT TO authenticated USING (true);
CREATE TABLE IF NOT EXISTS public.documents (
  id bigserial PRIMARY KEY,
  owner_id uuid NOT NULL,
  title text NOT NULL,
  body text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE public.documents ENABLE ROW LEVEL SECURITY;
CREATE TABLE IF NOT EXISTS public.bids (
  id bigserial PRIMARY KEY,
  document_id bigint NOT NULL REFERENCES public.documents(id),
  amount_cents bigint NOT NULL,
  status text NOT NULL DEFAULT 'draft',
  created_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO authenticated;
`;

/** Rows per INSERT … SELECT FROM unnest(…) statement. */
const BATCH = 10_000;

async function insertBatches<T>(
  client: pg.ClientBase,
  rows: readonly T[],
  sql: string,
  columns: (row: T) => unknown[],
  width: number,
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    const cols: unknown[][] = Array.from({ length: width }, () => []);
    for (const row of rows.slice(i, i + BATCH)) {
      const values = columns(row);
      for (let c = 0; c < width; c++) cols[c].push(values[c]);
    }
    await client.query(sql, cols);
  }
}

export interface SeedReport {
  logs: number;
  aiUsage: number;
  subscriptions: number;
  events: number;
  health: number;
  durationMs: number;
}

/**
 * Writes a generated dataset into a database whose shared schema already exists (initDatabase).
 * Runs in one transaction: either the whole sample is there or none of it.
 */
export async function writeSampleData(
  client: pg.ClientBase,
  data: SampleDataset,
  progress: (message: string) => void = () => {},
): Promise<SeedReport> {
  const began = Date.now();
  await client.query('BEGIN');
  try {
    await client.query(SAMPLE_PRODUCT_SCHEMA_SQL);
    progress(`writing ${data.logs.length} system_logs rows`);
    await insertBatches(
      client,
      data.logs,
      `INSERT INTO public.system_logs (timestamp, severity, source, message, user_id, correlation_id, metadata)
       SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::jsonb[])`,
      (r) => [r.timestamp.toISOString(), r.severity, r.source, r.message, r.userId, r.correlationId, JSON.stringify(r.metadata)],
      7,
    );
    progress(`writing ${data.aiUsage.length} ai_usage_logs rows`);
    await insertBatches(
      client,
      data.aiUsage,
      `INSERT INTO public.ai_usage_logs (created_at, provider, model, feature, user_id, prompt_tokens, completion_tokens, total_tokens, cost_usd, latency_ms, success, metadata)
       SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::int[], $7::int[], $8::int[], $9::numeric[], $10::int[], $11::boolean[], $12::jsonb[])`,
      (r) => [r.createdAt.toISOString(), r.provider, r.model, r.feature, r.userId, r.promptTokens, r.completionTokens, r.totalTokens, r.costUsd, r.latencyMs, r.success, JSON.stringify(r.metadata)],
      12,
    );
    progress(`writing ${data.subscriptions.length} subscriptions, ${data.events.length} R.O.M.A.N. events, ${data.health.length} health snapshots`);
    await insertBatches(
      client,
      data.subscriptions,
      `INSERT INTO public.subscriptions (id, user_id, status, plan, created_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[]) ON CONFLICT (id) DO NOTHING`,
      (r) => [r.id, r.userId, r.status, r.plan, r.createdAt.toISOString()],
      5,
    );
    await insertBatches(
      client,
      data.events,
      `INSERT INTO ops.roman_events (timestamp, event_type, severity, message, metadata, idempotency_key)
       SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[]) ON CONFLICT (idempotency_key) DO NOTHING`,
      (r) => [r.timestamp.toISOString(), r.eventType, r.severity, r.message, JSON.stringify(r.metadata), r.idempotencyKey],
      6,
    );
    await insertBatches(
      client,
      data.health,
      `INSERT INTO ops.system_health (timestamp, entropy, error_rate, failure_rate, latency_spikes, active_connections, metrics)
       SELECT * FROM unnest($1::timestamptz[], $2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::int[], $7::jsonb[])`,
      (r) => [r.timestamp.toISOString(), r.entropy, r.errorRate, r.failureRate, r.latencySpikes, r.activeConnections, JSON.stringify(r.metrics)],
      7,
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  await client.query('ANALYZE');
  return {
    logs: data.logs.length,
    aiUsage: data.aiUsage.length,
    subscriptions: data.subscriptions.length,
    events: data.events.length,
    health: data.health.length,
    durationMs: Date.now() - began,
  };
}

/**
 * When the data was generated more than this long before a start, its rows are moved forward so
 * the workspace again ends "now" (with its incident still going on): every launch shows live data.
 */
export const SAMPLE_REFRESH_AFTER_MS = 5 * 60_000;

/**
 * Moves the generated rows (those at or before `anchor`, the "now" they were generated for) forward
 * by `shiftMs`, so a workspace generated days ago again ends at the present. Rows written after the
 * anchor (by the app or the user) are left where they are. One transaction.
 */
export async function shiftSampleData(client: pg.ClientBase, anchor: Date, shiftMs: number): Promise<void> {
  if (!Number.isFinite(shiftMs) || shiftMs <= 0) return;
  const by = `${Math.round(shiftMs)} milliseconds`;
  await client.query('BEGIN');
  try {
    for (const [table, column] of [
      ['public.system_logs', 'timestamp'],
      ['public.ai_usage_logs', 'created_at'],
      ['ops.roman_events', 'timestamp'],
      ['ops.system_health', 'timestamp'],
      ['public.subscriptions', 'created_at'],
    ] as const) {
      await client.query(`UPDATE ${table} SET ${column} = ${column} + $2::interval WHERE ${column} <= $1`, [anchor.toISOString(), by]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
