/**
 * Slow queries from pg_stat_statements (PgHero: mean ≥ 20 ms and ≥ 100 calls), when the extension
 * is installed in this database AND loadable (preloaded). Statistics are read without query text
 * every run; the texts are read at most once every 10 minutes and cached per pool.
 */
import { ident, toRows, unavailable, type HealthCheck } from '../../check';
import { QUERY_TEXT_TTL_MS } from '../../features';

export const slowQueries: HealthCheck = {
  key: 'queries.slow',
  area: 'queries',
  name: 'slow',
  title: 'Slow queries (pg_stat_statements)',
  unit: 'count',
  remediation: `-- Look at the plan of each reported query:
EXPLAIN (ANALYZE, BUFFERS) <query>;
-- Then add the index it needs, e.g.:
CREATE INDEX CONCURRENTLY idx_<table>_<column> ON <table> (<column>);
-- Reset the statistics after a fix: SELECT pg_stat_statements_reset();`,
  threshold: () => ({ comparison: 'above', warning: 0, critical: null }),
  async run({ client, thresholds, features, memory, now }) {
    const pss = features.pgStatStatements;
    if (!pss.available) return unavailable(pss.reason);
    const schema = ident(pss.schema);
    const pre13 = features.serverVersionNum < 130000;
    const mean = pre13 ? 'mean_time' : 'mean_exec_time';
    const total = pre13 ? 'total_time' : 'total_exec_time';
    const r = await client.query(
      `SELECT queryid::text AS queryid, calls, round(${mean}::numeric, 2) AS mean_ms,
              round(${total}::numeric, 2) AS total_ms, rows
         FROM ${schema}.pg_stat_statements(false)
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND calls >= $1 AND ${mean} >= $2 AND queryid IS NOT NULL
        ORDER BY ${total} DESC
        LIMIT 20`,
      [thresholds.slowQueryMinCalls, thresholds.slowQueryMeanMs],
    );
    const cache = memory.queryTexts;
    const ids = r.rows.map((row: { queryid: string }) => row.queryid);
    const missing = ids.filter((id: string) => !cache.texts.has(id));
    const stale = cache.fetchedAt === null || now.getTime() - cache.fetchedAt >= QUERY_TEXT_TTL_MS || now.getTime() < cache.fetchedAt;
    if (missing.length > 0 && stale) {
      const texts = await client.query(
        `SELECT DISTINCT ON (queryid) queryid::text AS queryid, left(query, 500) AS query
           FROM ${schema}.pg_stat_statements(true) WHERE queryid::text = ANY($1::text[])`,
        [ids],
      );
      cache.texts = new Map(texts.rows.map((t: { queryid: string; query: string }) => [t.queryid, t.query]));
      cache.fetchedAt = now.getTime();
    }
    const rows = r.rows.map((row: Record<string, unknown>) => ({
      ...row,
      query: cache.texts.get(String(row.queryid)) ?? '(query text is read at most every 10 minutes; not cached yet)',
    }));
    const value = r.rowCount ?? 0;
    return {
      status: value > 0 ? 'warning' : 'ok',
      value,
      detail: `${value} statement${value === 1 ? '' : 's'} with mean time ≥ ${thresholds.slowQueryMeanMs} ms over ≥ ${thresholds.slowQueryMinCalls} calls.`,
      rows: toRows(rows, ['calls', 'mean_ms', 'total_ms', 'rows']),
    };
  },
};
