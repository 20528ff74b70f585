/**
 * Health monitoring vocabulary shared by the core, the CLI and the renderer: the one record shape
 * every health check returns, the system entropy reading, the thresholds (with their defaults and
 * the pure layering function `resolveThresholds`) and the dashboard panels' data.
 * Exact definitions of every number live in docs/monitoring.md.
 */
import { z } from 'zod';
import { DomainError } from './result';

export const HEALTH_AREAS = [
  'system',
  'connections',
  'queries',
  'space',
  'indexes',
  'replication',
  'maintenance',
  'application',
  'sequences',
] as const;
export type HealthArea = (typeof HEALTH_AREAS)[number];
export const healthAreaSchema = z.enum(HEALTH_AREAS);

/**
 * 'no_data': the check ran but there was nothing to measure (an empty window, no previous snapshot,
 * too few reads to judge) — never 'ok' (fail closed: silence is not health).
 */
export const HEALTH_STATUSES = ['ok', 'warning', 'critical', 'unavailable', 'no_data'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/** How a value compares with its limits: 'above' = bad when higher, 'below' = bad when lower. */
export interface HealthThreshold {
  comparison: 'above' | 'below';
  warning: number | null;
  critical: number | null;
}

export type HealthRow = Record<string, string | number | boolean | null>;

/** The one record every health check returns (ARCHITECTURE §3). */
export interface HealthCheckResult {
  /** Stable identifier, e.g. 'connections.pool_usage'; doubles as the alert fingerprint. */
  key: string;
  area: HealthArea;
  /** Short machine-friendly name inside the area, e.g. 'pool_usage'. */
  name: string;
  /** Human title, e.g. 'Connection pool usage'. */
  title: string;
  status: HealthStatus;
  /** The measured value in `unit`; null when there is nothing to measure (or unavailable). */
  value: number | null;
  unit: 'count' | 'ratio' | 'ms' | 'seconds' | 'bytes' | 'bytes_per_hour' | 'usd' | 'transactions';
  threshold: HealthThreshold | null;
  /** One or two sentences a human reads first. */
  detail: string;
  /** Copy-paste SQL or steps that fix (or investigate) the finding. */
  remediation: string;
  /** Top offenders (at most 20), JSON-safe. */
  rows?: HealthRow[];
  checkedAt: string;
  durationMs: number;
  /** For measures over a time window: its length in minutes (printed next to the value). */
  windowMinutes?: number;
  /** Set when status is 'unavailable': why (missing extension, privilege, table, timeout…). */
  unavailableReason?: string;
}

/** Whether the system is stable in the sense of the Law of Total Coherence (entropy ≤ 10 %). */
export const ENTROPY_STABLE_MAX = 0.1;

export interface EntropyWindow {
  start: string;
  end: string;
  minutes: number;
}

export interface EntropyCounts {
  /** All public.system_logs rows in the window. */
  logs: number;
  /** Rows with severity error or critical. */
  errorLogs: number;
  /** Requests: system_logs request rows + ai_usage_logs rows. */
  requests: number;
  failedRequests: number;
  /** Requests from system_logs with a numeric latency_ms. */
  timedRequests: number;
  /** Timed requests with latency_ms > 2000. */
  slowRequests: number;
}

export interface EntropyReading {
  /** (errorRate + failureRate + latencySpikes) / 3, in 0..1. */
  entropy: number;
  errorRate: number;
  failureRate: number;
  latencySpikes: number;
  measuredAt: string;
  /** entropy ≤ 0.1 */
  stable: boolean;
  window: EntropyWindow;
  counts: EntropyCounts;
  /** Why a term is 0 (empty window, missing table…). */
  notes: string[];
  /**
   * Whether the window held anything to measure (fail closed: an empty window is not 0 % STABLE):
   * 'ok' every term was measured; 'partial' some terms had nothing to measure (listed in
   * `noDataTerms`, counted as 0); 'no_data' no log row and no request at all — the entropy is 0
   * because nothing was measured, and it is shown as "No data", never as STABLE.
   */
  data: MeasureData;
  /** Terms with nothing to measure in the window (counted as 0). */
  noDataTerms: Array<'errorRate' | 'failureRate' | 'latencySpikes'>;
}

/** ok / partial / no data of one measure (see EntropyReading.data). */
export type MeasureData = 'ok' | 'partial' | 'no_data';

/**
 * How fresh a shown figure is: 'live' while its source answers, 'stale' when it is the last
 * reading of a source that stopped answering (shown with its age), 'no_data' when nothing was
 * measured. Pure, for the renderer and the CLI.
 */
export function freshness(measuredAt: string | null, now: number, live: boolean): { state: 'live' | 'stale' | 'no_data'; ageMs: number | null } {
  if (!measuredAt) return { state: 'no_data', ageMs: null };
  const ageMs = Math.max(0, now - new Date(measuredAt).getTime());
  return { state: live ? 'live' : 'stale', ageMs };
}

/** "42 s", "5 min", "3 h 10 min", "2 d 4 h": the age of a stale figure. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Thresholds
// ---------------------------------------------------------------------------------------------

const ratio = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const positive = z.number().positive('must be greater than 0');
const positiveInt = z.number().int('must be a whole number').positive('must be greater than 0');
const nonNegativeInt = z.number().int('must be a whole number').min(0, 'must be 0 or more');

const thresholdFields = {
  /** Window of the application signals (error rate, success rate, p95, RLS) in minutes. */
  applicationWindowMinutes: positiveInt.max(1440, 'must be at most 1440 (24 h)'),
  /** Error rate (error+critical logs ÷ all logs): manual target < 1 %, alert > 5 %. */
  errorRateWarning: ratio,
  errorRateCritical: ratio,
  /** p95 response time in ms: manual target < 500 ms, alert > 2 s. */
  responseTimeWarningMs: positive,
  responseTimeCriticalMs: positive,
  /** API success rate: manual target > 99 %, alert < 95 %. */
  apiSuccessWarning: ratio,
  apiSuccessCritical: ratio,
  /** Connections ÷ max_connections: manual target < 80 %, alert > 90 %. */
  connectionsWarning: ratio,
  connectionsCritical: ratio,
  /** PgHero: long-running query 60 s. */
  longRunningQuerySeconds: positive,
  /** Sessions idle in transaction longer than this are reported. */
  idleInTransactionSeconds: positive,
  /** PgHero: slow query ≥ 20 ms mean and ≥ 100 calls. */
  slowQueryMeanMs: positive,
  slowQueryMinCalls: nonNegativeInt,
  /** PgHero: cache hit rate 99 %. */
  cacheHitRateWarning: ratio,
  /** PgHero: replication lag 5 s; manual: data loss risk above 5 minutes. */
  replicationLagWarningSeconds: positive,
  replicationLagCriticalSeconds: positive,
  /** WAL retained by an inactive replication slot that makes it critical. */
  replicationSlotRetainedCriticalBytes: positive,
  /** Dead tuples: a table is reported with ≥ this many dead rows and ≥ this share of dead rows. */
  deadTuplesMin: nonNegativeInt,
  deadTuplesRatioWarning: ratio,
  /** Tables needing vacuum/analyze not done for this many days are reported. */
  maintenanceAgeDays: positive,
  /** Transactions left before wraparound. */
  xidWraparoundWarningRemaining: positiveInt,
  xidWraparoundCriticalRemaining: positiveInt,
  /** Tables with at least this many rows read mostly sequentially are missing-index candidates. */
  seqScanMinRows: positiveInt,
  /** RLS violations from one IP within one minute (manual: Security Breach at 5). */
  rlsViolationsPerIpPerMinute: positiveInt,
  /** Errors (severity error or critical) logged in the last hour: warning / critical above these counts. */
  errorsLastHourWarning: nonNegativeInt,
  errorsLastHourCritical: nonNegativeInt,
  /** AI budget per calendar month (UTC) in USD (manual example: $500). */
  aiMonthlyBudgetUsd: positive,
  /** Share of the AI budget that warns (⚠️ in /status above 75 %) and that is critical. */
  aiBudgetWarningRatio: z.number().min(0, 'must be 0 or more').max(10, 'must be at most 10'),
  aiBudgetCriticalRatio: z.number().min(0, 'must be 0 or more').max(10, 'must be at most 10'),
};

export const monitoringThresholdsSchema = z.object(thresholdFields).strict();
export type MonitoringThresholds = z.infer<typeof monitoringThresholdsSchema>;
export const thresholdOverridesSchema = z.object(thresholdFields).partial().strict();
export type ThresholdOverrides = z.infer<typeof thresholdOverridesSchema>;

export const DEFAULT_THRESHOLDS: MonitoringThresholds = Object.freeze({
  applicationWindowMinutes: 15,
  errorRateWarning: 0.01,
  errorRateCritical: 0.05,
  responseTimeWarningMs: 500,
  responseTimeCriticalMs: 2000,
  apiSuccessWarning: 0.99,
  apiSuccessCritical: 0.95,
  connectionsWarning: 0.8,
  connectionsCritical: 0.9,
  longRunningQuerySeconds: 60,
  idleInTransactionSeconds: 60,
  slowQueryMeanMs: 20,
  slowQueryMinCalls: 100,
  cacheHitRateWarning: 0.99,
  replicationLagWarningSeconds: 5,
  replicationLagCriticalSeconds: 300,
  replicationSlotRetainedCriticalBytes: 10 * 1024 ** 3,
  deadTuplesMin: 1000,
  deadTuplesRatioWarning: 0.2,
  maintenanceAgeDays: 7,
  xidWraparoundWarningRemaining: 1_000_000_000,
  xidWraparoundCriticalRemaining: 10_000_000,
  seqScanMinRows: 10_000,
  rlsViolationsPerIpPerMinute: 5,
  errorsLastHourWarning: 10,
  errorsLastHourCritical: 100,
  aiMonthlyBudgetUsd: 500,
  aiBudgetWarningRatio: 0.75,
  aiBudgetCriticalRatio: 1,
});

/** Pairs that must stay ordered after layering: [worse, better, how]. */
const ORDERED_PAIRS: Array<[keyof MonitoringThresholds, keyof MonitoringThresholds, 'gte' | 'lte']> = [
  ['errorRateCritical', 'errorRateWarning', 'gte'],
  ['responseTimeCriticalMs', 'responseTimeWarningMs', 'gte'],
  ['apiSuccessCritical', 'apiSuccessWarning', 'lte'],
  ['connectionsCritical', 'connectionsWarning', 'gte'],
  ['replicationLagCriticalSeconds', 'replicationLagWarningSeconds', 'gte'],
  ['xidWraparoundCriticalRemaining', 'xidWraparoundWarningRemaining', 'lte'],
  ['aiBudgetCriticalRatio', 'aiBudgetWarningRatio', 'gte'],
  ['errorsLastHourCritical', 'errorsLastHourWarning', 'gte'],
];

function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => {
    const path = i.path.map(String).join('.') || '(thresholds)';
    const message = i.code === 'unrecognized_keys' ? `unknown threshold ${i.keys.map((k) => `"${k}"`).join(', ')}` : i.message;
    return { path, message };
  });
}

/**
 * Layers thresholds: defaults < global settings < per-connection overrides. Pure. Each layer is
 * validated on its own (unknown keys, wrong types, out-of-range values), then the merged result is
 * checked for order (a critical limit must not be milder than its warning limit). Any problem throws
 * a DomainError('invalid_input') that names the layer and the field; nothing is half-applied.
 */
export function resolveThresholds(
  defaults: MonitoringThresholds,
  global?: unknown,
  perConnection?: unknown,
): MonitoringThresholds {
  const layers: Array<[string, unknown]> = [
    ['global threshold settings', global],
    ['per-connection threshold overrides', perConnection],
  ];
  const base = monitoringThresholdsSchema.safeParse(defaults);
  if (!base.success) {
    const issues = describeIssues(base.error);
    throw new DomainError('invalid_input', `Invalid default thresholds: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  let merged: MonitoringThresholds = { ...base.data };
  for (const [label, layer] of layers) {
    if (layer === undefined || layer === null) continue;
    const parsed = thresholdOverridesSchema.safeParse(layer);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error);
      throw new DomainError('invalid_input', `Invalid ${label}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
    }
    const defined = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
    merged = { ...merged, ...defined };
  }
  const problems: { path: string; message: string }[] = [];
  for (const [worse, better, how] of ORDERED_PAIRS) {
    const a = merged[worse];
    const b = merged[better];
    if (how === 'gte' ? a < b : a > b) {
      problems.push({
        path: worse,
        message: `${worse} (${a}) must be ${how === 'gte' ? 'at least' : 'at most'} ${better} (${b})`,
      });
    }
  }
  if (problems.length > 0) {
    throw new DomainError(
      'invalid_input',
      `Invalid thresholds after applying overrides: ${problems.map((p) => p.message).join('; ')}`,
      problems,
    );
  }
  return merged;
}

// ---------------------------------------------------------------------------------------------
// Dashboard (monitoring.overview) and `roman status`
// ---------------------------------------------------------------------------------------------

export type Panel<T> = { status: 'ok'; data: T } | { status: 'unavailable'; reason: string };

export interface SystemHealthNumbers {
  /** Logs with severity error or critical in the last hour (the 'system.errors_last_hour' check's measure). */
  errorsLastHour: number | null;
  /** errorsLastHour graded like the check (thresholds errorsLastHourWarning/Critical); 'unavailable' when null. */
  errorsLastHourStatus?: HealthStatus;
  criticalEventsLastHour: number | null;
  activeConnections: number | null;
  /** null when public.subscriptions does not exist (see subscriptionsNote). */
  activeSubscriptions: number | null;
  notes: string[];
}

export interface HealthOverviewPanel {
  system: SystemHealthNumbers;
  entropy: EntropyReading | null;
  entropyNote?: string;
  latestSnapshotAt: string | null;
}

export interface LogEntrySummary {
  id: number;
  timestamp: string;
  severity: string;
  source: string;
  message: string;
}

export interface RecentErrorsPanel {
  /** 24 hourly buckets, oldest first; start of each hour (UTC). */
  hourly: { hour: string; errors: number; critical: number }[];
  latest: LogEntrySummary[];
}

export interface RomanEventsPanel {
  counts: { eventType: string; severity: string; count: number }[];
  latest: { id: number; timestamp: string; eventType: string; severity: string; message: string }[];
}

export interface AiCostPanel {
  /** Manual's query: per provider per day, last 30 days. */
  daily: { day: string; provider: string; requests: number; totalTokens: number; costUsd: number; avgLatencyMs: number | null }[];
  monthSpendUsd: number;
  monthlyBudgetUsd: number;
  /** The /metrics top consumers by feature over the last 30 days. */
  topConsumers: { feature: string; label: string; costUsd: number; share: number; requests: number }[];
  /** This month at its daily rate (the /metrics projection). */
  projection: { dailyRateUsd: number; projectedUsd: number; daysInMonth: number; overrun: boolean };
  recommendations: { level: 'ok' | 'warning' | 'critical'; text: string }[];
}

export interface PerformancePanel {
  /** The window the buckets cover (the dashboard's range) and the bucket size chosen for it. */
  window: { from: string; to: string; bucketSeconds: number; preset?: string };
  /** Buckets of window.bucketSeconds over the window (default 5 minutes over the last 6 hours), oldest first. p95 null when no timed request. */
  buckets: { start: string; requests: number; p95LatencyMs: number | null; failed: number }[];
}

export interface SecurityPanel {
  byIp: { ip: string; violations: number; lastSeen: string }[];
  latest: LogEntrySummary[];
}

export interface MonitoringOverview {
  generatedAt: string;
  health: Panel<HealthOverviewPanel>;
  recentErrors: Panel<RecentErrorsPanel>;
  romanEvents: Panel<RomanEventsPanel>;
  aiCost: Panel<AiCostPanel>;
  performance: Panel<PerformancePanel>;
  security: Panel<SecurityPanel>;
}

/** What `roman status --json` prints and the Discord /status formats. */
export interface SystemStatusReport {
  constitutionalCore: { operational: boolean; message: string };
  database: { connected: true; activeConnections: number } | { connected: false; reason: string };
  /** 'online': the report is answered by the Discord bot itself (or the bot is connected). */
  discordBot: 'not configured' | 'configured' | 'online';
  aiUsage:
    | { available: true; monthSpendUsd: number; monthlyBudgetUsd: number; percentOfBudget: number; warning: boolean }
    | { available: false; reason: string };
  recentActivity:
    | { available: true; approved: number; rejected: number; criticalErrors: number }
    | { available: false; reason: string };
  entropy: { available: true; reading: EntropyReading } | { available: false; reason: string };
}
