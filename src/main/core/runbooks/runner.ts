/**
 * Runs a maintenance runbook: once per window across every app on the database, with a recorded
 * constitutional decision, section by section (a failing section never stops the others), with
 * progress, a report in the local cache and one ops.roman_events row (event_type 'runbook',
 * metadata.runbook) that is also the record of the window having run.
 *
 * One runner per window: a session advisory lock per runbook serialises the apps, and under it the
 * recorded run (idempotency key `runbook:<name>:<window>`) tells a late app that the window already
 * ran. An app that dies mid-run releases the lock with its session and leaves no record, so the
 * window is run by the next app that checks.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { Clock } from '../clock';
import { evaluate } from '../constitution';
import { recordDecision, recordEvent } from '../db/events';
import { measureSystemEntropy } from '../monitoring/entropy';
import { runHealthChecks } from '../monitoring/runner';
import { advisoryKey } from '../scheduler/signals';
import type { Decision } from '../../../shared/constitution';
import type {
  RunbookDecisionSummary,
  RunbookName,
  RunbookProgress,
  RunbookReport,
  RunbookSection,
  RunOutcome,
  RunTrigger,
} from '../../../shared/runbooks';
import { unavailableOperations, type OperationsPort } from './operations-port';
import { errorMessage, type SectionContext, type SectionDef, type SectionOutcome } from './section';
import { WEEKLY_SECTIONS } from './weekly';
import { MONTHLY_SECTIONS } from './monthly';
import { QUARTERLY_SECTIONS } from './quarterly';
import type { RunbookStore } from './store';

export const RUNBOOK_SECTIONS: Record<RunbookName, SectionDef[]> = {
  weekly: WEEKLY_SECTIONS,
  monthly: MONTHLY_SECTIONS,
  quarterly: QUARTERLY_SECTIONS,
};

/** Runs that start more than this after their window are reported as late. */
export const LATE_AFTER_MS = 15 * 60_000;

export function runbookLockKey(runbook: RunbookName): string {
  return advisoryKey(`roman-desktop:runbook:${runbook}`);
}

export function windowKey(runbook: RunbookName, window: Date): string {
  return `runbook:${runbook}:${window.toISOString()}`;
}

export interface RunbookRunnerOptions {
  pool: pg.Pool;
  clock: Clock;
  /** Connection URL for pg_dump (the backup verification); null: that section is unavailable. */
  url?: string | null;
  operations?: OperationsPort;
  store?: RunbookStore | null;
  projectDir?: string | null;
  /** Section lists per runbook (default RUNBOOK_SECTIONS). */
  sections?: Partial<Record<RunbookName, SectionDef[]>>;
  audit?: SectionContext['audit'];
  pgDumpPath?: string;
  pgRestorePath?: string;
  npmPath?: string;
  onProgress?: (p: RunbookProgress) => void;
}

export interface RunRequest {
  runbook: RunbookName;
  /** The scheduled window this run covers; omit for a manual run. */
  window?: Date | null;
  trigger: RunTrigger;
  requestedBy: string;
  channel: 'ui' | 'cli' | 'scheduler';
  /** An enabled schedule's standing approval for the non-destructive steps. */
  standing: boolean;
}

const RUNBOOK_ACTION = {
  weekly: { description: 'Weekly maintenance runbook (VACUUM ANALYZE, reports, backup verification)', entropy: -0.005 },
  monthly: { description: 'Monthly maintenance runbook (full backup, audit, cost review, baseline)', entropy: -0.005 },
  quarterly: { description: 'Quarterly review runbook (capacity, disaster-recovery drill, core review)', entropy: 0 },
} as const;

export class RunbookRunner {
  constructor(private readonly opts: RunbookRunnerOptions) {}

  get operations(): OperationsPort {
    return this.opts.operations ?? unavailableOperations;
  }

  /** Runs one runbook unless another app holds it or its window already ran. */
  async run(req: RunRequest): Promise<RunOutcome> {
    const window = req.window ?? null;
    const client = await this.opts.pool.connect();
    let locked = false;
    let broken: Error | undefined;
    try {
      const lock = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [runbookLockKey(req.runbook)]);
      locked = lock.rows[0]?.ok === true;
      if (!locked) {
        return { ran: false, runbook: req.runbook, window: window?.toISOString() ?? null, reason: 'running_elsewhere', detail: `another app is running the ${req.runbook} runbook now` };
      }
      if (window) {
        const done = await client.query('SELECT 1 FROM ops.roman_events WHERE idempotency_key = $1', [windowKey(req.runbook, window)]);
        if ((done.rowCount ?? 0) > 0) {
          return { ran: false, runbook: req.runbook, window: window.toISOString(), reason: 'already_ran', detail: `the ${req.runbook} window of ${window.toISOString()} already ran` };
        }
      }
      const report = await this.execute(client, req, window);
      return { ran: true, report };
    } catch (err) {
      broken = err as Error;
      throw err;
    } finally {
      if (locked && !broken) {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [runbookLockKey(req.runbook)]).catch((e: Error) => {
          broken = e;
        });
      }
      // A client whose lock state is unknown is destroyed, so its session (and lock) ends.
      client.release(locked && broken ? broken : undefined);
    }
  }

  private async decide(client: pg.ClientBase, req: RunRequest): Promise<RunbookDecisionSummary> {
    let entropy: number;
    try {
      entropy = (await measureSystemEntropy(this.opts.pool, this.opts.clock)).entropy;
    } catch (err) {
      return { decision_id: null, verdict: 'unavailable', entropy: null, detail: `the live entropy cannot be measured: ${errorMessage(err)}`, recorded: false };
    }
    const a = RUNBOOK_ACTION[req.runbook];
    let decision: Decision;
    try {
      decision = evaluate(
        { method_type: 'gradual', entropy_increase: a.entropy, risk_to_life: 0, description: a.description },
        entropy,
        { requested_by: req.requestedBy, channel: req.channel, action_kind: `runbook_${req.runbook}`, entropy_source: 'live' },
        this.opts.clock,
      );
    } catch (err) {
      return { decision_id: null, verdict: 'unavailable', entropy, detail: errorMessage(err), recorded: false };
    }
    let recorded = false;
    try {
      recorded = (await recordDecision(client, decision)).inserted;
    } catch (err) {
      return { decision_id: decision.decision_id, verdict: 'unavailable', entropy, detail: `the decision could not be recorded: ${errorMessage(err)}`, recorded: false };
    }
    const verdict = decision.result.verdict;
    const why = [...decision.result.violations, ...decision.result.warnings].map((v) => `${v.law}: ${v.message}`).join('; ');
    return { decision_id: decision.decision_id, verdict, entropy, detail: `${verdict} at entropy ${entropy.toFixed(3)}${why ? `: ${why}` : ''}`, recorded };
  }

  private async execute(client: pg.PoolClient, req: RunRequest, window: Date | null): Promise<RunbookReport> {
    const id = randomUUID();
    const started = this.opts.clock.now();
    const lateByMs = window ? Math.max(0, started.getTime() - window.getTime()) : 0;
    const late = window !== null && lateByMs > LATE_AFTER_MS;
    const decision = await this.decide(client, req);
    const defs = this.opts.sections?.[req.runbook] ?? RUNBOOK_SECTIONS[req.runbook];
    const ctx: SectionContext = {
      client,
      pool: this.opts.pool,
      clock: this.opts.clock,
      runbook: req.runbook,
      trigger: req.trigger,
      operations: this.operations,
      requestedBy: req.requestedBy,
      standing: req.standing,
      decision,
      url: this.opts.url ?? null,
      projectDir: this.opts.projectDir ?? null,
      previous: this.opts.store?.latestReport(req.runbook) ?? null,
      healthChecks: () => runHealthChecks(this.opts.pool, { clock: this.opts.clock }),
      audit: this.opts.audit,
      pgDumpPath: this.opts.pgDumpPath ?? 'pg_dump',
      pgRestorePath: this.opts.pgRestorePath ?? 'pg_restore',
      npmPath: this.opts.npmPath ?? 'npm',
    };
    const sections: RunbookSection[] = [];
    for (const [index, def] of defs.entries()) {
      this.progress({ reportId: id, runbook: req.runbook, index, total: defs.length, section: def.key, title: def.title, phase: 'started' });
      const t0 = performance.now();
      let out: SectionOutcome;
      try {
        out = await def.run(ctx);
      } catch (err) {
        out = { status: 'failed', summary: `Failed: ${errorMessage(err)}` };
        await client.query('ROLLBACK').catch(() => undefined);
      }
      const section: RunbookSection = {
        key: def.key,
        title: def.title,
        status: out.status,
        summary: out.summary,
        figures: out.figures ?? {},
        rows: out.rows ?? [],
        sql: out.sql ?? [],
        notes: out.notes ?? [],
        durationMs: Math.round(performance.now() - t0),
      };
      sections.push(section);
      this.progress({ reportId: id, runbook: req.runbook, index, total: defs.length, section: def.key, title: def.title, phase: 'finished', status: section.status });
    }
    const report: RunbookReport = {
      id,
      runbook: req.runbook,
      window: window?.toISOString() ?? null,
      trigger: req.trigger,
      late,
      lateByMs,
      startedAt: started.toISOString(),
      finishedAt: this.opts.clock.now().toISOString(),
      requestedBy: req.requestedBy,
      status: sections.some((s) => s.status === 'failed') ? 'failed' : 'ok',
      decision,
      sections,
    };
    try {
      // Kept locally first: the report survives a database that dies before the run is recorded.
      this.opts.store?.saveReport(report);
    } catch {
      // The cache is a copy; the run is recorded in ops.roman_events.
    }
    const failed = sections.filter((s) => s.status === 'failed').map((s) => s.title);
    await recordEvent(client, {
      event_type: 'runbook',
      severity: failed.length > 0 ? 'warning' : 'info',
      message:
        `${req.runbook[0]!.toUpperCase()}${req.runbook.slice(1)} maintenance runbook ${failed.length > 0 ? `finished with ${failed.length} failed section(s): ${failed.join(', ')}` : 'finished'}` +
        (late ? ` (late: its window was ${window!.toISOString()})` : ''),
      metadata: {
        runbook: req.runbook,
        report_id: id,
        window: report.window,
        trigger: req.trigger,
        late,
        late_by_ms: lateByMs,
        started_at: report.startedAt,
        finished_at: report.finishedAt,
        requested_by: req.requestedBy,
        status: report.status,
        decision_id: decision.decision_id,
        verdict: decision.verdict,
        sections: sections.map((s) => ({ key: s.key, status: s.status, summary: s.summary })),
      },
      idempotency_key: window ? windowKey(req.runbook, window) : `runbook:${req.runbook}:run:${id}`,
    });
    return report;
  }

  private progress(p: RunbookProgress): void {
    try {
      this.opts.onProgress?.(p);
    } catch {
      // a listener's problem is not the run's
    }
  }
}
