/**
 * Indexes never scanned since statistics were reset (not unique, not primary key, not backing a
 * constraint): pure write cost. The fix never drops every copy of a set of identical indexes: when
 * two or more identical indexes are all unused, the oldest copy is kept (its row says so) and only
 * the others are dropped. R.O.M.A.N.'s own objects (`ops` schema, `roman_*` indexes) are never listed.
 */
import { formatBytes, notOwnIndex, notOwnSchema, toRows, type HealthCheck } from '../../check';

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
      `WITH unused AS (
         SELECT s.indexrelid, s.schemaname AS schema, s.relname AS table, s.indexrelname AS index,
                pg_relation_size(s.indexrelid) AS index_bytes, s.idx_scan,
                i.indrelid, i.indkey::text AS cols, i.indclass::text AS classes, i.indoption::text AS options,
                i.indcollation::text AS collations,
                COALESCE(pg_get_expr(i.indexprs, i.indrelid), '') AS exprs,
                COALESCE(pg_get_expr(i.indpred, i.indrelid), '') AS pred, c.relam
           FROM pg_stat_user_indexes s
           JOIN pg_index i ON i.indexrelid = s.indexrelid
           JOIN pg_class c ON c.oid = s.indexrelid
          WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary AND i.indisvalid
            AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = s.indexrelid)
            AND ${notOwnSchema('s.schemaname')} AND ${notOwnIndex('s.indexrelname')}
       ), grouped AS (
         SELECT u.*,
                min(u.indexrelid::bigint) OVER (PARTITION BY indrelid, cols, classes, options, collations, exprs, pred, relam) AS first_copy,
                count(*) OVER (PARTITION BY indrelid, cols, classes, options, collations, exprs, pred, relam) AS copies
           FROM unused u
       )
       SELECT g.schema, g.table, g.index, g.index_bytes, g.idx_scan,
              CASE WHEN g.copies > 1 AND g.indexrelid::bigint <> g.first_copy
                   THEN (SELECT relname FROM pg_class WHERE oid = g.first_copy::oid) END AS identical_to,
              (g.copies > 1 AND g.indexrelid::bigint = g.first_copy) AS kept_copy,
              CASE WHEN g.copies > 1 AND g.indexrelid::bigint = g.first_copy
                   THEN '-- keep ' || quote_ident(g.schema) || '.' || quote_ident(g.index)
                        || ': its identical copies are dropped; drop it too only if no query needs this index at all'
                   ELSE 'DROP INDEX CONCURRENTLY ' || quote_ident(g.schema) || '.' || quote_ident(g.index) || ';' END AS fix
         FROM grouped g
        ORDER BY g.index_bytes DESC, g.index`,
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
