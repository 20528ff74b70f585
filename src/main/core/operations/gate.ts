/**
 * The gate: the ONE way to run an executor, for every channel (app, CLI, Discord, runbooks).
 * `executeGrant` refuses — and records the refusal (`execution_refused`) — when the grant is
 * unknown, expired, already used, for another database, tampered with or for other parameters, or
 * when its decision is not a recorded approval; in production (or an unknown environment) it
 * requires the typed database name, and for destructive plans a verified backup first. Then it
 * takes the advisory lock of the action and target (a second admin is told who holds it), consumes
 * the grant atomically, runs the plan's steps under lock_timeout / statement_timeout with progress
 * and cancellation, and records exactly one outcome (`execution`) in ops.roman_executions,
 * ops.roman_events (through the outbox) and the local audit trail.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type pg from 'pg';
import type { ConnectionTarget } from '../../../shared/connections';
import {
  GRANT_REFUSALS,
  type BackupInfo,
  type ExecutionOutcome,
  type ExecutionProgress,
  type ExecutionResult,
  type Plan,
  type PlanStepKind,
  type RefusalCode,
  type StepResult,
} from '../../../shared/operations';
import { DomainError } from '../../../shared/result';
import { systemClock, type Clock } from '../clock';
import { canonicalJson } from '../store/audit-chain';
import { EXECUTORS } from './executors';
import { NoBackupError, backupFileName, dumpDatabase, findPgTools, type PgTools } from './executors/backup';
import { consumeGrant, grantHash, loadGrant, type GrantRow } from './grants';
import { isExecutableKind } from './params';
import { buildPlan } from './plan';
import type { ExecutionRecorder } from './record';
import { identifyTarget, type DatabaseTarget } from './target';
import type { RunContext } from './types';

export interface GateOptions {
  /** The monitored database (at least 2 connections: the execution session + progress/cancel). */
  pool: pg.Pool;
  grantId: string;
  requestedBy: string;
  channel: string;
  /** The database name typed by the human (required in production and unknown environments). */
  confirm?: string | null;
  /** The parameters hash the caller saw in the plan (the app sends it): another one is refused. */
  expectedParamsHash?: string | null;
  backupDir: string;
  /** Connection for pg_dump (with its password); without it no backup can be made. */
  dumpTarget?: (() => Promise<ConnectionTarget>) | null;
  /** Configured pg_dump (binary or folder); then PATH. */
  pgDumpPath?: string | null;
  recorder: ExecutionRecorder;
  onProgress?: (p: ExecutionProgress) => void;
  signal?: AbortSignal;
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 5_000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30 * 60_000;
const LOCK_CLASS = 0x524f4d58; // 'ROMX'

export function isGrantRefusal(code: RefusalCode): boolean {
  return GRANT_REFUSALS.includes(code);
}

class Refusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}

function describePlan(plan: Plan | null, kind: string): string {
  const last = plan?.steps[plan.steps.length - 1];
  return last ? last.title : kind;
}

async function refuse(opts: GateOptions, code: RefusalCode, message: string, grant: GrantRow | null): Promise<ExecutionResult> {
  await opts.recorder.record({
    event_type: 'execution_refused',
    severity: 'warning',
    message: `Execution refused (${code}): ${message}`.slice(0, 2000),
    metadata: {
      grant_id: opts.grantId.slice(0, 100),
      decision_id: grant?.decision_id ?? null,
      action_kind: grant?.action_kind ?? null,
      code,
      reason: message,
      requested_by: opts.requestedBy,
      channel: opts.channel,
    },
    idempotency_key: `execution_refused:${randomUUID()}`,
  });
  return { status: 'refused', code, message, grant_id: opts.grantId };
}

async function decisionCheck(pool: pg.Pool, grant: GrantRow): Promise<void> {
  const r = await pool.query<{ event_type: string; kind: string | null }>(
    `select event_type, metadata->'input'->>'action_kind' as kind from ops.roman_events where idempotency_key = $1 and event_type in ('approval', 'rejection')`,
    [grant.decision_id],
  );
  const row = r.rows[0];
  if (!row) throw new Refusal('decision_unknown', `decision ${grant.decision_id} is not recorded in ops.roman_events: nothing runs without a recorded approval`);
  if (row.event_type !== 'approval') throw new Refusal('decision_rejected', `decision ${grant.decision_id} was a rejection`);
  if (row.kind !== null && row.kind !== grant.action_kind) {
    throw new Refusal('grant_tampered', `grant is for ${grant.action_kind} but decision ${grant.decision_id} approved ${row.kind}`);
  }
}

async function lockHolder(pool: pg.Pool, lockKey: string): Promise<string> {
  const r = await pool.query<{ started_by: string; started_at: string; grant_id: string; channel: string }>(
    `select started_by, started_at::text, grant_id::text, channel from ops.roman_executions
      where lock_key = $1 and finished_at is null order by started_at desc limit 1`,
    [lockKey],
  );
  const row = r.rows[0];
  if (row) return `${row.started_by} (via ${row.channel}) has been running it since ${row.started_at} (grant ${row.grant_id})`;
  // pg_locks shows the two int4 keys of an advisory lock as oids (unsigned): hashtext can be negative.
  const a = await pool.query<{ app: string; since: string }>(
    `select a.application_name as app, a.backend_start::text as since from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.classid = $1::bigint::oid and l.objid = ((hashtext($2)::bigint + 4294967296) % 4294967296)::oid and l.objsubid = 2 and l.granted limit 1`,
    [LOCK_CLASS, lockKey],
  );
  return a.rows[0] ? `session "${a.rows[0].app}" holds it (since ${a.rows[0].since})` : 'another session holds it';
}

/** Validates the grant without consuming it (used by the gate and to show a grant in the UI). */
async function checkGrant(opts: GateOptions, target: DatabaseTarget): Promise<GrantRow> {
  const grant = await loadGrant(opts.pool, opts.grantId);
  if (!grant) throw new Refusal('grant_unknown', `no grant ${opts.grantId.slice(0, 60)} in this database`);
  if (grant.target_server !== target.server || grant.target_database !== target.database) {
    throw new Refusal('grant_foreign', `grant ${grant.id} is for database ${grant.target_database} on ${grant.target_server}, not ${target.database} on ${target.server}`);
  }
  if (grantHash(grant) !== grant.params_hash) throw new Refusal('grant_tampered', `grant ${grant.id} was altered after it was issued (its hash does not match)`);
  if (opts.expectedParamsHash && opts.expectedParamsHash !== grant.params_hash) {
    throw new Refusal('grant_tampered', `grant ${grant.id} is for other parameters than the ones given`);
  }
  if (!isExecutableKind(grant.action_kind)) throw new Refusal('grant_tampered', `grant ${grant.id} names an action that cannot be executed (${grant.action_kind})`);
  await decisionCheck(opts.pool, grant);
  if (grant.used_at) throw new Refusal('grant_used', `grant ${grant.id} was already used at ${grant.used_at} by ${grant.used_by ?? 'unknown'}`);
  if (grant.expired) throw new Refusal('grant_expired', `grant ${grant.id} expired at ${grant.expires_at}; ask for approval again`);
  return grant;
}

export async function executeGrant(opts: GateOptions): Promise<ExecutionResult> {
  const clock = opts.clock ?? systemClock;
  let grant: GrantRow | null = null;
  let target: DatabaseTarget;
  let plan: Plan;
  let tools: PgTools | null = null;
  try {
    target = await identifyTarget(opts.pool);
    grant = await checkGrant(opts, target);
    if (isProductionLikeGrant(grant) && opts.confirm !== target.database) {
      throw new Refusal(
        'confirmation_required',
        `${grant.environment === 'production' ? 'production' : `environment "${grant.environment}" is not known, so it counts as production`}: confirm by typing the database name (${target.database})${opts.confirm ? `; "${opts.confirm.slice(0, 60)}" does not match` : ''}`,
      );
    }
    try {
      plan = await buildPlan(opts.pool, { kind: grant.action_kind, params: grant.params, environment: grant.environment, target, backupDir: opts.backupDir });
    } catch (err) {
      if (err instanceof DomainError) {
        // Another caller may have just run this very grant (and changed what the plan sees).
        const now = await loadGrant(opts.pool, grant.id);
        if (now?.used_at) throw new Refusal('grant_used', `grant ${grant.id} was already used at ${now.used_at} by ${now.used_by ?? 'unknown'}`);
        throw new Refusal('not_executable', `the plan no longer holds: ${err.message}`);
      }
      throw err;
    }
    if (canonicalJson(plan.params) !== canonicalJson(grant.params)) {
      throw new Refusal('not_executable', 'the database changed since the approval (the plan differs); ask for approval again');
    }
    if (plan.backup_first) {
      if (!opts.dumpTarget) throw new Refusal('no_backup', 'a backup must come first but no connection for pg_dump is available');
      try {
        tools = findPgTools(target.serverVersionNum, { configured: opts.pgDumpPath ?? null, env: opts.env });
      } catch (err) {
        if (err instanceof NoBackupError) throw new Refusal('no_backup', `no backup possible: ${err.message}`);
        throw err;
      }
    }
  } catch (err) {
    if (err instanceof Refusal) return refuse(opts, err.code, err.message, grant);
    throw err;
  }
  return runGranted(opts, grant, target, plan, tools, clock);
}

function isProductionLikeGrant(g: GrantRow): boolean {
  return !['staging', 'development', 'sample'].includes(g.environment);
}

async function runGranted(
  opts: GateOptions,
  grant: GrantRow,
  target: DatabaseTarget,
  plan: Plan,
  tools: PgTools | null,
  clock: Clock,
): Promise<ExecutionResult> {
  const executor = EXECUTORS[plan.action_kind];
  const lockKey = `${plan.action_kind}:${target.server}/${target.database}:${executor.lockTarget(plan.params)}`;
  const client = await opts.pool.connect();
  let broken: Error | undefined;
  let locked = false;
  try {
    await client.query(`select set_config('application_name', $1, false)`, [`roman-exec:${opts.requestedBy}`.slice(0, 63)]);
    await client.query(`select set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)`, [
      `${opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS}ms`,
      `${opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS}ms`,
    ]);
    const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
    locked = (await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as ok', [LOCK_CLASS, lockKey])).rows[0].ok;
    if (!locked) {
      return await refuse(opts, 'busy', `${plan.action_kind} on ${target.database} is already running: ${await lockHolder(opts.pool, lockKey)}`, grant);
    }
    const executionId = await consumeGrant(client, { grantId: grant.id, usedBy: opts.requestedBy, channel: opts.channel, lockKey });
    if (!executionId) {
      const again = await loadGrant(opts.pool, grant.id);
      return again?.used_at
        ? await refuse(opts, 'grant_used', `grant ${grant.id} was already used at ${again.used_at} by ${again.used_by ?? 'unknown'}`, grant)
        : await refuse(opts, 'grant_expired', `grant ${grant.id} expired at ${grant.expires_at}; ask for approval again`, grant);
    }
    return await runSteps(opts, grant, target, plan, tools, clock, client, pid, executionId);
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    if (locked) await client.query('select pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, lockKey]).catch(() => undefined);
    client.release(broken);
  }
}

async function runSteps(
  opts: GateOptions,
  grant: GrantRow,
  target: DatabaseTarget,
  plan: Plan,
  tools: PgTools | null,
  clock: Clock,
  client: pg.PoolClient,
  pid: number,
  executionId: string,
): Promise<ExecutionResult> {
  const started = clock.now().getTime();
  const steps: StepResult[] = [];
  const details: Record<string, unknown> = {};
  let backup: BackupInfo | null = null;
  let stepIndex = 0;
  let currentTitle = '';
  const abort = new AbortController();
  const cancel = () => {
    abort.abort();
    void opts.pool.query('select pg_cancel_backend($1)', [pid]).catch(() => undefined);
  };
  if (opts.signal?.aborted) cancel();
  opts.signal?.addEventListener('abort', cancel, { once: true });
  const report = (p: Partial<ExecutionProgress>) => {
    try {
      opts.onProgress?.({ grant_id: grant.id, step: stepIndex, steps: plan.steps.length, title: currentTitle, ...p });
    } catch {
      // a broken listener never stops the execution
    }
  };
  const step = async <T>(kind: PlanStepKind, title: string, fn: () => Promise<T>, detail?: (v: T) => string | undefined): Promise<T> => {
    if (abort.signal.aborted) throw new Error('cancelled');
    stepIndex++;
    currentTitle = title;
    report({ message: 'started' });
    const t0 = clock.now().getTime();
    try {
      const v = await fn();
      const d = detail?.(v);
      steps.push({ kind, title, status: 'succeeded', duration_ms: clock.now().getTime() - t0, ...(d ? { detail: d } : {}) });
      report({ message: 'done' });
      return v;
    } catch (err) {
      steps.push({ kind, title, status: abort.signal.aborted ? 'cancelled' : 'failed', duration_ms: clock.now().getTime() - t0, error: (err as Error).message });
      throw err;
    }
  };
  let outcome: ExecutionOutcome = 'succeeded';
  let error: string | null = null;
  let refusedBackup: string | null = null;
  try {
    if (plan.backup_first && tools && opts.dumpTarget) {
      const file = join(opts.backupDir, backupFileName(target.database, clock.now(), grant.id));
      const dumpTarget = await opts.dumpTarget();
      try {
        backup = await step('backup', plan.steps[0].title, () =>
          dumpDatabase({ tools, target: dumpTarget, file, signal: abort.signal, onBytes: (bytes) => report({ done: bytes, unit: 'bytes', phase: 'pg_dump' }), env: opts.env }),
          (b) => `${b.file} (${b.bytes} bytes)`,
        );
      } catch (err) {
        if (err instanceof NoBackupError && !abort.signal.aborted) refusedBackup = err.message;
        throw err;
      }
      await step('verify_backup', plan.steps[1].title, async () => backup!, (b) => `pg_restore --list: ${b.toc_entries} entries; sha256 ${b.sha256}`);
    }
    const ctx: RunContext = {
      client,
      pid,
      side: opts.pool,
      params: plan.params,
      plan,
      grantId: grant.id,
      requestedBy: opts.requestedBy,
      signal: abort.signal,
      step,
      progress: (p) => report(p),
      details,
      backup,
    };
    await executor(plan).run(ctx);
  } catch (err) {
    outcome = abort.signal.aborted ? 'cancelled' : 'failed';
    error = (err as Error).message;
  } finally {
    opts.signal?.removeEventListener('abort', cancel);
  }
  const duration = clock.now().getTime() - started;
  await opts.pool
    .query(
      `update ops.roman_executions set finished_at = now(), outcome = $2, steps = $3::jsonb, backup = $4::jsonb, error = $5 where id = $1`,
      [executionId, outcome, JSON.stringify(steps), backup ? JSON.stringify(backup) : null, error],
    )
    .catch(() => undefined);
  const title = describePlan(plan, plan.action_kind);
  await opts.recorder.record({
    event_type: 'execution',
    severity: outcome === 'succeeded' ? 'info' : outcome === 'cancelled' ? 'warning' : 'error',
    message: `Execution ${outcome}: ${title}`.slice(0, 2000),
    metadata: {
      decision_id: grant.decision_id,
      grant_id: grant.id,
      execution_id: executionId,
      action_kind: plan.action_kind,
      outcome,
      target: plan.target,
      environment: plan.environment,
      requested_by: opts.requestedBy,
      channel: opts.channel,
      steps,
      duration_ms: duration,
      backup_file: backup?.file ?? null,
      backup_sha256: backup?.sha256 ?? null,
      backup_bytes: backup?.bytes ?? null,
      error,
      details,
    },
    idempotency_key: `execution:${executionId}`,
  });
  if (refusedBackup !== null) {
    return refuse(opts, 'no_backup', `no backup possible, nothing else ran: ${refusedBackup}`, grant);
  }
  return {
    status: outcome,
    grant_id: grant.id,
    decision_id: grant.decision_id,
    execution_id: executionId,
    action_kind: plan.action_kind,
    steps,
    duration_ms: duration,
    backup,
    error,
    details,
  };
}

function executor(plan: Plan) {
  return EXECUTORS[plan.action_kind];
}
