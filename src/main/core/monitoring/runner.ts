/**
 * Runs health checks. Every check runs in its own READ ONLY transaction under
 * `SET LOCAL statement_timeout` (and a short lock_timeout), one after the other on one pooled client.
 * Nothing a check throws escapes: a missing privilege, extension, table or a timeout becomes an
 * 'unavailable' record with the reason. Privilege and extension failures are remembered per pool
 * and not retried until the feature probe expires (10 minutes).
 */
import type pg from 'pg';
import type { Clock } from '../clock';
import {
  DEFAULT_THRESHOLDS,
  type HealthArea,
  type HealthCheckResult,
  type MonitoringThresholds,
} from '../../../shared/monitoring';
import type { CheckOutcome, HealthCheck } from './check';
import { featuresFor, memoryFor, type MonitoringMemory } from './features';
import { ALL_HEALTH_CHECKS } from './checks';

export const DEFAULT_CHECK_TIMEOUT_MS = 5000;

export interface RunHealthChecksOptions {
  clock: Clock;
  thresholds?: MonitoringThresholds;
  /** Only these areas (default: all). */
  areas?: HealthArea[];
  /** Only these check keys (default: all). */
  keys?: string[];
  statementTimeoutMs?: number;
  /** Defaults to the memory attached to the pool. */
  memory?: MonitoringMemory;
  checks?: HealthCheck[];
}

interface PgLikeError {
  code?: string;
  message?: string;
}

/** Why a check could not run, and whether to remember it (privilege / extension problems). */
export function describeFailure(err: unknown, timeoutMs: number): { reason: string; remember: boolean } {
  const e = (err ?? {}) as PgLikeError;
  const message = (e.message ?? String(err)).split('\n')[0].slice(0, 300);
  switch (e.code) {
    case '42501':
      return { reason: `insufficient privilege: ${message}`, remember: true };
    case '42P01':
    case '3F000':
      return { reason: message, remember: false };
    case '42883':
      return { reason: `missing function: ${message}`, remember: true };
    case '55000':
      return { reason: message, remember: true };
    case '57014':
      return { reason: `timed out after ${timeoutMs} ms (statement_timeout)`, remember: false };
    case '55P03':
      return { reason: `could not get a lock in time: ${message}`, remember: false };
    case '0A000':
      return { reason: `not supported by this server: ${message}`, remember: true };
    default:
      return { reason: e.code ? `query failed (${e.code}): ${message}` : `query failed: ${message}`, remember: false };
  }
}

function result(check: HealthCheck, thresholds: MonitoringThresholds, outcome: CheckOutcome, checkedAt: Date, durationMs: number): HealthCheckResult {
  const r: HealthCheckResult = {
    key: check.key,
    area: check.area,
    name: check.name,
    title: check.title,
    status: outcome.status,
    value: outcome.value,
    unit: check.unit,
    threshold: check.threshold(thresholds),
    detail: outcome.detail,
    remediation: outcome.remediation ?? check.remediation,
    checkedAt: checkedAt.toISOString(),
    durationMs: Math.round(durationMs * 10) / 10,
  };
  if (check.windowMinutes) r.windowMinutes = check.windowMinutes(thresholds);
  if (outcome.rows) r.rows = outcome.rows;
  if (outcome.unavailableReason) r.unavailableReason = outcome.unavailableReason;
  return r;
}

function unavailableOutcome(reason: string): CheckOutcome {
  return { status: 'unavailable', value: null, detail: `unavailable: ${reason}`, unavailableReason: reason };
}

export function selectChecks(opts: Pick<RunHealthChecksOptions, 'areas' | 'keys' | 'checks'>): HealthCheck[] {
  return (opts.checks ?? ALL_HEALTH_CHECKS).filter(
    (c) => (!opts.areas || opts.areas.includes(c.area)) && (!opts.keys || opts.keys.includes(c.key)),
  );
}

export async function runHealthChecks(pool: pg.Pool, opts: RunHealthChecksOptions): Promise<HealthCheckResult[]> {
  const thresholds = opts.thresholds ?? DEFAULT_THRESHOLDS;
  const timeoutMs = opts.statementTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const memory = opts.memory ?? memoryFor(pool);
  const checks = selectChecks(opts);
  const now = opts.clock.now();
  const results: HealthCheckResult[] = [];

  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    const reason = `database unreachable: ${err instanceof Error ? err.message : String(err)}`;
    return checks.map((c) => result(c, thresholds, unavailableOutcome(reason), now, 0));
  }
  let broken: Error | undefined;
  try {
    let features;
    try {
      features = await featuresFor(client, memory, now.getTime());
    } catch (err) {
      broken = err instanceof Error ? err : new Error(String(err));
      const { reason } = describeFailure(err, timeoutMs);
      return checks.map((c) => result(c, thresholds, unavailableOutcome(reason), now, 0));
    }
    for (const check of checks) {
      const started = performance.now();
      const remembered = memory.unavailableChecks.get(check.key);
      if (remembered) {
        results.push(result(check, thresholds, unavailableOutcome(remembered.reason), opts.clock.now(), 0));
        continue;
      }
      let outcome: CheckOutcome;
      try {
        await client.query('BEGIN READ ONLY');
        await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
        await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.min(1000, Math.floor(timeoutMs)))}`);
        outcome = await check.run({ client, now, thresholds, features, memory });
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
          broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
        });
        const { reason, remember } = describeFailure(err, timeoutMs);
        if (remember) memory.unavailableChecks.set(check.key, { reason, at: now.getTime() });
        outcome = unavailableOutcome(reason);
      }
      results.push(result(check, thresholds, outcome, opts.clock.now(), performance.now() - started));
    }
    return results;
  } finally {
    client.release(broken);
  }
}
