/** Indexes never scanned since statistics were reset (not unique, not primary key): pure write cost. */
import { formatBytes, toRows, type HealthCheck } from '../../check';

export const unusedIndexes: HealthCheck = {
  key: 'indexes.unused',
  area: 'indexes',
  name: 'unused',
  title: 'Unused indexes',
  unit: 'count',
  remediation: `-- Confirm on every replica and after a full business cycle, then:
DROP INDEX CONCURRENTLY <schema>.<index>;`,
  threshold: () => ({ comparison: 'above', warning: 0, critical: null }),
  async run({ client }) {
    const r = await client.query(
      `SELECT s.schemaname AS schema, s.relname AS table, s.indexrelname AS index,
              pg_relation_size(s.indexrelid) AS index_bytes, s.idx_scan,
              'DROP INDEX CONCURRENTLY ' || quote_ident(s.schemaname) || '.' || quote_ident(s.indexrelname) || ';' AS fix
         FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
        WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = s.indexrelid)
        ORDER BY pg_relation_size(s.indexrelid) DESC, s.indexrelname`,
    );
    const value = r.rowCount ?? 0;
    const bytes = r.rows.reduce((a: number, row: { index_bytes: string }) => a + Number(row.index_bytes), 0);
    return {
      status: value > 0 ? 'warning' : 'ok',
      value,
      detail: value > 0 ? `${value} index${value === 1 ? '' : 'es'} never used (${formatBytes(bytes)}).` : 'Every index has been used.',
      rows: toRows(r.rows, ['index_bytes', 'idx_scan']),
      remediation: value > 0 ? r.rows.slice(0, 20).map((row: { fix: string }) => row.fix).join('\n') : undefined,
    };
  },
};
