/**
 * Invalid indexes: maintained on writes, never used by reads. Usually a failed
 * `CREATE [UNIQUE] INDEX CONCURRENTLY`. The fix is never REINDEX: for a unique index the build failed
 * on duplicate values, and REINDEX would fail again and leave a `<name>_ccnew` index behind. The fix
 * says why it failed, gives the query that finds the duplicates, then drops and recreates the index.
 * A leftover `_ccnew`/`_ccold` index of a failed REINDEX CONCURRENTLY is only dropped (the original
 * exists). An index whose concurrent build is still running (pg_stat_progress_create_index) is not
 * a finding. R.O.M.A.N.'s own objects are never listed.
 */
import { notOwnIndex, notOwnSchema, toRows, type HealthCheck } from '../../check';

interface InvalidRow {
  schema: string;
  table: string;
  index: string;
  is_unique: boolean;
  definition: string;
  key_exprs: string[];
  predicate: string | null;
  /** quote_ident(schema) || '.' || quote_ident(index / table) */
  qindex: string;
  qtable: string;
}

/** The remediation of one invalid index (exported for the audit lint and tests). */
export function invalidIndexFix(row: InvalidRow): string {
  const name = row.qindex;
  const table = row.qtable;
  if (/_cc(new|old)[0-9]*$/.test(row.index)) {
    return `-- ${name} is left over from a failed REINDEX CONCURRENTLY; the original index still exists.
DROP INDEX CONCURRENTLY ${name};`;
  }
  const recreate = row.definition.replace(/^CREATE (UNIQUE )?INDEX /, (_m, u: string | undefined) => `CREATE ${u ?? ''}INDEX CONCURRENTLY `) + ';';
  if (row.is_unique) {
    const cols = row.key_exprs.join(', ');
    return `-- ${name} is INVALID: its unique CREATE INDEX CONCURRENTLY failed, almost always on duplicate values.
-- Do not REINDEX it: that fails again on the same duplicates and leaves a ${row.index}_ccnew index behind.
-- 1. Find the duplicates:
SELECT ${cols}, count(*) AS copies FROM ${table}${row.predicate ? ` WHERE ${row.predicate}` : ''} GROUP BY ${cols} HAVING count(*) > 1 ORDER BY copies DESC LIMIT 100;
-- 2. Resolve them (merge or delete the extra rows), then drop the invalid index and build it again:
DROP INDEX CONCURRENTLY ${name};
${recreate}`;
  }
  return `-- ${name} is INVALID: its CREATE INDEX CONCURRENTLY was cancelled or failed (deadlock, timeout, out of space).
-- Drop it and build it again (do not REINDEX an invalid index):
DROP INDEX CONCURRENTLY ${name};
${recreate}`;
}

export const INVALID_INDEXES_SQL = `
SELECT n.nspname AS schema, t.relname AS table, c.relname AS index, i.indisunique AS is_unique,
       pg_get_indexdef(i.indexrelid) AS definition,
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) k) AS key_exprs,
       pg_get_expr(i.indpred, i.indrelid, true) AS predicate,
       quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qindex,
       quote_ident(n.nspname) || '.' || quote_ident(t.relname) AS qtable
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT i.indisvalid AND ${notOwnSchema('n.nspname')} AND ${notOwnIndex('c.relname')}
   AND NOT EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.index_relid = i.indexrelid OR
                   (p.relid = i.indrelid AND p.index_relid = 0 AND p.command LIKE 'CREATE INDEX CONCURRENTLY%'))
 ORDER BY 1, 3`;

export const invalidIndexes: HealthCheck = {
  key: 'indexes.invalid',
  area: 'indexes',
  name: 'invalid',
  title: 'Invalid indexes',
  unit: 'count',
  remediation: `-- Do not REINDEX an invalid index. Find why the build failed (duplicates for a unique index),
-- then: DROP INDEX CONCURRENTLY <schema>.<index>; CREATE [UNIQUE] INDEX CONCURRENTLY …;`,
  threshold: () => ({ comparison: 'above', warning: 0, critical: null }),
  async run({ client }) {
    const r = await client.query<InvalidRow>(INVALID_INDEXES_SQL);
    const value = r.rowCount ?? 0;
    return {
      status: value > 0 ? 'warning' : 'ok',
      value,
      detail:
        value > 0
          ? `${value} invalid index${value === 1 ? '' : 'es'} (failed concurrent builds): written on every change, never read.`
          : 'No invalid indexes (builds still running are not counted).',
      rows: toRows(r.rows.map((row) => ({ schema: row.schema, table: row.table, index: row.index, unique: row.is_unique, definition: row.definition }))),
      remediation: value > 0 ? r.rows.slice(0, 20).map(invalidIndexFix).join('\n\n') : undefined,
    };
  },
};
