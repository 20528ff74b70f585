/**
 * What the sample product's logs are made of: its endpoints, failure causes, RLS policies, Stripe
 * events, edge functions, AI providers, and the message of each kind of line. The 30-day generator
 * (seed.ts) and the live generator (live.ts) both write their lines from here, so live rows have the
 * same sources and message shapes as the history.
 */
import type { Dice } from './dice';
import type { Severity } from './data';

export const ENDPOINTS: readonly (readonly [{ method: string; path: string; median: number }, number])[] = [
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

export const STATUS_TEXT: Record<number, string> = {
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
export function failureOf(ep: { method: string; path: string }): { status: number; cause: string } {
  if (ep.method === 'POST' && ep.path === '/api/documents') return { status: 500, cause: 'duplicate key value violates unique constraint "documents_pkey"' };
  if (/chat|generate|review/.test(ep.path)) return { status: 504, cause: 'upstream request timeout after 30000ms' };
  if (ep.path === '/api/search') return { status: 502, cause: 'search service returned an invalid response' };
  return { status: 500, cause: "TypeError: Cannot read properties of undefined (reading 'id')" };
}

export const RLS_TABLES = [
  { table: 'customers', policy: 'customers_org_member_select' },
  { table: 'documents', policy: 'documents_owner_select' },
  { table: 'bids', policy: 'bids_org_member_all' },
  { table: 'subscriptions', policy: 'subscriptions_owner_select' },
];

export const STRIPE_EVENTS = [
  'invoice.paid',
  'customer.subscription.updated',
  'checkout.session.completed',
  'invoice.payment_failed',
  'customer.subscription.deleted',
];

export const EDGE_FUNCTIONS = [
  { name: 'generate-bid-pdf', median: 900 },
  { name: 'send-notification', median: 240 },
  { name: 'ai-calculator', median: 1500 },
  { name: 'stripe-webhook', median: 180 },
];

export interface ProviderProfile {
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

export const PROVIDERS: readonly ProviderProfile[] = [
  { provider: 'anthropic', model: 'claude-3-5-sonnet', perDay: 41, inPerM: 3, outPerM: 15, prompt: 20_000, completion: 3_800, latency: 5200, endpoint: '/v1/messages' },
  { provider: 'openai', model: 'gpt-4', perDay: 27, inPerM: 30, outPerM: 60, prompt: 2_300, completion: 560, latency: 6100, endpoint: '/v1/chat/completions' },
  { provider: 'google', model: 'gemini-1.5-pro', perDay: 15, inPerM: 1.25, outPerM: 5, prompt: 11_000, completion: 2_300, latency: 2600, endpoint: '/v1beta/models/gemini-1.5-pro:generateContent' },
];

export const AI_FEATURES: readonly (readonly [string, number])[] = [
  ['Document Review', 42],
  ['Chat Assistant', 34],
  ['Bid Generator', 24],
];

/** Target AI spend over the 30 days, in dollars (the manual's example month is $258.57). */
export const AI_MONTHLY_COST_TARGET = 250;

/** Who uses the sample product: 64 users (the first 48 active), 48 client IPs, 4 suspicious IPs. */
export interface Population {
  users: string[];
  activeUsers: string[];
  clientIps: string[];
  suspiciousIps: string[];
}

/** The population drawn first from a seed's dice: the same seed gives the same people everywhere. */
export function makePopulation(dice: Dice): Population {
  const users = Array.from({ length: 64 }, () => dice.uuid());
  const clientIps = Array.from({ length: 48 }, (_, i) =>
    i % 3 === 0 ? `203.0.113.${dice.int(2, 254)}` : i % 3 === 1 ? `198.51.100.${dice.int(2, 254)}` : `192.0.2.${dice.int(2, 254)}`,
  );
  return { users, activeUsers: users.slice(0, 48), clientIps, suspiciousIps: ['198.51.100.23', '203.0.113.77', '192.0.2.201', '203.0.113.140'] };
}

/** One log line before it gets its time and correlation id. */
export interface LogLine {
  severity: Severity;
  source: string;
  message: string;
  metadata: Record<string, unknown>;
  userId: string | null;
}

/** The log line of one API request (its status and latency decide severity and wording). */
export function requestLine(method: string, path: string, status: number, latency: number, cause: string): { severity: Severity; message: string } {
  if (status >= 500) return { severity: 'error', message: `${method} ${path} failed with ${status} ${STATUS_TEXT[status]}: ${cause}` };
  if (status >= 400) return { severity: 'warning', message: `${method} ${path} ${status} ${STATUS_TEXT[status]} in ${latency}ms` };
  if (latency > 2000) return { severity: 'warning', message: `Slow request: ${method} ${path} took ${latency}ms` };
  return { severity: 'info', message: `${method} ${path} ${status} in ${latency}ms` };
}

/** One RLS violation: an operation on a table denied by its policy. */
export function rlsViolationLine(op: string, target: { table: string; policy: string }, ip: string, userId: string): LogLine {
  return {
    severity: 'warning',
    source: 'rls_violation',
    message: `User attempted unauthorized access: ${op} on ${target.table} denied by policy ${target.policy}`,
    metadata: { ip, table: target.table, operation: op, policy: target.policy, user_id: userId },
    userId,
  };
}

/** Error lines of a database connection incident. */
export const DB_CONNECTION_MESSAGES: readonly ((d: Dice) => string)[] = [
  (d: Dice) => `Database connection failed: connection pool exhausted (${d.int(19, 20)}/20 in use, waited ${d.int(5000, 5010)}ms)`,
  (d: Dice) => `could not establish connection to db.sample.internal:5432 (attempt ${d.int(1, 5)}): timeout expired`,
  (d: Dice) => `Query failed for request req_${d.alnum(10)}: connection terminated unexpectedly`,
];

/**
 * Background activity of the other sources: how many lines a day, and how one is made. The order
 * and the dice calls inside each maker are part of the shipped sample data (seed.ts draws them in
 * this order): change them only with SAMPLE_SEED_VERSION.
 */
export const BACKGROUND_ACTIVITY: readonly { perDay: number; make: (dice: Dice, p: Population) => LogLine }[] = [
  {
    perDay: 160,
    make: (dice, p) => {
      const u = dice.pick(p.activeUsers);
      const kind = dice.weighted([['in', 6], ['refresh', 3], ['out', 2]] as const);
      const msg = kind === 'in' ? `User ${u} signed in with password` : kind === 'refresh' ? `Token refreshed for session sess_${dice.hex(12)}` : `User ${u} signed out`;
      return { severity: 'info', source: 'auth', message: msg, metadata: { ip: dice.pick(p.clientIps), provider: 'email' }, userId: u };
    },
  },
  {
    perDay: 12,
    make: (dice, p) => {
      const ip = dice.chance(0.3) ? dice.pick(p.suspiciousIps) : dice.pick(p.clientIps);
      return { severity: 'warning', source: 'auth', message: `Failed login attempt for user${dice.int(10, 999)}@example.com from ${ip} (attempt ${dice.int(1, 6)})`, metadata: { ip, reason: 'invalid_credentials' }, userId: null };
    },
  },
  {
    perDay: 3,
    make: (dice, p) => ({
      severity: 'error',
      source: 'auth',
      message: `JWT verification failed: token expired ${dice.int(1, 3600)}s ago (session sess_${dice.hex(12)})`,
      metadata: { ip: dice.pick(p.clientIps) },
      userId: dice.pick(p.activeUsers),
    }),
  },
  {
    perDay: 6,
    make: (dice) => ({
      severity: 'info',
      source: 'database',
      message: `Autovacuum completed on ${dice.pick(['public.system_logs', 'public.documents', 'public.bids', 'public.ai_usage_logs'])} (removed ${dice.int(200, 90_000)} dead tuples)`,
      metadata: { duration_ms: dice.int(300, 40_000) },
      userId: null,
    }),
  },
  {
    perDay: 8,
    make: (dice) => {
      const ms = dice.int(1200, 9800);
      return { severity: 'warning', source: 'database', message: `Slow query (${ms}ms): SELECT * FROM documents WHERE organization_id = $1 ORDER BY updated_at DESC`, metadata: { duration_ms: ms, table: 'documents' }, userId: null };
    },
  },
  {
    perDay: 1,
    make: (dice) => ({ severity: 'error', source: 'database', message: `canceling statement due to statement timeout (pid ${dice.int(1000, 65_000)}, query id ${dice.int(100_000, 999_999)})`, metadata: { error_code: '57014' }, userId: null }),
  },
  {
    perDay: 0.4,
    make: (dice) => ({ severity: 'error', source: 'database', message: `deadlock detected: process ${dice.int(1000, 65_000)} waits for ShareLock on transaction ${dice.int(100_000, 9_999_999)}`, metadata: { error_code: '40P01' }, userId: null }),
  },
  {
    perDay: 24,
    make: (dice) => {
      const ev = dice.pick(STRIPE_EVENTS);
      return { severity: 'info', source: 'stripe_webhook', message: `Processed ${ev} (evt_1${dice.alnum(23)}) in ${dice.int(40, 900)}ms`, metadata: { event_type: ev, livemode: true }, userId: null };
    },
  },
  {
    perDay: 0.5,
    make: (dice) => ({
      severity: 'error',
      source: 'stripe_webhook',
      message: `Webhook signature verification failed for event evt_1${dice.alnum(23)}: No signatures found matching the expected signature for payload`,
      metadata: { endpoint: '/functions/v1/stripe-webhook' },
      userId: null,
    }),
  },
  {
    perDay: 45,
    make: (dice) => {
      const fn = dice.pick(EDGE_FUNCTIONS);
      const ms = dice.latency(fn.median);
      return { severity: 'info', source: 'edge_function', message: `Edge function ${fn.name} completed in ${ms}ms (invocation inv_${dice.hex(12)})`, metadata: { function: fn.name, duration_ms: ms, latency_ms: ms }, userId: null };
    },
  },
  {
    perDay: 1.2,
    make: (dice) => ({ severity: 'error', source: 'edge_function', message: `Edge function send-notification timed out after 10000ms (invocation inv_${dice.hex(12)})`, metadata: { function: 'send-notification', duration_ms: 10_000 }, userId: null }),
  },
  {
    perDay: 14,
    make: (dice) => {
      const cmd = dice.weighted([['status', 6], ['metrics', 3], ['audit', 2], ['approve', 2]] as const);
      return { severity: 'info', source: 'discord_bot', message: `Command /${cmd} from Discord user ${dice.snowflake()} answered in ${dice.int(120, 2400)}ms`, metadata: { command: cmd, guild: 'odyssey-ops' }, userId: null };
    },
  },
  {
    perDay: 1,
    make: (dice) => ({
      severity: 'warning',
      source: 'discord_bot',
      message: `Discord API rate limited on POST /channels/${dice.snowflake()}/messages, retrying after ${dice.int(300, 4000)}ms`,
      metadata: { retry_after_ms: dice.int(300, 4000) },
      userId: null,
    }),
  },
  {
    perDay: 0.3,
    make: (dice) => ({ severity: 'error', source: 'discord_bot', message: `Command /audit failed: Interaction token expired (interaction ${dice.snowflake()})`, metadata: { command: 'audit' }, userId: null }),
  },
  {
    perDay: 4,
    make: (dice, p) => {
      const ip = dice.chance(0.55) ? dice.pick(p.suspiciousIps) : dice.pick(p.clientIps);
      const target = dice.pick(RLS_TABLES);
      const u = dice.pick(p.users);
      const op = dice.pick(['SELECT', 'SELECT', 'UPDATE', 'DELETE']);
      return rlsViolationLine(op, target, ip, u);
    },
  },
  {
    perDay: 3,
    make: (dice, p) => {
      const u = dice.pick(p.activeUsers);
      return {
        severity: 'warning',
        source: 'api_rate_limit',
        message: `Rate limit exceeded for user ${u} on /api/chat (${dice.int(61, 140)} requests/min, limit 60)`,
        metadata: { ip: dice.pick(p.clientIps), limit: 60, path: '/api/chat', provider: 'internal' },
        userId: u,
      };
    },
  },
];
