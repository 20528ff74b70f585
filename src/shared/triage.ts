/**
 * Error triage (capability 5) types shared by the core, the CLI and the renderer: error patterns,
 * their status (after Sentry), the manual's severity response times, remediation playbooks and
 * their recorded outcomes.
 */

/** Sentry-like lifecycle of a pattern. `regressed`: it came back after it was resolved. */
export const PATTERN_STATUSES = ['new', 'acknowledged', 'resolved', 'regressed', 'ignored'] as const;
export type PatternStatus = (typeof PATTERN_STATUSES)[number];

/** Severities that make a row part of triage (debug and info are not errors). */
export const TRIAGE_SEVERITIES = ['warning', 'error', 'critical'] as const;
export type TriageSeverity = (typeof TRIAGE_SEVERITIES)[number];

/**
 * The manual's "Error Severity Levels": response time per level (warning 1 hour, error 15 minutes,
 * critical immediately) and how often auto-fix applies.
 */
export const RESPONSE_TIME_MINUTES: Record<TriageSeverity, number> = { warning: 60, error: 15, critical: 0 };
export const RESPONSE_TIME_LABEL: Record<TriageSeverity, string> = { warning: '1 hour', error: '15 minutes', critical: 'immediately' };
export const AUTO_FIX_LABEL: Record<TriageSeverity, string> = { warning: 'sometimes', error: 'often', critical: 'always attempt' };

export function severityRank(s: string | null | undefined): number {
  return s === 'critical' ? 3 : s === 'error' ? 2 : s === 'warning' ? 1 : 0;
}

export interface ValueCount {
  value: string;
  count: number;
}

/** Occurrences per hour, oldest first, ending with the hour that holds `until`. */
export interface Sparkline {
  hours: number;
  until: string;
  counts: number[];
}

export interface PatternDeployment {
  /** correlation_id of the pattern's first occurrence. */
  correlationId: string;
  /** When the deployment's event says it happened (null when no deployment event is cached). */
  deployedAt: string | null;
  version: string | null;
  /** True when no occurrence of the pattern predates this deployment. */
  startedAfter: boolean;
}

export interface PatternSummary {
  id: string;
  template: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Highest severity seen. */
  severity: TriageSeverity;
  responseTime: string;
  /** When the pattern must have been looked at (status new/regressed only), else null. */
  dueAt: string | null;
  overdue: boolean;
  status: PatternStatus;
  statusChangedAt: string;
  sources: string[];
  users: number;
  ips: number;
  sparkline: Sparkline;
  deployment: PatternDeployment | null;
  /** The playbook whose detection matches the pattern, when one does. */
  playbook: PlaybookName | null;
  /** Ids merged into this pattern (their history keeps their own id). */
  mergedIds: string[];
}

export interface PatternMerge {
  from: string;
  into: string;
  reason: string;
  at: string;
}

export interface PatternNote {
  text: string;
  by: string;
  at: string;
}

export interface PatternOccurrence {
  recordId: number;
  timestamp: string;
  severity: string | null;
  source: string | null;
  message: string;
  userId: string | null;
  ip: string | null;
  correlationId: string | null;
}

export interface PatternDetail extends PatternSummary {
  topUsers: ValueCount[];
  topIps: ValueCount[];
  topSources: ValueCount[];
  /** metadata keys that name a feature (function, endpoint, table, feature, route, command…) and their values. */
  features: Array<{ key: string; values: ValueCount[] }>;
  correlationIds: ValueCount[];
  recent: PatternOccurrence[];
  merges: PatternMerge[];
  notes: PatternNote[];
  history: Array<{ status: PatternStatus; at: string; by: string }>;
}

export interface PatternFilter {
  status?: PatternStatus[];
  severity?: TriageSeverity[];
  source?: string;
  text?: string;
  /** Only patterns seen at or after this time (ISO or '24h', '7d'). */
  since?: string;
  /** 'recent' (default): latest occurrence first; 'count': most occurrences (within `since`) first. */
  sort?: 'recent' | 'count';
  limit?: number;
}

export interface TriageIndexReport {
  indexed: number;
  patterns: number;
  newPatterns: number;
  regressed: string[];
  merges: PatternMerge[];
}

// ---- playbooks ----

export const PLAYBOOK_NAMES = ['db_connection_failures', 'rls_violations', 'api_rate_limit', 'stripe_webhook', 'deployment_failures'] as const;
export type PlaybookName = (typeof PLAYBOOK_NAMES)[number];

export const PLAYBOOK_OUTCOMES = ['resolved_automatically', 'resolved_with_help', 'not_resolved'] as const;
export type PlaybookOutcome = (typeof PLAYBOOK_OUTCOMES)[number];

export const OUTCOME_LABEL: Record<PlaybookOutcome, string> = {
  resolved_automatically: 'resolved automatically',
  resolved_with_help: 'resolved with help',
  not_resolved: 'not resolved',
};

/** ok / warning / failed, or unknown when the check could not tell (fail closed: never "ok"). */
export type CheckStatus = 'ok' | 'warning' | 'failed' | 'unknown';

export interface PlaybookCheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  /** What was found, in words. */
  detail: string;
  value?: number | string | null;
}

export interface PlaybookDetection {
  /** The detection query as the manual gives it (or its SQL equivalent). */
  sql: string;
  window: string;
  count: number;
  triggered: boolean;
  detail: string;
}

export interface PlaybookActionInfo {
  id: string;
  title: string;
  /** The catalogued action kind of the operations gate. */
  kind: string;
  destructive: boolean;
  /** Why it is offered now, or why not. */
  reason: string;
  available: boolean;
  /**
   * The request to put before the constitutional core for this action ("block ip 203.0.113.7",
   * "cancel query 4242"): it is decided, granted and run on the Approvals page like any other
   * request. Null when the action needs a choice the playbook cannot make (which backend, which
   * migration).
   */
  request?: string | null;
}

export interface PlaybookSuccessRate {
  /** The manual's "Auto-Fix Success Rate", as a share (0.85). */
  claimed: number;
  /** Runs with a recorded outcome. */
  runs: number;
  resolvedAutomatically: number;
  resolvedWithHelp: number;
  notResolved: number;
  /** resolvedAutomatically / runs, null when there is no recorded run ("no data"). */
  measured: number | null;
  /** (resolved automatically + with help) / runs, null when no data. */
  resolvedShare: number | null;
}

export interface PlaybookRunReport {
  playbook: PlaybookName;
  title: string;
  runId: string | null;
  ranAt: string;
  detection: PlaybookDetection;
  checks: PlaybookCheckResult[];
  actions: PlaybookActionInfo[];
  manualSteps: string[];
  successRate: PlaybookSuccessRate;
  outcome: PlaybookOutcome | null;
}

export interface PlaybookInfo {
  name: PlaybookName;
  title: string;
  description: string;
  manualSteps: string[];
  successRate: PlaybookSuccessRate;
}

export interface PlaybookRunRecord {
  id: string;
  playbook: PlaybookName;
  patternId: string | null;
  startedAt: string;
  finishedAt: string | null;
  trigger: 'manual' | 'automatic';
  startedBy: string;
  outcome: PlaybookOutcome | null;
  note: string | null;
}
