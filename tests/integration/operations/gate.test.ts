/** The gate: forged, reused, expired, foreign, tampered and rejected grants are refused and recorded; one grant runs once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '../../support/postgres';
import pg from 'pg';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { approvedGrant, approve, events, opsDatabase, run, type OpsDb } from './setup';

let o: OpsDb;

beforeAll(async () => {
  o = await opsDatabase('roman_ops_gate');
  await o.pool.query('create table public.orders (id bigserial primary key, customer_id int, note text)');
  await o.pool.query('insert into public.orders (customer_id) select g % 100 from generate_series(1, 2000) g');
});

afterAll(async () => {
  await o?.close();
});

describe('the gate', () => {
  it('runs an approved VACUUM once and records the outcome with decision and grant', async () => {
    const { plan, grant } = await approvedGrant(o, 'vacuum analyze public.orders');
    expect(plan.steps.map((s) => s.sql)).toEqual(['VACUUM (ANALYZE) "public"."orders"']);
    const progress: string[] = [];
    const r = await run(o, grant.id, { onProgress: (p) => progress.push(p.title) });
    expect(r.status).toBe('succeeded');
    expect(progress.length).toBeGreaterThan(0);
    const stats = await o.pool.query(`select last_vacuum, last_analyze from pg_stat_user_tables where relname = 'orders'`);
    expect(stats.rows[0].last_analyze).not.toBeNull();
    const ev = (await events(o, 'execution')).find((e) => e.metadata.grant_id === grant.id)!;
    expect(ev.metadata).toMatchObject({ decision_id: grant.decision_id, outcome: 'succeeded', action_kind: 'vacuum' });
    expect((ev.metadata.steps as unknown[]).length).toBe(1);

    const again = await run(o, grant.id);
    expect(again).toMatchObject({ status: 'refused', code: 'grant_used' });
  });

  it('refuses a forged grant id (unknown) and records the refusal', async () => {
    const forged = randomUUID();
    expect(await run(o, forged)).toMatchObject({ status: 'refused', code: 'grant_unknown' });
    expect(await run(o, 'not-a-uuid; drop table orders')).toMatchObject({ status: 'refused', code: 'grant_unknown' });
    const refused = await events(o, 'execution_refused');
    expect(refused.some((e) => e.metadata.grant_id === forged && e.metadata.code === 'grant_unknown')).toBe(true);
  });

  it('refuses an expired grant', async () => {
    const { grant } = await approvedGrant(o, 'vacuum analyze public.orders', { ttlSeconds: 1 });
    await o.pool.query(`update ops.roman_grants set created_at = created_at - interval '1 hour', expires_at = now() - interval '1 second' where id = $1`, [grant.id]);
    expect(await run(o, grant.id)).toMatchObject({ status: 'refused', code: 'grant_expired' });
  });

  it('refuses a grant whose parameters were altered in the table, and one presented with other parameters', async () => {
    const { grant } = await approvedGrant(o, 'vacuum analyze public.orders');
    expect(await run(o, grant.id, { expectedParamsHash: 'f'.repeat(64) })).toMatchObject({ status: 'refused', code: 'grant_tampered' });
    await o.pool.query(`update ops.roman_grants set params = '{"table": "public.other"}' where id = $1`, [grant.id]);
    expect(await run(o, grant.id)).toMatchObject({ status: 'refused', code: 'grant_tampered' });
    const used = await o.pool.query('select used_at from ops.roman_grants where id = $1', [grant.id]);
    expect(used.rows[0].used_at).toBeNull();
  });

  it('refuses a grant row forged for a rejected decision', async () => {
    const { outcome } = await approve(o, 'delete production database', { environment: 'production' });
    expect(outcome.decision.result.verdict).toBe('reject');
    const { grant } = await approvedGrant(o, 'vacuum analyze public.orders');
    const { recordDecision } = await import('../../../src/main/core/db/events');
    await recordDecision(o.pool, outcome.decision);
    // Re-point a genuine grant at the rejected decision and re-hash it as an attacker with table access would.
    const { grantHash } = await import('../../../src/main/core/operations/grants');
    const row = (await o.pool.query('select * from ops.roman_grants where id = $1', [grant.id])).rows[0];
    const hash = grantHash({ ...row, decision_id: outcome.decision.decision_id });
    await o.pool.query('update ops.roman_grants set decision_id = $2, params_hash = $3 where id = $1', [grant.id, outcome.decision.decision_id, hash]);
    expect(await run(o, grant.id)).toMatchObject({ status: 'refused', code: 'decision_rejected' });
  });

  it('refuses a grant of another database (foreign)', async () => {
    const other = await createTestDatabase('roman_ops_foreign');
    const pool = new pg.Pool({ connectionString: other.url, max: 3 });
    try {
      await initDatabase(pool);
      const { grant } = await approvedGrant(o, 'vacuum analyze public.orders');
      // Copy the grant row (and its approval) into the other database: the target no longer matches.
      const g = (await o.pool.query('select * from ops.roman_grants where id = $1', [grant.id])).rows[0];
      const d = (await o.pool.query('select * from ops.roman_events where idempotency_key = $1', [grant.decision_id])).rows[0];
      await pool.query(
        `insert into ops.roman_events (event_type, severity, message, metadata, idempotency_key) values ($1, $2, $3, $4, $5)`,
        [d.event_type, d.severity, d.message, d.metadata, d.idempotency_key],
      );
      await pool.query(
        `insert into ops.roman_grants (id, decision_id, action_kind, params, params_hash, target_server, target_database, environment, requested_by, channel, plan, created_at, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [g.id, g.decision_id, g.action_kind, g.params, g.params_hash, g.target_server, g.target_database, g.environment, g.requested_by, g.channel, g.plan, g.created_at, g.expires_at],
      );
      const r = await run({ ...o, pool }, grant.id);
      expect(r).toMatchObject({ status: 'refused', code: 'grant_foreign' });
    } finally {
      await pool.end();
      await other.drop();
    }
  });

  it('runs one of two racing executions of the same grant; the other is refused and nothing runs twice', async () => {
    const { grant } = await approvedGrant(o, 'block ip 198.51.100.7');
    const [a, b] = await Promise.all([run(o, grant.id), run(o, grant.id, { requestedBy: 'bob' })]);
    const statuses = [a.status, b.status].sort();
    expect(statuses, JSON.stringify([a, b]).slice(0, 1500)).toEqual(['refused', 'succeeded']);
    const loser = a.status === 'refused' ? a : b;
    // Depending on timing the loser finds the grant used, or the lock held by the winner.
    expect(['grant_used', 'busy']).toContain(loser.status === 'refused' ? loser.code : '');
    const rows = await o.pool.query(`select count(*)::int as n from ops.blocked_ips where network = '198.51.100.7/32'`);
    expect(rows.rows[0].n).toBe(1);
    const execs = await o.pool.query('select count(*)::int as n from ops.roman_executions where grant_id = $1', [grant.id]);
    expect(execs.rows[0].n).toBe(1);
  });

  it('tells a second admin who is running the same action on the same target', async () => {
    const first = await approvedGrant(o, 'vacuum analyze public.orders');
    const second = await approvedGrant(o, 'vacuum analyze public.orders', { requestedBy: 'bob' });
    const blocker = await o.pool.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table public.orders in access exclusive mode');
      const running = run(o, first.grant.id, { lockTimeoutMs: 60_000 });
      await new Promise((r) => setTimeout(r, 700));
      const other = await run(o, second.grant.id, { requestedBy: 'bob' });
      expect(other).toMatchObject({ status: 'refused', code: 'busy' });
      expect(other.status === 'refused' && other.message).toMatch(/alice/);
      await blocker.query('rollback');
      expect((await running).status).toBe('succeeded');
    } finally {
      blocker.release();
    }
  });

  it('requires the typed database name in production and in an unknown environment', async () => {
    const prod = await approvedGrant(o, 'vacuum analyze public.orders', { environment: 'production' });
    expect(await run(o, prod.grant.id)).toMatchObject({ status: 'refused', code: 'confirmation_required' });
    expect(await run(o, prod.grant.id, { confirm: 'wrong' })).toMatchObject({ status: 'refused', code: 'confirmation_required' });
    expect((await run(o, prod.grant.id, { confirm: o.db.name })).status).toBe('succeeded');

    const unknown = await approvedGrant(o, 'vacuum analyze public.orders', { environment: 'unspecified' });
    expect(unknown.plan.production).toBe(true);
    expect(await run(o, unknown.grant.id)).toMatchObject({ status: 'refused', code: 'confirmation_required' });
  });

  it('cancels a running execution and records it as cancelled', async () => {
    const { grant } = await approvedGrant(o, 'vacuum analyze public.orders');
    const blocker = await o.pool.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table public.orders in access exclusive mode');
      const ac = new AbortController();
      const running = run(o, grant.id, { signal: ac.signal, lockTimeoutMs: 60_000 });
      await new Promise((r) => setTimeout(r, 700));
      ac.abort();
      const r = await running;
      expect(r.status).toBe('cancelled');
    } finally {
      await blocker.query('rollback');
      blocker.release();
    }
    const ev = (await events(o, 'execution')).find((e) => e.metadata.grant_id === grant.id)!;
    expect(ev.metadata.outcome).toBe('cancelled');
  });

  it('gives no grant to a rejected request and says a verdict-only action cannot run', async () => {
    const rejected = await approve(o, 'delete production database', { environment: 'production' });
    expect(rejected.prepared).toMatchObject({ executable: false });
    const deploy = await approve(o, 'deploy to staging');
    expect(deploy.prepared.executable).toBe(false);
    expect(!deploy.prepared.executable && deploy.prepared.reason).toMatch(/verdict-only/);
  });
});
