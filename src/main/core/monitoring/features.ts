/**
 * What the monitored server lets us see, probed once per pool and remembered (PgHero-style):
 * whether pg_stat_statements is installed AND loadable, whether this role sees every session
 * (superuser or pg_read_all_stats), whether the server is a standby. Also the per-pool memory of
 * checks that failed for lack of a privilege or an extension (not retried for 10 minutes) and the
 * cache of pg_stat_statements query texts (never read more often than every 10 minutes).
 */
import type pg from 'pg';

export const FEATURE_PROBE_TTL_MS = 10 * 60_000;
export const QUERY_TEXT_TTL_MS = 10 * 60_000;

export type PgStatStatements = { available: true; schema: string } | { available: false; reason: string };

export interface FeatureSet {
  probedAt: number;
  serverVersionNum: number;
  /** Superuser or member of pg_read_all_stats: sees query/state of every session. */
  seesAllSessions: boolean;
  inRecovery: boolean;
  pgStatStatements: PgStatStatements;
}

export interface MonitoringMemory {
  features?: FeatureSet;
  /** check key → why it is unavailable, and when we learned it (privilege / extension problems). */
  unavailableChecks: Map<string, { reason: string; at: number }>;
  queryTexts: { fetchedAt: number | null; texts: Map<string, string> };
}

const memories = new WeakMap<object, MonitoringMemory>();

/** The memory attached to one pool (created on first use). */
export function memoryFor(pool: object): MonitoringMemory {
  let m = memories.get(pool);
  if (!m) {
    m = { unavailableChecks: new Map(), queryTexts: { fetchedAt: null, texts: new Map() } };
    memories.set(pool, m);
  }
  return m;
}

export async function probeFeatures(client: pg.PoolClient, nowMs: number): Promise<FeatureSet> {
  const base = await client.query<{ v: string; sees_all: boolean; recovery: boolean }>(
    `SELECT current_setting('server_version_num') AS v,
            COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false)
              OR pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS sees_all,
            pg_is_in_recovery() AS recovery`,
  );
  const ext = await client.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname = 'pg_stat_statements'`,
  );
  let pgStatStatements: PgStatStatements;
  if (ext.rowCount === 0) {
    pgStatStatements = {
      available: false,
      reason:
        'extension pg_stat_statements is not installed in this database (add it to shared_preload_libraries, restart, then CREATE EXTENSION pg_stat_statements;)',
    };
  } else {
    const schema = ext.rows[0].schema;
    await client.query('BEGIN');
    try {
      await client.query("SET LOCAL statement_timeout = '5s'");
      await client.query(`SELECT 1 FROM "${schema.replace(/"/g, '""')}".pg_stat_statements(false) LIMIT 1`);
      pgStatStatements = { available: true, schema };
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      pgStatStatements = { available: false, reason: `pg_stat_statements is installed but not loadable: ${msg}` };
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  }
  return {
    probedAt: nowMs,
    serverVersionNum: Number(base.rows[0].v),
    seesAllSessions: base.rows[0].sees_all,
    inRecovery: base.rows[0].recovery,
    pgStatStatements,
  };
}

/** Features from memory, re-probed when older than FEATURE_PROBE_TTL_MS. */
export async function featuresFor(client: pg.PoolClient, memory: MonitoringMemory, nowMs: number): Promise<FeatureSet> {
  const f = memory.features;
  if (f && nowMs - f.probedAt < FEATURE_PROBE_TTL_MS && nowMs >= f.probedAt) return f;
  memory.features = await probeFeatures(client, nowMs);
  memory.unavailableChecks.clear();
  return memory.features;
}
