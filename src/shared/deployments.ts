/** Deployments (capability 2, 5, 8): markers, the post-deployment watch and the pre-deployment checklist. */

export interface DeploymentMarker {
  /** ops.roman_events id. */
  id: string;
  version: string;
  environment: string;
  correlationId: string | null;
  deployedBy: string;
  /** When the deployment happened (ISO). */
  at: string;
}

export const WATCH_MEASURES = ['error_rate', 'api_success_rate', 'p95_latency'] as const;
export type WatchMeasureName = (typeof WATCH_MEASURES)[number];

export interface WatchMinute {
  /** Start of the minute (ISO). */
  start: string;
  /** 1-based index after the deployment; 0 or negative before it. */
  index: number;
  logs: number;
  errors: number;
  requests: number;
  failed: number;
  p95LatencyMs: number | null;
}

export interface WatchMeasure {
  name: WatchMeasureName;
  /** 'regression' | 'healthy' (compared, no significant worsening) | 'no_data' (nothing to compare). */
  status: 'regression' | 'healthy' | 'no_data';
  before: number | null;
  after: number | null;
  /** Observations behind before / after (log rows, requests or timed requests). */
  nBefore: number;
  nAfter: number;
  /** One-sided p-value of "worse after"; null when not tested. */
  pValue: number | null;
  detail: string;
}

export interface WatchReport {
  deployment: DeploymentMarker;
  windowMinutes: number;
  before: { start: string; end: string };
  after: { start: string; end: string };
  minutes: WatchMinute[];
  measures: WatchMeasure[];
  /** regression: a measure is significantly worse; healthy: compared, none worse; no_data: nothing could be compared. */
  outcome: 'regression' | 'healthy' | 'no_data';
  summary: string;
}

export const CHECK_ITEMS = [
  'tests',
  'lint',
  'typecheck',
  'migrations',
  'constitutional_validation',
  'backup',
  'rollback_plan',
  'on_call',
  'critical_alerts',
] as const;
export type CheckItemId = (typeof CHECK_ITEMS)[number];

/** What a pipeline may assert (R.O.M.A.N. cannot see these itself). */
export const ASSERTIONS = ['tests-passed', 'lint-clean', 'typecheck-passed', 'on-call-notified'] as const;
export type Assertion = (typeof ASSERTIONS)[number];

export interface CheckItem {
  id: CheckItemId;
  /** The manual's wording of the item. */
  title: string;
  status: 'passed' | 'failed' | 'cannot_check';
  detail: string;
  /** Who asserted it, for items only the pipeline knows. */
  assertedBy?: string;
}

export interface DeploymentCheckReport {
  environment: string;
  checkedAt: string;
  checkedBy: string;
  passed: boolean;
  items: CheckItem[];
  decisionId: string | null;
}
