/**
 * 0001 unindexed_foreign_keys: a foreign key whose columns are not the leading columns, in the same
 * order, of a valid non-partial index on the referencing table. Deletes and updates on the referenced
 * table then scan the referencing one, and joins on the key cannot use an index.
 */
import { audited, type Lint } from '../lint';

export const unindexedForeignKeys: Lint = {
  name: 'unindexed_foreign_keys',
  title: 'Unindexed foreign keys',
  level: 'INFO',
  facing: 'EXTERNAL',
  categories: ['PERFORMANCE'],
  description: 'Foreign keys without a covering index (its columns, in order, leading a valid index) make deletes on the referenced table and joins slow.',
  sql: `
WITH fk AS (
  SELECT n.nspname AS schema, t.relname AS tbl, c.conname, c.conrelid, c.conkey,
         ARRAY(SELECT quote_ident(a.attname) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS cols,
         ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS names
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
   WHERE c.contype = 'f' AND ${audited('n.nspname')}
)
SELECT format('Table %I.%I has foreign key %I (%s) without a covering index.', schema, tbl, conname, array_to_string(names, ', ')) AS detail,
       format('CREATE INDEX CONCURRENTLY %I ON %I.%I (%s);', left(tbl || '_' || array_to_string(names, '_') || '_fkey_idx', 63), schema, tbl, array_to_string(cols, ', ')) AS remediation,
       jsonb_build_object('schema', schema, 'name', tbl, 'type', 'table', 'fkey_name', conname, 'fkey_columns', names) AS metadata,
       format('unindexed_foreign_keys_%s_%s_%s', schema, tbl, conname) AS cache_key
  FROM fk
 WHERE NOT EXISTS (
   SELECT 1 FROM pg_index i
    WHERE i.indrelid = fk.conrelid AND i.indisvalid AND i.indpred IS NULL
      AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(fk.conkey)] = fk.conkey)`,
};
