/**
 * Missing-index candidates: tables with at least `seqScanMinRows` live rows that are read by
 * sequential scans more often than by index scans.
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
      `SELECT schemaname AS schema, relname AS table, n_live_tup AS live_rows, seq_scan,
              COALESCE(idx_scan, 0) AS idx_scan, seq_tup_read
         FROM pg_stat_user_tables
        WHERE n_live_tup >= $1 AND seq_scan > COALESCE(idx_scan, 0)
        ORDER BY seq_tup_read DESC
        LIMIT 20`,
      [thresholds.seqScanMinRows],
    );
    const value = r.rowCount ?? 0;
    return {
      status: value > 0 ? 'warning' : 'ok',
      value,
      detail:
        value > 0
          ? `${value} table${value === 1 ? '' : 's'} with ≥ ${thresholds.seqScanMinRows} rows read mostly by sequential scans.`
          : `No table with ≥ ${thresholds.seqScanMinRows} rows is read mostly by sequential scans.`,
      rows: toRows(r.rows, ['live_rows', 'seq_scan', 'idx_scan', 'seq_tup_read']),
    };
  },
};
