/**
 * Operations: approved actions really run — gated, backed up, confirmed, recorded.
 *
 * The API other modules call (the app's IPC handlers, the CLI, the Discord bot, runbooks, triage
 * playbooks). There is no other way to an executor: `executors/` is private to this folder.
 *
 * 1. `prepareExecution(pool, { decision, action, params | text, … })` — after the constitutional
 *    core approved a request (its Decision recorded in ops.roman_events), builds the Plan from the
 *    live database and issues a single-use Grant (ops.roman_grants; default 10 min, at most 1 h).
 *    A rejected decision gets no grant; a verdict-only action (deploy, security patch, …) gets a
 *    reason instead of a plan.
 * 2. `executeGrant({ pool, grantId, confirm, … })` — the gate. Refuses and records
 *    `execution_refused` for anything wrong with the grant, requires the typed database name in
 *    production (an unknown environment is production), takes a verified backup before destructive
 *    production plans (`no_backup` otherwise), holds an advisory lock per action and target (a
 *    second caller is told who runs it), consumes the grant in one atomic UPDATE, runs the steps
 *    under lock_timeout/statement_timeout with progress (`onProgress`) and cancellation (`signal`),
 *    and records one `execution` outcome (decision_id, grant_id, outcome, steps, durations, backup
 *    file + sha256) in ops.roman_executions, ops.roman_events (through the outbox) and the local
 *    hash-chained audit trail (`cacheRecorder`).
 * 3. Migrations: `migrationsState`, `pendingFiles`, `rollbackFiles`, `dryRun` (read-only or
 *    rolled back); applying and rolling back are actions like any other (kinds `migration`,
 *    `rollback`, params { dir, versions, checksums }) and go through 1 and 2.
 * 4. `listExecutions(pool)` — the executions history (running ones included).
 */
import type pg from 'pg';
import type { ParsedAction } from '../../../shared/actions';
import type { Decision } from '../../../shared/constitution';
import type { ExecutionSummary, GrantInfo, OperationParams, Plan } from '../../../shared/operations';
import { DomainError } from '../../../shared/result';
import { recordDecision } from '../db/events';
import { issueGrant } from './grants';
import { isExecutableKind, paramsFromRequest } from './params';
import { buildPlan, verdictOnlyReason } from './plan';
import { identifyTarget } from './target';

export { executeGrant, isGrantRefusal, DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS, type GateOptions } from './gate';
export { cacheRecorder, directRecorder, type ExecutionRecorder } from './record';
export { DEFAULT_GRANT_TTL_SECONDS, MAX_GRANT_TTL_SECONDS, loadGrant, parseTtl, paramsHash, isGrantId } from './grants';
export { buildPlan, isProductionLike, verdictOnlyReason } from './plan';
export { DEFAULT_FREEZE_ROLES, isExecutableKind, normalizeParams, paramsFromRequest } from './params';
export { identifyTarget, type DatabaseTarget } from './target';
export { findPgTools, NoBackupError } from './executors/backup';
export { migrationsState, pendingFiles, rollbackFiles, dryRun, ensureHistory, migrationParams, HISTORY_TABLE, type DryRunReport, type MigrationsState } from './migrations/history';
export { readMigrationsDir, splitStatements, type MigrationFile } from './migrations/files';
export { OPERATIONS_SQL } from './schema';

export type Prepared =
  | { executable: true; plan: Plan; grant: GrantInfo }
  | { executable: false; reason: string };

export interface PrepareInput {
  decision: Decision;
  action: Pick<ParsedAction, 'kind' | 'environment'>;
  /** Explicit parameters (the app, migrate); otherwise read from `text`. */
  params?: OperationParams | null;
  text?: string;
  /** Overrides the action's environment (--environment, the open workspace's). */
  environment?: string;
  requestedBy: string;
  channel: string;
  ttlSeconds?: number;
  backupDir: string;
  roles?: string[];
}

/**
 * Plan + grant for an approved, executable action. The decision is recorded in ops.roman_events
 * first (idempotent): the gate only honours grants whose approval it can read there.
 */
export async function prepareExecution(pool: pg.Pool, input: PrepareInput): Promise<Prepared> {
  const verdict = input.decision.result?.verdict;
  if (verdict !== 'approve' && verdict !== 'approve_with_warning') return { executable: false, reason: 'The request was rejected: no grant.' };
  const reason = verdictOnlyReason(input.action.kind);
  if (reason) return { executable: false, reason };
  if (!isExecutableKind(input.action.kind)) return { executable: false, reason: `${input.action.kind} cannot be executed` };
  const params = input.params ?? paramsFromRequest(input.action as ParsedAction, input.text ?? '', input.roles ? { roles: input.roles } : {});
  if (params === null) {
    return {
      executable: false,
      reason: input.action.kind === 'migration' || input.action.kind === 'rollback'
        ? 'Migrations run from a folder: use `roman migrate apply|rollback --dir DIR` or the Operations page.'
        : 'The request does not say what to act on.',
    };
  }
  const installed = await pool.query<{ t: string | null }>(`select to_regclass('ops.roman_grants')::text as t`);
  if (installed.rows[0].t === null) throw new DomainError('unavailable', 'ops.roman_grants does not exist in this database: run `roman db init --db URL` first');
  const target = await identifyTarget(pool);
  const environment = input.environment ?? input.action.environment;
  const plan = await buildPlan(pool, { kind: input.action.kind, params, environment, target, backupDir: input.backupDir, roles: input.roles });
  await recordDecision(pool, input.decision);
  const grant = await issueGrant(pool, { decision: input.decision, plan, requestedBy: input.requestedBy, channel: input.channel, ttlSeconds: input.ttlSeconds });
  return { executable: true, plan, grant };
}

export async function listExecutions(pool: pg.Pool | pg.ClientBase, limit = 100): Promise<ExecutionSummary[]> {
  const exists = await pool.query<{ t: string | null }>(`select to_regclass('ops.roman_executions')::text as t`);
  if (exists.rows[0].t === null) throw new DomainError('unavailable', 'ops.roman_executions does not exist: run `roman db init` (or Initialise in Settings)');
  const r = await pool.query<ExecutionSummary>(
    `select id::text, grant_id::text, decision_id, action_kind, started_by, channel,
            to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as started_at,
            to_char(finished_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as finished_at,
            coalesce(outcome, 'running') as outcome, backup->>'file' as backup_file, backup->>'sha256' as backup_sha256, error
       from ops.roman_executions order by started_at desc limit $1`,
    [Math.max(1, Math.min(1000, Math.floor(limit)))],
  );
  return r.rows;
}
