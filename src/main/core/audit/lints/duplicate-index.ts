/** 0009 duplicate_index: an index identical to, or a btree prefix of, another (only the redundant copy). */
import { DUPLICATE_INDEXES_SQL } from '../../monitoring/checks/indexes/duplicate';
import type { Lint } from '../lint';

export const duplicateIndex: Lint = {
  name: 'duplicate_index',
  title: 'Duplicate index',
  level: 'WARN',
  facing: 'EXTERNAL',
  categories: ['PERFORMANCE'],
  description: 'An index identical to another one, or whose columns lead another btree index, only costs space and write time. The covering index is kept.',
  sql: `
SELECT format('Index %I on %I.%I is %s by %I.', d.index, d.schema, d.table,
              CASE d.kind WHEN 'identical' THEN 'identical to the kept index' ELSE 'a leading prefix of, so covered' END, d.covered_by) AS detail,
       d.fix AS remediation,
       jsonb_build_object('schema', d.schema, 'name', d.table, 'type', 'table', 'index', d.index, 'covered_by', d.covered_by, 'kind', d.kind) AS metadata,
       format('duplicate_index_%s_%s_%s', d.schema, d.table, d.index) AS cache_key
  FROM (${DUPLICATE_INDEXES_SQL}) d`,
};
