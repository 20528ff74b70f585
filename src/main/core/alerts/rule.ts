/**
 * The shape of an alert rule (one module per rule under ./rules): SQL over the stored data plus
 * the metadata the engine, the scheduler and the notifiers need (manual wording, severity, `for`,
 * `keep_firing_for`, cadence). A rule returns samples — one per label set — and, for duration
 * rules, when the condition started to hold according to the stored history, so an app opened in
 * the middle of an incident shows it firing at once.
 */
import type pg from 'pg';
import type { AlertSeverity, Labels } from '../../../shared/alerts';
import { DEFAULT_THRESHOLDS, type MonitoringThresholds } from '../../../shared/monitoring';

/** Anything that runs a parameterised query (a pg.Pool or a client). */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface AlertConfig {
  /** Monthly AI budget in USD (manual: $500). */
  monthlyAiBudgetUsd: number;
  /** Minimum API requests in the window before the API success rate is judged. */
  apiSuccessMinRequests: number;
  /** Logs Stopped Arriving: minutes without a system_logs row (where there used to be traffic) before it fires. */
  logsStoppedMinutes: number;
  /** Thresholds from Settings (defaults < global < per-connection, resolved); absent = the defaults. */
  thresholds?: Partial<MonitoringThresholds>;
}

/** A rule's limit: the Settings value when given, else the default (the manual's value). */
export function thresholdOf<K extends keyof MonitoringThresholds>(config: Pick<AlertConfig, 'thresholds'> | undefined, key: K): MonitoringThresholds[K] {
  const v = config?.thresholds?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? (v as MonitoringThresholds[K]) : DEFAULT_THRESHOLDS[key];
}

export const defaultAlertConfig: AlertConfig = { monthlyAiBudgetUsd: 500, apiSuccessMinRequests: 20, logsStoppedMinutes: 10 };

export interface RuleContext {
  /** Evaluation time (the injected clock); windows are (at - window, at]. */
  at: Date;
  config: AlertConfig;
}

export interface RuleSample {
  labels: Labels;
  /** Does the condition hold now? */
  active: boolean;
  value: number | null;
  summary: string;
  /** For duration rules: since when the stored history shows the condition holding. */
  activeSince?: Date;
}

/**
 * How often a rule runs: `signal` rules also run on every roman_signals NOTIFY (fast path),
 * `fast` every ~15 s, `normal` every ~60 s, `slow` every ~10 min.
 */
export type RuleCadence = 'signal' | 'fast' | 'normal' | 'slow';

export interface AlertRule {
  name: string;
  title: string;
  severity: AlertSeverity;
  /** The manual's trigger, as written. */
  trigger: string;
  /** The manual's action, as written. */
  action: string;
  /** Prometheus `for`: how long the condition must hold before firing. */
  forMs: number;
  /** Prometheus `keep_firing_for`: how long a firing alert stays firing after the condition clears. */
  keepFiringForMs: number;
  cadence: RuleCadence;
  /** The condition's duration is judged from stored history (the rule returns activeSince). */
  historyJudged: boolean;
  evaluate(db: Queryable, ctx: RuleContext): Promise<RuleSample[]>;
}

/** A threshold of the manual that cannot be measured from SQL: listed, never faked. */
export interface UnmeasurableThreshold {
  name: string;
  title: string;
  metric: string;
  threshold: string;
  measurable: false;
  reason: string;
}

export const MINUTE = 60_000;
