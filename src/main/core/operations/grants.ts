/**
 * Grants, not flags (Teleport access requests): an approval with a lifetime, stored in
 * ops.roman_grants of the monitored database — bound to the decision, the action and a hash of its
 * parameters, the target (server + database) and the environment; expires (default 10 min, at most
 * 1 h); used once. Consuming it is ONE atomic statement, so two desktops can never both run it.
 */
import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Decision } from '../../../shared/constitution';
import type { GrantInfo, OperationParams, Plan } from '../../../shared/operations';
import { DomainError } from '../../../shared/result';
import { canonicalJson } from '../store/audit-chain';

export const DEFAULT_GRANT_TTL_SECONDS = 600;
export const MAX_GRANT_TTL_SECONDS = 3600;

export interface GrantRow extends GrantInfo {
  params: OperationParams;
  channel: string;
  plan: Plan;
  used_by: string | null;
  /** Server's view: expired now. */
  expired: boolean;
}

export function grantHash(g: { decision_id: string; action_kind: string; params: OperationParams; target_server: string; target_database: string; environment: string }): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        decision_id: g.decision_id,
        action_kind: g.action_kind,
        params: g.params,
        target_server: g.target_server,
        target_database: g.target_database,
        environment: g.environment,
      }),
    )
    .digest('hex');
}

export function paramsHash(kind: string, params: OperationParams): string {
  return createHash('sha256').update(canonicalJson({ action_kind: kind, params })).digest('hex');
}

export function parseTtl(value: string | number | undefined): number {
  if (value === undefined) return DEFAULT_GRANT_TTL_SECONDS;
  const n = typeof value === 'number' ? value : /^\d{1,7}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_GRANT_TTL_SECONDS) {
    throw new DomainError('invalid_input', `--ttl must be a whole number of seconds from 1 to ${MAX_GRANT_TTL_SECONDS} (1 hour), got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Issues a grant for an approved decision and its plan. Refuses a rejected decision. */
export async function issueGrant(
  c: pg.ClientBase | pg.Pool,
  input: { decision: Decision; plan: Plan; requestedBy: string; channel: string; ttlSeconds?: number },
): Promise<GrantInfo> {
  const verdict = input.decision.result?.verdict;
  if (verdict !== 'approve' && verdict !== 'approve_with_warning') {
    throw new DomainError('invalid_input', `decision ${input.decision.decision_id} was not approved (${String(verdict)}): no grant`);
  }
  const ttl = parseTtl(input.ttlSeconds);
  const id = randomUUID();
  const row = {
    decision_id: input.decision.decision_id,
    action_kind: input.plan.action_kind,
    params: input.plan.params,
    target_server: input.plan.target.server,
    target_database: input.plan.target.database,
    environment: input.plan.environment,
  };
  const hash = grantHash(row);
  const r = await c.query<{ created_at: string; expires_at: string }>(
    `insert into ops.roman_grants (id, decision_id, action_kind, params, params_hash, target_server, target_database, environment,
                                   requested_by, channel, plan, created_at, expires_at)
     values ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11::jsonb, now(), now() + make_interval(secs => $12))
     returning to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
               to_char(expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as expires_at`,
    [id, row.decision_id, row.action_kind, JSON.stringify(row.params), hash, row.target_server, row.target_database, row.environment,
      input.requestedBy, input.channel, JSON.stringify(input.plan), ttl],
  );
  return {
    id,
    decision_id: row.decision_id,
    action_kind: input.plan.action_kind,
    params_hash: hash,
    target_server: row.target_server,
    target_database: row.target_database,
    environment: row.environment,
    requested_by: input.requestedBy,
    created_at: r.rows[0].created_at,
    expires_at: r.rows[0].expires_at,
    used_at: null,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGrantId(id: unknown): id is string {
  return typeof id === 'string' && UUID.test(id);
}

export async function loadGrant(c: pg.ClientBase | pg.Pool, id: string): Promise<GrantRow | null> {
  if (!isGrantId(id)) return null;
  const exists = await c.query<{ t: string | null }>(`select to_regclass('ops.roman_grants')::text as t`);
  if (exists.rows[0].t === null) return null;
  const r = await c.query<GrantRow>(
    `select id::text, decision_id, action_kind, params, params_hash, target_server, target_database, environment, requested_by, channel, plan,
            to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
            to_char(expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as expires_at,
            to_char(used_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as used_at, used_by,
            expires_at <= now() as expired
       from ops.roman_grants where id = $1`,
    [id.toLowerCase()],
  );
  return r.rows[0] ?? null;
}

/**
 * Consumes the grant and opens its execution row in ONE statement: succeeds for exactly one caller,
 * and only while the grant is unused and unexpired. Returns the execution id, or null.
 */
export async function consumeGrant(
  c: pg.ClientBase | pg.Pool,
  input: { grantId: string; usedBy: string; channel: string; lockKey: string },
): Promise<string | null> {
  const executionId = randomUUID();
  const r = await c.query<{ id: string }>(
    `with g as (
       update ops.roman_grants set used_at = now(), used_by = $2
        where id = $1 and used_at is null and expires_at > now()
       returning id, decision_id, action_kind)
     insert into ops.roman_executions (id, grant_id, decision_id, action_kind, lock_key, started_by, channel)
     select $3, g.id, g.decision_id, g.action_kind, $4, $2, $5 from g
     returning id::text`,
    [input.grantId, input.usedBy, executionId, input.lockKey, input.channel],
  );
  return r.rows[0]?.id ?? null;
}
