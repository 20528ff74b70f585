/**
 * One runbook section = one module-level definition returning one record shape (status, summary,
 * figures, rows, the SQL behind them). Helpers for read-only SQL under a statement timeout.
 */
import type pg from 'pg';
import type { Clock } from '../clock';
import type { FigureRow, FigureValue, RunbookDecisionSummary, RunbookName, RunbookReport, RunTrigger, SectionStatus } from '../../../shared/runbooks';
import { runOperation, type OperationsPort } from './operations-port';
import type { HealthCheckResult } from '../../../shared/monitoring';

export interface SectionContext {
  client: pg.ClientBase;
  pool: pg.Pool;
  clock: Clock;
  runbook: RunbookName;
  trigger: RunTrigger;
  operations: OperationsPort;
  requestedBy: string;
  /** The schedule's standing approval applies (an enabled schedule, not a manual run). */
  standing: boolean;
  decision: RunbookDecisionSummary;
  /** Connection URL for external tools (pg_dump); null when unknown. */
  url: string | null;
  projectDir: string | null;
  /** The previous report of this runbook (for comparisons), if any. */
  previous: RunbookReport | null;
  /** Health-check snapshot taker (monitoring); injected so the runner stays small. */
  healthChecks?: () => Promise<HealthCheckResult[]>;
  /** Schema audit, when this build has one. */
  audit?: () => Promise<SectionOutcome>;
  pgDumpPath: string;
  pgRestorePath: string;
  npmPath: string;
}

export interface SectionOutcome {
  status: SectionStatus;
  summary: string;
  figures?: Record<string, FigureValue>;
  rows?: FigureRow[];
  sql?: string[];
  notes?: string[];
}

export interface SectionDef {
  key: string;
  title: string;
  run(ctx: SectionContext): Promise<SectionOutcome>;
}

export const SECTION_TIMEOUT_MS = 60_000;

/** Runs read-only SQL in its own READ ONLY transaction under a statement timeout. */
export async function readOnly<T extends pg.QueryResultRow>(
  client: pg.ClientBase,
  sql: string,
  params: unknown[] = [],
  timeoutMs = SECTION_TIMEOUT_MS,
): Promise<T[]> {
  await client.query('BEGIN READ ONLY');
  try {
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    const r = await client.query<T>(sql, params);
    await client.query('COMMIT');
    return r.rows;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

export async function relationExists(client: pg.ClientBase, name: string): Promise<boolean> {
  const r = await client.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [name]);
  return r.rows[0]?.ok === true;
}

/** JSON-safe figure rows (bigint/numeric strings stay strings, Dates become ISO). */
export function toRows(rows: Record<string, unknown>[]): FigureRow[] {
  return rows.map((r) => {
    const out: FigureRow = {};
    for (const [k, v] of Object.entries(r)) {
      if (v === null || v === undefined) out[k] = null;
      else if (v instanceof Date) out[k] = v.toISOString();
      else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') out[k] = v;
      else out[k] = JSON.stringify(v);
    }
    return out;
  });
}

/** A step that changes the database: asked of the gate, after the constitutional decision. */
export async function gatedStep(
  ctx: SectionContext,
  action: string,
  params: Record<string, unknown>,
  describe: string,
): Promise<SectionOutcome> {
  if (ctx.decision.verdict === 'reject' || ctx.decision.verdict === 'unavailable') {
    return {
      status: 'not_run',
      summary: `Not run: ${ctx.decision.verdict === 'reject' ? 'the constitutional core rejected this run' : 'no constitutional decision could be made'} (${ctx.decision.detail}).`,
      sql: [describe],
    };
  }
  const r = await runOperation(ctx.operations, { action, params, requestedBy: ctx.requestedBy, standing: ctx.standing });
  switch (r.outcome) {
    case 'succeeded':
      return { status: 'ok', summary: `Done through the operations gate: ${r.detail || action}.`, sql: [describe] };
    case 'failed':
      return { status: 'failed', summary: `Failed: ${r.detail}`, sql: [describe] };
    case 'cancelled':
      return { status: 'not_run', summary: `Not run: cancelled (${r.detail}).`, sql: [describe] };
    case 'refused':
      return { status: 'not_run', summary: `Not run: ${r.detail}.`, sql: [describe] };
  }
}

export function errorMessage(err: unknown): string {
  const e = err as { message?: string; code?: string };
  const m = (e?.message ?? String(err)).split('\n')[0]!.slice(0, 300);
  return e?.code ? `${m} (${e.code})` : m;
}
