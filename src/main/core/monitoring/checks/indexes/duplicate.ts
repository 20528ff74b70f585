/**
 * Duplicate indexes (PgHero's `duplicate_indexes`): an index whose key columns are identical to, or a
 * leading prefix of, another valid index on the same table with the same access method, operator
 * classes, collations, sort options, expressions and predicate. Only the redundant copy is listed —
 * never every copy of a pair: of two identical indexes the one backing a constraint (or a unique one)
 * is kept, else the older one (lower OID). An index backing a constraint or the primary key is never
 * listed; a unique index only when an identical unique index exists. Prefix coverage counts for btree
 * only. R.O.M.A.N.'s own `roman_*` indexes are never listed.
 */
import { formatBytes, notOwnIndex, notOwnSchema, toRows, type HealthCheck } from '../../check';

export const DUPLICATE_INDEXES_SQL = `
WITH idx AS (
  SELECT i.indexrelid, i.indrelid, n.nspname AS schema, t.relname AS "table", c.relname AS index,
         i.indisunique AS is_unique,
         (i.indisprimary OR EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)) AS backs_constraint,
         i.indnkeyatts AS nkeys, i.indnatts AS natts,
         string_to_array(i.indkey::text, ' ')::int[] AS cols,
         string_to_array(i.indclass::text, ' ')::oid[] AS classes,
         string_to_array(i.indcollation::text, ' ')::oid[] AS collations,
         string_to_array(i.indoption::text, ' ')::int[] AS options,
         COALESCE(pg_get_expr(i.indexprs, i.indrelid), '') AS exprs,
         COALESCE(pg_get_expr(i.indpred, i.indrelid), '') AS pred,
         am.amname AS method
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_am am ON am.oid = c.relam
   WHERE i.indisvalid AND i.indisready AND i.indislive AND ${notOwnSchema('n.nspname')}
), pairs AS (
  SELECT d.*, k.index AS covered_by, k.indexrelid AS covered_by_oid,
         (d.cols = k.cols AND d.natts = k.natts) AS identical,
         pg_get_indexdef(k.indexrelid) AS covered_by_definition
    FROM idx d
    JOIN idx k ON k.indrelid = d.indrelid AND k.indexrelid <> d.indexrelid AND k.method = d.method
              AND k.exprs = d.exprs AND k.pred = d.pred
   WHERE NOT d.backs_constraint
     AND d.natts = d.nkeys
     AND k.nkeys >= d.nkeys
     AND k.cols[1:d.nkeys] = d.cols[1:d.nkeys]
     AND k.classes[1:d.nkeys] = d.classes[1:d.nkeys]
     AND k.collations[1:d.nkeys] = d.collations[1:d.nkeys]
     AND k.options[1:d.nkeys] = d.options[1:d.nkeys]
     AND (k.nkeys = d.nkeys OR d.method = 'btree')
     AND (NOT d.is_unique OR (k.is_unique AND k.nkeys = d.nkeys))
     AND NOT (k.nkeys = d.nkeys AND k.natts = d.natts AND k.is_unique = d.is_unique
              AND NOT k.backs_constraint AND k.indexrelid > d.indexrelid)
     AND ${notOwnIndex('d.index')}
)
SELECT DISTINCT ON (indexrelid) schema, "table", index, covered_by,
       CASE WHEN identical THEN 'identical' ELSE 'prefix' END AS kind,
       pg_get_indexdef(indexrelid) AS definition, covered_by_definition,
       pg_relation_size(indexrelid) AS index_bytes,
       'DROP INDEX CONCURRENTLY ' || quote_ident(schema) || '.' || quote_ident(index) || ';' AS fix
  FROM pairs
 ORDER BY indexrelid, identical DESC, covered_by_oid`;

export const duplicateIndexes: HealthCheck = {
  key: 'indexes.duplicate',
  area: 'indexes',
  name: 'duplicate',
  title: 'Duplicate indexes',
  unit: 'count',
  remediation: `-- An index identical to, or a leading prefix of, another index is pure write cost. Keep the covering one:
DROP INDEX CONCURRENTLY <schema>.<redundant index>;`,
  threshold: () => ({ comparison: 'above', warning: 0, critical: null }),
  async run({ client }) {
    const r = await client.query(`SELECT * FROM (${DUPLICATE_INDEXES_SQL}) d ORDER BY index_bytes DESC, schema, index`);
    const value = r.rowCount ?? 0;
    const bytes = r.rows.reduce((a: number, row: { index_bytes: string }) => a + Number(row.index_bytes), 0);
    return {
      status: value > 0 ? 'warning' : 'ok',
      value,
      detail:
        value > 0
          ? `${value} index${value === 1 ? ' is' : 'es are'} covered by another index (${formatBytes(bytes)}); each row names the index that is kept.`
          : 'No duplicate indexes.',
      rows: toRows(r.rows, ['index_bytes']),
      remediation:
        value > 0
          ? r.rows
              .slice(0, 20)
              .map((row: { fix: string; covered_by: string }) => `${row.fix} -- covered by ${row.covered_by}`)
              .join('\n')
          : undefined,
    };
  },
};
