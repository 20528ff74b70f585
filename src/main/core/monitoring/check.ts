/**
 * What a health check is: one module per check (its SQL and its metadata) returning one record
 * shape (`HealthCheckResult`, src/shared/monitoring.ts). A check's `run` receives a client inside
 * its own READ ONLY transaction under `SET LOCAL statement_timeout` (see runner.ts); it returns an
 * outcome, and the runner adds key, timing and the classification of whatever it throws.
 */
import type pg from 'pg';
import type {
  HealthArea,
  HealthCheckResult,
  HealthRow,
  HealthStatus,
  HealthThreshold,
  MonitoringThresholds,
} from '../../../shared/monitoring';
import type { FeatureSet, MonitoringMemory } from './features';

export interface CheckContext {
  /** A client inside this check's own READ ONLY transaction. */
  client: pg.PoolClient;
  /** The injected clock's time when the run started (windows of application signals end here). */
  now: Date;
  thresholds: MonitoringThresholds;
  features: FeatureSet;
  memory: MonitoringMemory;
}

export interface CheckOutcome {
  status: HealthStatus;
  value: number | null;
  detail: string;
  rows?: HealthRow[];
  /** Overrides the check's static remediation when the finding needs a specific fix. */
  remediation?: string;
  unavailableReason?: string;
}

export interface HealthCheck {
  key: string;
  area: HealthArea;
  name: string;
  title: string;
  unit: HealthCheckResult['unit'];
  remediation: string;
  threshold(t: MonitoringThresholds): HealthThreshold | null;
  /** For measures over a time window: its length in minutes under these thresholds. */
  windowMinutes?(t: MonitoringThresholds): number;
  run(ctx: CheckContext): Promise<CheckOutcome>;
}

/** Status of a value against a threshold (null value → no_data: nothing was measured, which is not ok). */
export function grade(value: number | null, threshold: HealthThreshold | null): HealthStatus {
  if (value === null) return 'no_data';
  if (threshold === null) return 'ok';
  const worse = (limit: number | null) =>
    limit !== null && (threshold.comparison === 'above' ? value > limit : value < limit);
  if (worse(threshold.critical)) return 'critical';
  if (worse(threshold.warning)) return 'warning';
  return 'ok';
}

export function unavailable(reason: string): CheckOutcome {
  return { status: 'unavailable', value: null, detail: `unavailable: ${reason}`, unavailableReason: reason };
}

/** Below this many block accesses a cache hit rate is not judged (a fresh database reads from disk). */
export const CACHE_MIN_BLOCKS = 1000;

export const noThreshold = (): HealthThreshold | null => null;

/** Converts pg's numeric/bigint strings (and nulls) into JSON-safe numbers. */
export function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** Rows from pg as JSON-safe records (Date → ISO string, bigint strings kept as given by `numeric`). */
export function toRows(rows: Record<string, unknown>[], numericColumns: string[] = [], limit = 20): HealthRow[] {
  return rows.slice(0, limit).map((r) => {
    const out: HealthRow = {};
    for (const [k, v] of Object.entries(r)) {
      if (v === null || v === undefined) out[k] = null;
      else if (numericColumns.includes(k)) out[k] = num(v);
      else if (v instanceof Date) out[k] = v.toISOString();
      else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') out[k] = v;
      else out[k] = JSON.stringify(v);
    }
    return out;
  });
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function pct(r: number): string {
  return `${(r * 100).toFixed(1)}%`;
}

/** Quotes an identifier for SQL built from catalog names. */
export function ident(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/** Does a relation exist (and is it visible)? `to_regclass` never throws for a missing table. */
export async function relationExists(client: pg.PoolClient, qualified: string): Promise<boolean> {
  const r = await client.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [qualified]);
  return r.rows[0].ok;
}

/**
 * R.O.M.A.N.'s own objects are never findings: its `ops` schema and the `roman_*` indexes it creates
 * on the tables the manual queries. SQL predicates over a schema column (and an index-name column).
 */
export function notOwnSchema(schemaColumn: string): string {
  return `${schemaColumn} NOT IN ('ops', 'pg_catalog', 'information_schema', 'pg_toast')`;
}
export function notOwnIndex(indexColumn: string): string {
  return `${indexColumn} NOT LIKE 'roman\\_%'`;
}
