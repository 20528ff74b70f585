/**
 * Runbook status and catch-up. The last run comes from ops.roman_events (so every app on the
 * database agrees); a window is covered by the run recorded for it, or by any run that started
 * after it. Catch-up runs each runbook whose latest window is not covered — once, whatever the
 * number of windows missed — and the report says it was late.
 */
import type pg from 'pg';
import type { Clock } from '../clock';
import { RUNBOOKS, type RunbookName, type RunbookSchedules, type RunbookStatus, type RunOutcome } from '../../../shared/runbooks';
import { lastWindow, nextWindow } from './schedule';
import { LATE_AFTER_MS, windowKey, type RunbookRunner } from './runner';
import { DomainError } from '../../../shared/result';

interface LastRunRow {
  started_at: string | null;
  timestamp: Date;
}

async function eventsTableExists(db: pg.Pool | pg.ClientBase): Promise<boolean> {
  const r = await db.query<{ ok: boolean }>("SELECT to_regclass('ops.roman_events') IS NOT NULL AS ok");
  return r.rows[0]?.ok === true;
}

export async function runbookStatus(db: pg.Pool | pg.ClientBase, schedules: RunbookSchedules, clock: Clock): Promise<RunbookStatus[]> {
  if (!(await eventsTableExists(db))) {
    throw new DomainError('unavailable', 'ops.roman_events does not exist in this database: run `roman db init` first (runs are recorded there)');
  }
  const now = clock.now();
  const out: RunbookStatus[] = [];
  for (const runbook of RUNBOOKS) {
    const last = await db.query<LastRunRow>(
      `SELECT metadata->>'started_at' AS started_at, timestamp FROM ops.roman_events
        WHERE event_type = 'runbook' AND metadata->>'runbook' = $1
        ORDER BY COALESCE(metadata->>'started_at', to_char(timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) DESC, id DESC
        LIMIT 1`,
      [runbook],
    );
    const row = last.rows[0];
    const lastRun = row ? (row.started_at && !Number.isNaN(Date.parse(row.started_at)) ? new Date(row.started_at).toISOString() : row.timestamp.toISOString()) : null;
    const win = lastWindow(schedules, runbook, now);
    let covered = true;
    if (win) {
      covered = lastRun !== null && Date.parse(lastRun) >= win.getTime();
      if (!covered) {
        const rec = await db.query('SELECT 1 FROM ops.roman_events WHERE idempotency_key = $1', [windowKey(runbook, win)]);
        covered = (rec.rowCount ?? 0) > 0;
      }
    }
    out.push({
      runbook,
      enabled: schedules[runbook].enabled,
      schedule: schedules[runbook].cron,
      time_zone: schedules.timeZone,
      last_run: lastRun,
      next_due: nextWindow(schedules, runbook, now).toISOString(),
      last_window: win?.toISOString() ?? null,
      missed: schedules[runbook].enabled && win !== null && !covered,
    });
  }
  return out;
}

export interface CatchUpOptions {
  runner: RunbookRunner;
  pool: pg.Pool;
  schedules: RunbookSchedules;
  clock: Clock;
  requestedBy: string;
  channel: 'ui' | 'cli' | 'scheduler';
  only?: RunbookName[];
}

/** Runs each enabled runbook whose latest window has no run, once; returns what happened per runbook. */
export async function catchUp(opts: CatchUpOptions): Promise<RunOutcome[]> {
  const statuses = await runbookStatus(opts.pool, opts.schedules, opts.clock);
  const out: RunOutcome[] = [];
  for (const s of statuses) {
    if (opts.only && !opts.only.includes(s.runbook)) continue;
    if (!s.enabled) {
      out.push({ ran: false, runbook: s.runbook, window: s.last_window, reason: 'disabled', detail: `the ${s.runbook} schedule is disabled` });
      continue;
    }
    if (!s.missed || !s.last_window) {
      out.push({ ran: false, runbook: s.runbook, window: s.last_window, reason: 'not_due', detail: `the ${s.runbook} runbook is up to date (next ${s.next_due})` });
      continue;
    }
    const window = new Date(s.last_window);
    const late = opts.clock.now().getTime() - window.getTime() > LATE_AFTER_MS;
    out.push(
      await opts.runner.run({
        runbook: s.runbook,
        window,
        trigger: late ? 'catch-up' : 'schedule',
        requestedBy: opts.requestedBy,
        channel: opts.channel,
        standing: true,
      }),
    );
  }
  return out;
}
