import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { PlaybookError, listPlaybooks, listRuns, recordOutcome, runPlaybook, successRate } from '../../../src/main/core/triage/playbooks';

let tdb: TestDatabase;
let pool: pg.Pool;
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const ago = (min: number) => new Date(NOW.getTime() - min * 60_000).toISOString();
const USER_IN = '11111111-1111-4111-8111-111111111111';
const USER_OUT = '22222222-2222-4222-8222-222222222222';

async function log(min: number, severity: string, source: string, message: string, metadata: Record<string, unknown> = {}, userId: string | null = null, correlationId: string | null = null) {
  await pool.query(
    `INSERT INTO public.system_logs ("timestamp", severity, source, message, metadata, user_id, correlation_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [ago(min), severity, source, message, JSON.stringify(metadata), userId, correlationId],
  );
}
async function event(min: number, type: string, severity: string, message: string, metadata: Record<string, unknown>) {
  await pool.query(`INSERT INTO ops.roman_events ("timestamp", event_type, severity, message, metadata) VALUES ($1, $2, $3, $4, $5)`, [ago(min), type, severity, message, JSON.stringify(metadata)]);
}

beforeAll(async () => {
  tdb = await createTestDatabase('roman_triage_pb');
  pool = new pg.Pool({ connectionString: tdb.url, max: 3 });
  await initDatabase(pool);
  await pool.query(`
    CREATE TABLE public.user_organizations (user_id uuid NOT NULL, organization_id uuid NOT NULL);
    INSERT INTO public.user_organizations VALUES ('${USER_IN}', gen_random_uuid());
    CREATE TABLE public.customers (id int PRIMARY KEY, org uuid);
    ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY;
    CREATE POLICY customers_org ON public.customers USING (true);
    CREATE TABLE public.invoices (id int PRIMARY KEY);
    ALTER TABLE public.invoices ENABLE ROW LEVEL SECURITY;`);
});

afterAll(async () => {
  await pool?.end();
  await tdb?.drop();
});

describe('playbooks on a quiet database', () => {
  it('detect nothing and never report an unknown check as ok', async () => {
    for (const name of ['db_connection_failures', 'rls_violations', 'api_rate_limit', 'stripe_webhook', 'deployment_failures']) {
      const r = await runPlaybook(pool, name, { now: NOW, startedBy: 'test', record: false });
      expect(r.detection.triggered).toBe(false);
      expect(r.detection.count).toBe(0);
      expect(r.runId).toBeNull();
      for (const c of r.checks) expect(['ok', 'unknown', 'warning', 'failed']).toContain(c.status);
    }
    const stripe = await runPlaybook(pool, 'stripe_webhook', { now: NOW, startedBy: 'test', record: false });
    expect(stripe.checks.find((c) => c.id === 'last_success')!.status).toBe('unknown');
  });

  it('refuses an unknown playbook by name', async () => {
    await expect(runPlaybook(pool, 'drop_everything', { now: NOW, startedBy: 'test' })).rejects.toBeInstanceOf(PlaybookError);
  });
});

describe('playbooks with incidents in the data', () => {
  beforeAll(async () => {
    // 1. connection failures, still arriving
    for (let i = 0; i < 6; i++) await log(i * 0.5, 'error', 'database', `Database connection failed: connection pool exhausted (${19 + (i % 2)}/20 in use, waited 5003ms)`, { error_code: '53300' });
    // 2. RLS: one IP 6 times within a minute, users in and out of an organisation, a table without policy
    for (let i = 0; i < 6; i++) await log(10 + i * 0.1, 'warning', 'rls_violation', 'User attempted unauthorized access', { ip: '203.0.113.77', table: 'invoices', operation: 'SELECT', user_id: USER_OUT }, USER_OUT);
    await log(20, 'warning', 'rls_violation', 'User attempted unauthorized access', { ip: '198.51.100.9', table: 'customers', operation: 'UPDATE', user_id: USER_IN }, USER_IN);
    // 3. rate limits with Retry-After, persistent over 6 minutes; an alternate provider that works
    for (let i = 0; i < 6; i++) await log(i + 0.2, 'warning', 'api_rate_limit', `Rate limit exceeded: anthropic /v1/messages returned 429 (retry after ${10 + i}s)`, { provider: 'anthropic', endpoint: '/v1/messages', status: 429 });
    for (let i = 0; i < 20; i++) {
      await pool.query(`INSERT INTO public.ai_usage_logs (created_at, provider, model, total_tokens, cost_usd, latency_ms, success) VALUES ($1, 'openai', 'gpt-4o', 1000, 0.01, 900, true)`, [ago(5 + i)]);
    }
    // 4. Stripe: a deployment 30 min ago, the last success 90 min ago, failures since 20 min ago
    await event(30, 'deployment', 'info', 'Deployed v2.18.3 to production', { correlation_id: 'deploy_x', version: '2.18.3', commit: 'abc1234' });
    await log(90, 'info', 'stripe_webhook', 'Processed invoice.paid (evt_1abc) in 120ms');
    for (let i = 0; i < 4; i++) await log(20 - i * 5, 'error', 'stripe_webhook', 'Webhook signature verification failed for event evt_1xyz: No signatures found', {}, null, 'deploy_x');
    // 5. a failed migration after the deployment
    await event(25, 'migration', 'error', 'Migration 20250101_add_index failed and was rolled back', { status: 'rolled_back', name: '20250101_add_index', job: 'test' });
  });

  it('db_connection_failures: the manual detection query counts the last 5 minutes; the checks test the connection and usage', async () => {
    const r = await runPlaybook(pool, 'db_connection_failures', { now: NOW, startedBy: 'test' });
    expect(r.detection.sql).toContain("message LIKE '%connection%'");
    expect(r.detection.count).toBe(6);
    expect(r.detection.triggered).toBe(true);
    const by = Object.fromEntries(r.checks.map((c) => [c.id, c]));
    expect(by.connection_test!.status).toBe('ok');
    expect(['ok', 'warning', 'failed']).toContain(by.pool_usage!.status);
    expect(Number(by.pool_usage!.value)).toBeGreaterThan(0);
    expect(by.still_failing!.status).toBe('failed');
    expect(by.error_codes!.detail).toContain('53300');
    expect(r.actions.map((a) => a.kind)).toEqual(['cancel_query', 'terminate_sessions']);
    expect(r.actions.find((a) => a.kind === 'terminate_sessions')!.destructive).toBe(true);
    expect(r.runId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rls_violations: finds the table without a policy, the user outside any organisation and the breaching IP', async () => {
    const r = await runPlaybook(pool, 'rls_violations', { now: NOW, startedBy: 'test' });
    expect(r.detection.count).toBe(7);
    const by = Object.fromEntries(r.checks.map((c) => [c.id, c]));
    expect(by.rls_policies!.status).toBe('failed');
    expect(by.rls_policies!.detail).toContain('public.invoices: RLS enabled but no policy');
    expect(by.membership!.status).toBe('warning');
    expect(by.membership!.value).toBe(1);
    expect(by.per_ip!.status).toBe('failed');
    expect(by.per_ip!.detail).toContain('203.0.113.77');
    const block = r.actions.find((a) => a.kind === 'block_ip' && a.available);
    expect(block?.destructive).toBe(false);
    expect(r.proposed.find((a) => a.kind === 'block_ip')!.params).toMatchObject({ ip: '203.0.113.77' });
  });

  it('rls_violations: a burst of 5+ within one minute that straddles a clock minute is still a breach', async () => {
    // 6 violations 10 s apart, from 25 s before a whole minute to 25 s after it: 3 + 3 in calendar minutes
    const minute = Math.floor((NOW.getTime() - 40 * 60_000) / 60_000) * 60_000;
    for (let i = 0; i < 6; i++) {
      await pool.query(
        `INSERT INTO public.system_logs ("timestamp", severity, source, message, metadata) VALUES ($1, 'warning', 'rls_violation', 'User attempted unauthorized access', $2)`,
        [new Date(minute - 25_000 + i * 10_000).toISOString(), JSON.stringify({ ip: '192.0.2.55', table: 'invoices' })],
      );
    }
    try {
      const r = await runPlaybook(pool, 'rls_violations', { now: NOW, startedBy: 'test', record: false });
      const perIp = r.checks.find((c) => c.id === 'per_ip')!;
      expect(perIp.status).toBe('failed');
      expect(perIp.detail).toContain('192.0.2.55');
    } finally {
      await pool.query(`DELETE FROM public.system_logs WHERE metadata->>'ip' = '192.0.2.55'`);
    }
  });

  it('rls_violations: membership is unknown, not ok, without a user_organizations table', async () => {
    await pool.query('ALTER TABLE public.user_organizations RENAME TO user_organizations_old');
    try {
      const r = await runPlaybook(pool, 'rls_violations', { now: NOW, startedBy: 'test', record: false });
      expect(r.checks.find((c) => c.id === 'membership')!.status).toBe('unknown');
    } finally {
      await pool.query('ALTER TABLE public.user_organizations_old RENAME TO user_organizations');
    }
  });

  it('api_rate_limit: Retry-After values, persistence and a healthy alternate provider', async () => {
    const r = await runPlaybook(pool, 'api_rate_limit', { now: NOW, startedBy: 'test' });
    expect(r.detection.count).toBe(6);
    const by = Object.fromEntries(r.checks.map((c) => [c.id, c]));
    expect(by.retry_after!.detail).toContain('10–15 s');
    expect(by.persistent!.status).toBe('failed');
    expect(by.providers!.detail).toContain('anthropic ×6');
    expect(by.providers!.detail).toContain('openai');
    expect(by.cost_impact!.status).toBe('ok');
    expect(r.actions).toEqual([]);
  });

  it('stripe_webhook: failures continue, the last success is 90 minutes old and they started after a deployment', async () => {
    const r = await runPlaybook(pool, 'stripe_webhook', { now: NOW, startedBy: 'test' });
    expect(r.detection.count).toBe(4);
    const by = Object.fromEntries(r.checks.map((c) => [c.id, c]));
    expect(by.still_failing!.status).toBe('failed');
    expect(by.last_success!.status).toBe('failed');
    expect(by.last_success!.value).toBe(90);
    expect(by.after_deployment!.status).toBe('warning');
    expect(by.after_deployment!.detail).toContain('2.18.3');
  });

  it('deployment_failures: names the failing job and the last good deployment; rollback is destructive', async () => {
    const r = await runPlaybook(pool, 'deployment_failures', { now: NOW, startedBy: 'test' });
    expect(r.detection.count).toBe(1);
    const by = Object.fromEntries(r.checks.map((c) => [c.id, c]));
    expect(by.failing_job!.status).toBe('failed');
    expect(by.failing_job!.detail).toContain('job test');
    expect(by.last_good!.detail).toContain('v2.18.3');
    expect(r.actions[0]).toMatchObject({ kind: 'rollback', destructive: true, available: true });
  });

  it('success rates are measured from recorded outcomes and shown beside the claim; an outcome is recorded once', async () => {
    expect((await successRate(pool, 'api_rate_limit')).measured).toBeNull();
    const outcomes = ['resolved_automatically', 'resolved_automatically', 'resolved_with_help', 'not_resolved'];
    for (const o of outcomes) {
      const run = await runPlaybook(pool, 'api_rate_limit', { now: NOW, startedBy: 'test', patternId: 'p123' });
      await recordOutcome(pool, run.runId!, o, { now: NOW, note: o === 'not_resolved' ? 'provider down all day' : null });
    }
    const rate = await successRate(pool, 'api_rate_limit');
    expect(rate).toMatchObject({ claimed: 0.95, runs: 4, resolvedAutomatically: 2, resolvedWithHelp: 1, notResolved: 1, measured: 0.5, resolvedShare: 0.75 });
    const info = (await listPlaybooks(pool)).find((p) => p.name === 'api_rate_limit')!;
    expect(info.successRate.measured).toBe(0.5);
    const runs = await listRuns(pool, { playbook: 'api_rate_limit', patternId: 'p123' });
    expect(runs.length).toBe(4);
    await expect(recordOutcome(pool, runs[0]!.id, 'resolved_automatically', { now: NOW })).rejects.toThrow(/already ended/);
    await expect(recordOutcome(pool, runs[0]!.id, 'fixed_by_magic', { now: NOW })).rejects.toThrow(/unknown outcome/);
  });
});

describe('playbook names', () => {
  it('accepts the manual titles in kebab-case and short names, refuses others', async () => {
    const { playbookOf } = await import('../../../src/main/core/triage/playbooks');
    expect(playbookOf('database-connection-failures').name).toBe('db_connection_failures');
    expect(playbookOf('RLS').name).toBe('rls_violations');
    expect(playbookOf('stripe-webhook').name).toBe('stripe_webhook');
    expect(playbookOf('api-rate-limit').name).toBe('api_rate_limit');
    expect(playbookOf('deployment failures').name).toBe('deployment_failures');
    expect(() => playbookOf('restart everything')).toThrow(/unknown playbook/);
  });
});
