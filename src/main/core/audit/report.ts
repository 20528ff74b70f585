/**
 * The audit report: lints + inventory (+ the project folder), dismissals applied, compared with the
 * previous report. Reports and dismissals are saved as ops.roman_events (`event_type = 'audit'` with
 * the whole report as metadata, `'audit_dismissal'` with cache_key, note and who), so every admin's
 * app, the CLI and the Discord bot see the same history; the app also keeps them in its cache.
 * The audit itself only reads: its queries run in one READ ONLY transaction under statement_timeout.
 */
import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Clock } from '../clock';
import { recordEvent } from '../db/events';
import {
  dismissInputSchema,
  openCounts,
  type AuditComparison,
  type AuditDismissal,
  type AuditFinding,
  type AuditReport,
  type DismissInput,
} from '../../../shared/audit';
import { readInventory, runLints } from './run';
import { auditProject, npmOutdatedOffline, type NpmOutdated } from './project';

export interface AuditOptions {
  clock: Clock;
  /** Connection description (no password), shown in the report. */
  database: string;
  projectDir?: string;
  /** Environment the project's variables are looked up in (names only). */
  env?: NodeJS.ProcessEnv;
  npm?: NpmOutdated;
  statementTimeoutMs?: number;
  /** The report to compare with (default: none → every finding is new). */
  previous?: AuditReport | null;
  dismissals?: ReadonlyMap<string, AuditDismissal>;
}

export async function runAudit(pool: pg.Pool, opts: AuditOptions): Promise<AuditReport> {
  const timeout = Math.max(1, Math.floor(opts.statementTimeoutMs ?? 30_000));
  const client = await pool.connect();
  let broken: Error | undefined;
  let lintRun;
  let database;
  let recentErrors24h: number | null = null;
  let aiCosts30dUsd: number | null = null;
  const now = opts.clock.now();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${timeout}`);
    await client.query(`SET LOCAL lock_timeout = 2000`);
    lintRun = await runLints(client);
    database = await readInventory(client, lintRun.supabase);
    const t = await client.query<{ logs: boolean; ai: boolean }>(
      `SELECT to_regclass('public.system_logs') IS NOT NULL AS logs, to_regclass('public.ai_usage_logs') IS NOT NULL AS ai`,
    );
    if (t.rows[0].logs) {
      await client.query('SAVEPOINT roman_extra');
      try {
        const r = await client.query<{ n: string }>(
          `SELECT count(*) AS n FROM public.system_logs WHERE severity IN ('error', 'critical') AND "timestamp" > $1::timestamptz - interval '24 hours' AND "timestamp" <= $1::timestamptz`,
          [now.toISOString()],
        );
        recentErrors24h = Number(r.rows[0].n);
        await client.query('RELEASE SAVEPOINT roman_extra');
      } catch {
        await client.query('ROLLBACK TO SAVEPOINT roman_extra');
      }
    }
    if (t.rows[0].ai) {
      await client.query('SAVEPOINT roman_extra');
      try {
        const r = await client.query<{ usd: string | null }>(
          `SELECT COALESCE(sum(cost_usd), 0) AS usd FROM public.ai_usage_logs WHERE created_at > $1::timestamptz - interval '30 days' AND created_at <= $1::timestamptz`,
          [now.toISOString()],
        );
        aiCosts30dUsd = Math.round(Number(r.rows[0].usd) * 100) / 100;
        await client.query('RELEASE SAVEPOINT roman_extra');
      } catch {
        await client.query('ROLLBACK TO SAVEPOINT roman_extra');
      }
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch((e: unknown) => {
      broken = e instanceof Error ? e : new Error(String(e));
    });
    throw err;
  } finally {
    client.release(broken);
  }
  const findings: AuditFinding[] = [...lintRun.findings];
  let project;
  if (opts.projectDir !== undefined) {
    const p = auditProject(opts.projectDir, opts.env ?? {}, opts.npm ?? npmOutdatedOffline);
    project = p.inventory;
    findings.push(...p.findings);
  }
  for (const f of findings) {
    const d = opts.dismissals?.get(f.cache_key);
    if (d) f.dismissed = d;
  }
  return {
    id: randomUUID(),
    createdAt: now.toISOString(),
    database: opts.database,
    findings,
    inventory: { database, ...(project ? { project } : {}), recentErrors24h, aiCosts30dUsd },
    comparison: compareReports(findings, opts.previous ?? null),
    unavailable: lintRun.unavailable,
  };
}

/** New, resolved and still open findings (dismissed findings are left out on both sides). */
export function compareReports(current: readonly AuditFinding[], previous: AuditReport | null): AuditComparison {
  const open = current.filter((f) => !f.dismissed);
  const keys = new Set(open.map((f) => f.cache_key));
  if (!previous) return { previous: null, new: [...keys], resolved: [], stillOpen: [] };
  // a finding dismissed since is neither resolved nor open: it leaves the comparison on both sides
  const dismissedNow = new Set(current.filter((f) => f.dismissed).map((f) => f.cache_key));
  const before = previous.findings.filter((f) => !f.dismissed && !dismissedNow.has(f.cache_key));
  const beforeKeys = new Set(before.map((f) => f.cache_key));
  return {
    previous: { id: previous.id, createdAt: previous.createdAt },
    new: [...keys].filter((k) => !beforeKeys.has(k)),
    resolved: before
      .filter((f) => !keys.has(f.cache_key))
      .map((f) => ({ cache_key: f.cache_key, name: f.name, title: f.title, detail: f.detail })),
    stillOpen: [...keys].filter((k) => beforeKeys.has(k)),
  };
}

function isReport(x: unknown): x is AuditReport {
  const r = x as AuditReport;
  return !!r && typeof r === 'object' && typeof r.id === 'string' && typeof r.createdAt === 'string' && Array.isArray(r.findings) && !!r.inventory;
}

export async function opsEventsExists(pool: pg.Pool | pg.ClientBase): Promise<boolean> {
  const r = await pool.query<{ ok: boolean }>(`SELECT to_regclass('ops.roman_events') IS NOT NULL AS ok`);
  return r.rows[0].ok;
}

/** Saves the report as an ops.roman_events row (event_type 'audit'); idempotent by report id. */
export async function saveAuditReport(pool: pg.Pool, report: AuditReport): Promise<{ saved: boolean; reason?: string; id?: string }> {
  if (!(await opsEventsExists(pool))) return { saved: false, reason: 'ops.roman_events does not exist (run `roman db init`)' };
  const c = openCounts(report.findings);
  const r = await recordEvent(pool, {
    event_type: 'audit',
    severity: c.ERROR > 0 ? 'error' : c.WARN > 0 ? 'warning' : 'info',
    message: `Schema audit: ${c.ERROR} error, ${c.WARN} warning, ${c.INFO} info finding${c.INFO === 1 ? '' : 's'}`,
    metadata: { report },
    idempotency_key: `audit:${report.id}`,
  });
  return { saved: true, ...(r.id ? { id: r.id } : {}) };
}

/** The latest saved report (null when there is none or ops.roman_events is missing). */
export async function loadLatestReport(pool: pg.Pool): Promise<AuditReport | null> {
  if (!(await opsEventsExists(pool))) return null;
  const r = await pool.query<{ metadata: { report?: unknown } }>(
    `SELECT metadata FROM ops.roman_events WHERE event_type = 'audit' ORDER BY "timestamp" DESC, id DESC LIMIT 1`,
  );
  const report = r.rows[0]?.metadata?.report;
  return isReport(report) ? report : null;
}

/** Dismissals by cache_key (the latest per key). */
export async function loadDismissals(pool: pg.Pool): Promise<Map<string, AuditDismissal>> {
  const out = new Map<string, AuditDismissal>();
  if (!(await opsEventsExists(pool))) return out;
  const r = await pool.query<{ metadata: Record<string, unknown> }>(
    `SELECT metadata FROM ops.roman_events WHERE event_type = 'audit_dismissal' ORDER BY "timestamp", id`,
  );
  for (const { metadata: m } of r.rows) {
    if (typeof m.cache_key === 'string' && typeof m.note === 'string') {
      out.set(m.cache_key, { cache_key: m.cache_key, note: m.note, by: typeof m.by === 'string' ? m.by : 'unknown', at: typeof m.at === 'string' ? m.at : '' });
    }
  }
  return out;
}

export class AuditInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditInputError';
  }
}

/** Dismisses a finding by cache_key with a note (validated; bad input changes nothing). */
export async function dismissFinding(pool: pg.Pool, input: DismissInput, by: string, clock: Clock): Promise<AuditDismissal> {
  const parsed = dismissInputSchema.safeParse(input);
  if (!parsed.success) throw new AuditInputError(parsed.error.issues.map((i) => i.message).join('; '));
  if (!(await opsEventsExists(pool))) throw new AuditInputError('ops.roman_events does not exist (run `roman db init`)');
  const d: AuditDismissal = { cache_key: parsed.data.cache_key, note: parsed.data.note, by, at: clock.now().toISOString() };
  await recordEvent(pool, {
    event_type: 'audit_dismissal',
    severity: 'info',
    message: `Audit finding dismissed: ${d.cache_key}`,
    metadata: { ...d },
    idempotency_key: `audit_dismissal:${createHash('sha256').update(d.cache_key).digest('hex').slice(0, 32)}:${d.at}`,
  });
  return d;
}
