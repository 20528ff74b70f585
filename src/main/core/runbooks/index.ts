/**
 * Maintenance runbooks (capability 8): weekly, monthly and quarterly runbooks on cron schedules in
 * an IANA time zone (croner), run once per window across every app on the database (advisory lock
 * + the recorded run), caught up once after the app was closed or asleep, with reports (sections,
 * figures, SQL) in the cache, in ops.roman_events and as Markdown. Everything that changes the
 * database goes through the OperationsPort (the execution gate); the default fails closed.
 */
export { RunbookRunner, RUNBOOK_SECTIONS, LATE_AFTER_MS, runbookLockKey, windowKey, type RunbookRunnerOptions, type RunRequest } from './runner';
export { RunbookScheduler, type RunbookSchedulerOptions } from './scheduler';
export { runbookStatus, catchUp, type CatchUpOptions } from './status';
export { validateSchedules, schedulesOrDefault, nextWindow, lastWindow, windowsBetween, isValidTimeZone, formatInZone } from './schedule';
export { reportMarkdown } from './markdown';
export { RunbookStore } from './store';
export { unavailableOperations, runOperation, GATE_UNAVAILABLE, type OperationsPort, type OperationRequest, type OperationResult } from './operations-port';
export type { SectionDef, SectionContext, SectionOutcome } from './section';
