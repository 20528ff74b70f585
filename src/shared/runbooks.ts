/**
 * Maintenance runbooks and emergency protocols (capability 8): the data shapes shared by the core,
 * the CLI and the renderer. Schedules are cron patterns read in an IANA time zone (croner).
 */
import { z } from 'zod';

export const RUNBOOKS = ['weekly', 'monthly', 'quarterly'] as const;
export type RunbookName = (typeof RUNBOOKS)[number];
export const runbookNameSchema = z.enum(RUNBOOKS);

/** The manual's time zone ("2 AM EST"), as an IANA zone so daylight saving time is handled. */
export const DEFAULT_RUNBOOK_TIME_ZONE = 'America/New_York';

export interface RunbookSchedule {
  /** Five-field cron pattern (minute hour day-of-month month day-of-week), croner syntax. */
  cron: string;
  /** An enabled schedule is the standing approval for the runbook's non-destructive steps. */
  enabled: boolean;
}

export interface RunbookSchedules {
  timeZone: string;
  weekly: RunbookSchedule;
  monthly: RunbookSchedule;
  quarterly: RunbookSchedule;
}

/** Weekly: Sunday 02:00; monthly: first Sunday 02:00; quarterly: first Sunday of the quarter 02:00 (its first week). */
export const DEFAULT_RUNBOOK_SCHEDULES: RunbookSchedules = Object.freeze({
  timeZone: DEFAULT_RUNBOOK_TIME_ZONE,
  weekly: Object.freeze({ cron: '0 2 * * 0', enabled: true }),
  monthly: Object.freeze({ cron: '0 2 * * 0#1', enabled: true }),
  quarterly: Object.freeze({ cron: '0 2 * 1,4,7,10 0#1', enabled: true }),
}) as RunbookSchedules;

const scheduleSchema = z.object({ cron: z.string().trim().min(9).max(100), enabled: z.boolean() }).strict();
export const runbookSchedulesSchema = z
  .object({ timeZone: z.string().trim().min(1).max(64), weekly: scheduleSchema, monthly: scheduleSchema, quarterly: scheduleSchema })
  .strict();

export const SECTION_STATUSES = ['ok', 'warning', 'unavailable', 'not_run', 'checklist', 'failed'] as const;
/**
 * ok / warning: ran and measured; unavailable: could not be had here (the summary says why);
 * not_run: a step that changes the database and was not executed (gate unavailable, refused,
 * constitutional rejection); checklist: for a human to do; failed: it ran and failed.
 */
export type SectionStatus = (typeof SECTION_STATUSES)[number];

export type FigureValue = string | number | boolean | null;
export type FigureRow = Record<string, FigureValue>;

export interface RunbookSection {
  key: string;
  title: string;
  status: SectionStatus;
  /** One or two sentences a human reads first. */
  summary: string;
  /** Headline figures (name → value). */
  figures: Record<string, FigureValue>;
  /** Detail rows (top tables, slow queries, …). */
  rows: FigureRow[];
  /** The SQL (or command) behind the figures. */
  sql: string[];
  notes: string[];
  durationMs: number;
}

export type RunTrigger = 'schedule' | 'catch-up' | 'manual';

export interface RunbookDecisionSummary {
  decision_id: string | null;
  verdict: 'approve' | 'approve_with_warning' | 'reject' | 'unavailable';
  entropy: number | null;
  detail: string;
  recorded: boolean;
}

export interface RunbookReport {
  id: string;
  runbook: RunbookName;
  /** The scheduled window this run covers (ISO), null for a manual run. */
  window: string | null;
  trigger: RunTrigger;
  /** Ran after its window had passed (the app was closed or asleep). */
  late: boolean;
  lateByMs: number;
  startedAt: string;
  finishedAt: string;
  requestedBy: string;
  /** 'failed' when at least one section failed. */
  status: 'ok' | 'failed';
  decision: RunbookDecisionSummary;
  sections: RunbookSection[];
}

export interface RunbookReportSummary {
  id: string;
  runbook: RunbookName;
  window: string | null;
  trigger: RunTrigger;
  late: boolean;
  startedAt: string;
  finishedAt: string;
  status: 'ok' | 'failed';
  counts: Partial<Record<SectionStatus, number>>;
}

export interface RunbookStatus {
  runbook: RunbookName;
  enabled: boolean;
  schedule: string;
  time_zone: string;
  /** Start of the last recorded run (from ops.roman_events), ISO or null. */
  last_run: string | null;
  /** The next scheduled window, ISO. */
  next_due: string;
  /** The latest window that has passed (ISO) or null. */
  last_window: string | null;
  /** The latest window passed without a run covering it. */
  missed: boolean;
}

export interface RunbookProgress {
  reportId: string;
  runbook: RunbookName;
  /** 0-based index of the section that just started or finished. */
  index: number;
  total: number;
  section: string;
  title: string;
  phase: 'started' | 'finished';
  status?: SectionStatus;
}

/** Outcome of asking for one window: it ran here, or why not. */
export type RunOutcome =
  | { ran: true; report: RunbookReport }
  | { ran: false; runbook: RunbookName; window: string | null; reason: 'already_ran' | 'running_elsewhere' | 'not_due' | 'disabled'; detail: string };
