/** 0020 table_bloat: tables with ≥ 10 MB and ≥ 50 % estimated wasted space (estimate from statistics). */
import { BLOAT_MIN_BYTES, BLOAT_MIN_RATIO, TABLE_BLOAT_SQL } from '../../monitoring/checks/space/bloat-sql';
import { audited, type Lint } from '../lint';

export const tableBloat: Lint = {
  name: 'table_bloat',
  title: 'Table bloat',
  level: 'INFO',
  facing: 'INTERNAL',
  categories: ['PERFORMANCE'],
  description: 'Most of the table\'s pages hold dead or free space (estimate from statistics): scans read more than they need. VACUUM FULL or pg_repack gives the space back.',
  sql: `
SELECT format('Table %I.%I: about %s of %s is wasted (%s%%, estimate).', b.schema, b.table, pg_size_pretty(b.wasted_bytes::numeric), pg_size_pretty(b.table_bytes::numeric), round(b.wasted_ratio * 100)) AS detail,
       format(E'-- ACCESS EXCLUSIVE lock for the rewrite; or online: pg_repack --table=%s.%s\\nVACUUM FULL %I.%I;', b.schema, b.table, b.schema, b.table) AS remediation,
       jsonb_build_object('schema', b.schema, 'name', b.table, 'type', 'table', 'wasted_bytes', b.wasted_bytes, 'wasted_ratio', b.wasted_ratio) AS metadata,
       format('table_bloat_%s_%s', b.schema, b.table) AS cache_key
  FROM (${TABLE_BLOAT_SQL}) b
 WHERE b.wasted_bytes >= ${BLOAT_MIN_BYTES} AND b.wasted_ratio >= ${BLOAT_MIN_RATIO} AND ${audited('b.schema')}`,
};
