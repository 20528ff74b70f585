/**
 * Missing-index candidates: tables with at least `seqScanMinRows` live rows that are read by
 * sequential scans more often than by index scans. Index builds scan the table too (twice for a
 * concurrent build), so up to two sequential scans per index on the table are not counted as reads:
 * a table whose only "scans" were its index builds, or that was never read, is not flagged.
 * R.O.M.A.N.'s own `ops` schema is never listed.
 */
import { toRows, type HealthCheck } from '../../check';

export const heavySeqScans: HealthCheck = {
  key: 'indexes.seq_scans',
  area: 'indexes',
  name: 'seq_scans',
  title: 'Large tables read by sequential scans (missing indexes?)',
  unit: 'count',
  remediation: `-- Find the filtering columns of the queries on these tables (pg_stat_statements, logs), then:
CREATE INDEX CONCURRENTLY idx_<table>_<column> ON <schema>.<table> (<column>);`,
  threshold: () => ({ comparison: 'above', warning: 0, critical: null }),
  async run({ client, thresholds }) {
    const r = await client.query(
      `SELECT * FROM (
         SELECT s.schemaname AS schema, s.relname AS table, s.n_live_tup AS live_rows,
                GREATEST(s.seq_scan - 2 * (SELECT count(*) FROM pg_index i WHERE i.indrelid = s.relid), 0) AS seq_scan,
                COALESCE(s.idx_scan, 0) AS idx_scan, s.seq_tup_read,
                (SELECT count(*) FROM pg_index i WHERE i.indrelid = s.relid) AS indexes
           FROM pg_stat_user_tables s
          WHERE s.n_live_tup >= $1 AND s.schemaname <> 'ops' AND s.seq_tup_read > 0) t
        WHERE t.seq_scan > 0 AND t.seq_scan > t.idx_scan
        ORDER BY t.seq_tup_read DESC
        LIMIT 20`,
      [thresholds.seqScanMinRows],
    );
    const value = r.rowCount ?? 0;
    return {
      status: value > 0 ? 'warning' : 'ok',
      value,
      detail:
        value > 0
          ? `${value} table${value === 1 ? '' : 's'} with ≥ ${thresholds.seqScanMinRows} rows read mostly by sequential scans (index builds not counted).`
          : `No table with ≥ ${thresholds.seqScanMinRows} rows is read mostly by sequential scans.`,
      rows: toRows(r.rows, ['live_rows', 'seq_scan', 'idx_scan', 'seq_tup_read', 'indexes']),
    };
  },
};
