/**
 * Runbook schedules: cron patterns read in an IANA time zone by croner (no hand-written date
 * arithmetic), so "Sunday 02:00 America/New_York" stays 02:00 local across both DST changes (on
 * the spring-forward Sunday 02:00 does not exist and the window is 03:00 EDT, the first minute that
 * does).
 */
import { Cron } from 'croner';
import {
  DEFAULT_RUNBOOK_SCHEDULES,
  RUNBOOKS,
  runbookSchedulesSchema,
  type RunbookName,
  type RunbookSchedules,
} from '../../../shared/runbooks';
import { DomainError } from '../../../shared/result';

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function cronFor(pattern: string, timeZone: string): Cron {
  return new Cron(pattern, { timezone: timeZone, paused: true, mode: '5-part' });
}

/** Validates schedules (zod shape, time zone, each cron pattern); a clear error and nothing changed. */
export function validateSchedules(input: unknown): RunbookSchedules {
  const parsed = runbookSchedulesSchema.safeParse(input);
  if (!parsed.success) {
    throw new DomainError('invalid_input', `Invalid runbook schedules: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const s = parsed.data;
  if (!isValidTimeZone(s.timeZone)) throw new DomainError('invalid_input', `Unknown time zone "${s.timeZone}" (use an IANA name such as America/New_York)`);
  for (const rb of RUNBOOKS) {
    try {
      const c = cronFor(s[rb].cron, s.timeZone);
      if (c.nextRun(new Date(0)) === null) throw new Error('it never fires');
    } catch (err) {
      throw new DomainError('invalid_input', `Invalid ${rb} schedule "${s[rb].cron}": ${(err as Error).message}`);
    }
  }
  return s;
}

export function schedulesOrDefault(input: unknown): RunbookSchedules {
  return input === undefined || input === null ? DEFAULT_RUNBOOK_SCHEDULES : validateSchedules(input);
}

/** The next window strictly after `at`. */
export function nextWindow(schedules: RunbookSchedules, runbook: RunbookName, at: Date): Date {
  const next = cronFor(schedules[runbook].cron, schedules.timeZone).nextRun(at);
  if (!next) throw new DomainError('invalid_input', `The ${runbook} schedule never fires again`);
  return next;
}

/** The latest window at or before `at`, or null when the pattern never fired before. */
export function lastWindow(schedules: RunbookSchedules, runbook: RunbookName, at: Date): Date | null {
  const c = cronFor(schedules[runbook].cron, schedules.timeZone);
  // previousRuns is exclusive of the reference; a window exactly at `at` counts as passed.
  if (c.match(at) && at.getUTCSeconds() === 0 && at.getUTCMilliseconds() === 0) return at;
  return c.previousRuns(1, at)[0] ?? null;
}

/** Every window in (from, to], oldest first (at most `limit`). */
export function windowsBetween(schedules: RunbookSchedules, runbook: RunbookName, from: Date, to: Date, limit = 1000): Date[] {
  const c = cronFor(schedules[runbook].cron, schedules.timeZone);
  const out: Date[] = [];
  let cur: Date | null = c.nextRun(from);
  while (cur && cur.getTime() <= to.getTime() && out.length < limit) {
    out.push(cur);
    cur = c.nextRun(cur);
  }
  return out;
}

/** "Sunday 02:00 (America/New_York)"-style description of a window in its zone. */
export function formatInZone(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZoneName: 'short',
  }).format(at);
}
