/**
 * The five playbooks and their runs. A run executes the detection and the automated checks (read
 * only), lists the actions it could take through the operations gate, and is recorded in
 * ops.roman_playbook_runs; its outcome is recorded once, later. A playbook's success rate is
 * measured from those recorded outcomes and always shown next to the manual's claim — with no
 * recorded outcome the measured rate is "no data", never the claim.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../alerts/rule';
import {
  PLAYBOOK_NAMES,
  PLAYBOOK_OUTCOMES,
  type PlaybookInfo,
  type PlaybookName,
  type PlaybookOutcome,
  type PlaybookRunRecord,
  type PlaybookRunReport,
  type PlaybookSuccessRate,
} from '../../../../shared/triage';
import { relationExists } from './common';
import { dbConnectionFailures } from './db-connection-failures';
import { rlsViolations } from './rls-violations';
import { apiRateLimit } from './api-rate-limit';
import { stripeWebhook } from './stripe-webhook';
import { deploymentFailures } from './deployment-failures';
import type { Playbook, PlaybookContext, ProposedAction } from './types';

export type { Playbook, PlaybookContext, ProposedAction } from './types';
export { matchPlaybook } from './match';

export const PLAYBOOKS: Record<PlaybookName, Playbook> = {
  db_connection_failures: dbConnectionFailures,
  rls_violations: rlsViolations,
  api_rate_limit: apiRateLimit,
  stripe_webhook: stripeWebhook,
  deployment_failures: deploymentFailures,
};

export class PlaybookError extends Error {
  constructor(
    message: string,
    readonly code: 'invalid_input' | 'not_found' | 'conflict' | 'unavailable' = 'invalid_input',
  ) {
    super(message);
    this.name = 'PlaybookError';
  }
}

/** Other spellings people use for the manual's five workflows (kebab-case, the manual's titles, short names). */
const ALIASES: Record<string, PlaybookName> = {
  database_connection_failures: 'db_connection_failures',
  database_connection_failure: 'db_connection_failures',
  db_connection_failure: 'db_connection_failures',
  db_connection: 'db_connection_failures',
  connection_failures: 'db_connection_failures',
  rls: 'rls_violations',
  rls_violation: 'rls_violations',
  rls_policy_violations: 'rls_violations',
  rls_policy_violation: 'rls_violations',
  rate_limit: 'api_rate_limit',
  rate_limits: 'api_rate_limit',
  api_rate_limit_exceeded: 'api_rate_limit',
  api_rate_limits: 'api_rate_limit',
  stripe: 'stripe_webhook',
  stripe_webhooks: 'stripe_webhook',
  stripe_webhook_verification: 'stripe_webhook',
  stripe_webhook_verification_failed: 'stripe_webhook',
  deployment: 'deployment_failures',
  deployments: 'deployment_failures',
  deployment_failure: 'deployment_failures',
};

/** The playbook of a name (its own, or one of the other spellings); unknown names are refused. */
export function playbookOf(name: string): Playbook {
  const key = name.trim().toLowerCase().replace(/[\s-]+/g, '_');
  const resolved = (PLAYBOOK_NAMES as readonly string[]).includes(key) ? (key as PlaybookName) : ALIASES[key];
  if (!resolved) {
    throw new PlaybookError(`unknown playbook "${name.slice(0, 60)}"; the playbooks are ${PLAYBOOK_NAMES.join(', ')}`);
  }
  return PLAYBOOKS[resolved];
}

import { PLAYBOOK_RUNS_TABLE as RUNS } from './schema';
export { PLAYBOOK_RUNS_SQL } from './schema';

export async function successRate(db: Queryable, name: PlaybookName): Promise<PlaybookSuccessRate> {
  const claimed = PLAYBOOKS[name].claimedRate;
  const empty: PlaybookSuccessRate = { claimed, runs: 0, resolvedAutomatically: 0, resolvedWithHelp: 0, notResolved: 0, measured: null, resolvedShare: null };
  if (!(await relationExists(db, RUNS))) return empty;
  const r = await db.query<{ outcome: PlaybookOutcome; n: string }>(
    `SELECT outcome, count(*) AS n FROM ${RUNS} WHERE playbook = $1 AND outcome IS NOT NULL GROUP BY outcome`,
    [name],
  );
  const by = Object.fromEntries(r.rows.map((x) => [x.outcome, Number(x.n)])) as Partial<Record<PlaybookOutcome, number>>;
  const auto = by.resolved_automatically ?? 0;
  const help = by.resolved_with_help ?? 0;
  const not = by.not_resolved ?? 0;
  const runs = auto + help + not;
  return {
    claimed,
    runs,
    resolvedAutomatically: auto,
    resolvedWithHelp: help,
    notResolved: not,
    measured: runs > 0 ? auto / runs : null,
    resolvedShare: runs > 0 ? (auto + help) / runs : null,
  };
}

export async function listPlaybooks(db: Queryable): Promise<PlaybookInfo[]> {
  const out: PlaybookInfo[] = [];
  for (const name of PLAYBOOK_NAMES) {
    const p = PLAYBOOKS[name];
    out.push({ name, title: p.title, description: p.description, manualSteps: p.manualSteps, successRate: await successRate(db, name) });
  }
  return out;
}

export interface RunOptions {
  now: Date;
  startedBy: string;
  trigger?: 'manual' | 'automatic';
  patternId?: string | null;
  /** Record the run in ops.roman_playbook_runs (default true; a missing table gives runId null). */
  record?: boolean;
  /** Decides from the evaluated run whether to record it (auto-start: only when every action is non-destructive). */
  shouldRecord?: (run: { proposed: ProposedAction[] }) => boolean;
  environment?: string;
}

export interface PlaybookRun extends PlaybookRunReport {
  proposed: ProposedAction[];
}

export async function runPlaybook(db: Queryable, name: string, opts: RunOptions): Promise<PlaybookRun> {
  const pb = playbookOf(name);
  const ctx: PlaybookContext = { db, now: opts.now, ...(opts.environment ? { environment: opts.environment } : {}) };
  const detection = await pb.detect(ctx);
  const checks = await pb.check(ctx);
  const proposed = await pb.actions(ctx, checks);
  let runId: string | null = null;
  if (opts.record !== false && (opts.shouldRecord?.({ proposed }) ?? true) && (await relationExists(db, RUNS))) {
    runId = randomUUID();
    await db.query(
      `INSERT INTO ${RUNS} (id, playbook, pattern_id, trigger, started_by, started_at, detection, checks, actions)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        runId,
        pb.name,
        opts.patternId ?? null,
        opts.trigger ?? 'manual',
        opts.startedBy.slice(0, 200),
        opts.now.toISOString(),
        JSON.stringify(detection),
        JSON.stringify(checks),
        JSON.stringify(proposed.map(({ params: _p, ...a }) => a)),
      ],
    );
  }
  return {
    playbook: pb.name,
    title: pb.title,
    runId,
    ranAt: opts.now.toISOString(),
    detection,
    checks,
    actions: proposed.map(({ params, ...a }) => ({ ...a, request: a.available ? requestFor(a.kind, params) : null })),
    proposed,
    manualSteps: pb.manualSteps,
    successRate: await successRate(db, pb.name),
    outcome: null,
  };
}

/** Records how a run ended; once only (a recorded outcome is never overwritten). */
export async function recordOutcome(db: Queryable, runId: string, outcome: string, opts: { now: Date; note?: string | null }): Promise<PlaybookRunRecord> {
  if (!(PLAYBOOK_OUTCOMES as readonly string[]).includes(outcome)) {
    throw new PlaybookError(`unknown outcome "${outcome.slice(0, 40)}"; one of ${PLAYBOOK_OUTCOMES.join(', ')}`);
  }
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(runId)) throw new PlaybookError('a run id is a UUID');
  if (!(await relationExists(db, RUNS))) throw new PlaybookError(`${RUNS} does not exist: run roman db init`, 'unavailable');
  const note = opts.note?.trim() ? opts.note.trim().slice(0, 4000) : null;
  const r = await db.query<RunRow>(
    `UPDATE ${RUNS} SET outcome = $2, note = $3, finished_at = $4 WHERE id = $1 AND outcome IS NULL RETURNING *`,
    [runId, outcome, note, opts.now.toISOString()],
  );
  if (r.rows[0]) return toRecord(r.rows[0]);
  const exists = await db.query<RunRow>(`SELECT * FROM ${RUNS} WHERE id = $1`, [runId]);
  if (!exists.rows[0]) throw new PlaybookError(`no playbook run ${runId}`, 'not_found');
  throw new PlaybookError(`run ${runId} already ended: ${exists.rows[0].outcome}`, 'conflict');
}

interface RunRow {
  id: string;
  playbook: PlaybookName;
  pattern_id: string | null;
  trigger: 'manual' | 'automatic';
  started_by: string;
  started_at: Date;
  finished_at: Date | null;
  outcome: PlaybookOutcome | null;
  note: string | null;
}

function toRecord(r: RunRow): PlaybookRunRecord {
  return {
    id: r.id,
    playbook: r.playbook,
    patternId: r.pattern_id,
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    trigger: r.trigger,
    startedBy: r.started_by,
    outcome: r.outcome,
    note: r.note,
  };
}

export async function listRuns(db: Queryable, filter: { playbook?: PlaybookName; patternId?: string; limit?: number } = {}): Promise<PlaybookRunRecord[]> {
  if (!(await relationExists(db, RUNS))) return [];
  const r = await db.query<RunRow>(
    `SELECT * FROM ${RUNS} WHERE ($1::text IS NULL OR playbook = $1) AND ($2::text IS NULL OR pattern_id = $2)
      ORDER BY started_at DESC LIMIT $3`,
    [filter.playbook ?? null, filter.patternId ?? null, Math.max(1, Math.min(filter.limit ?? 50, 500))],
  );
  return r.rows.map(toRecord);
}

/** The words of an action request the parser reads back to this action and its parameters. */
export function requestFor(kind: string, params: Record<string, unknown>): string | null {
  const ip = typeof params.ip === 'string' ? params.ip : null;
  const pid = typeof params.pid === 'number' || (typeof params.pid === 'string' && /^\d+$/.test(params.pid)) ? String(params.pid) : null;
  switch (kind) {
    case 'block_ip':
      return ip ? `block ip ${ip}` : null;
    case 'cancel_query':
      return pid ? `cancel query ${pid}` : null;
    case 'terminate_sessions':
      return pid ? `terminate backend ${pid}` : null;
    default:
      return null;
  }
}

