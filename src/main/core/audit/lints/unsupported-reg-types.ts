/** 0018 unsupported_reg_types: columns of reg* types that pg_upgrade cannot carry over (their OIDs change). */
import { audited, type Lint } from '../lint';

export const REG_TYPES = ['regcollation', 'regconfig', 'regdictionary', 'regnamespace', 'regoper', 'regoperator', 'regproc', 'regprocedure'];

export const unsupportedRegTypes: Lint = {
  name: 'unsupported_reg_types',
  title: 'Unsupported reg types',
  level: 'WARN',
  facing: 'EXTERNAL',
  categories: ['SECURITY'],
  description: 'Columns of these reg* types store OIDs that pg_upgrade cannot preserve: the database cannot be upgraded in place until they are converted.',
  sql: `
SELECT format('Column %I.%I.%I has type %s, which pg_upgrade does not support.', n.nspname, c.relname, a.attname, format_type(a.atttypid, NULL)) AS detail,
       format('ALTER TABLE %I.%I ALTER COLUMN %I TYPE text USING %I::text;', n.nspname, c.relname, a.attname, a.attname) AS remediation,
       jsonb_build_object('schema', n.nspname, 'name', c.relname, 'type', 'table', 'column', a.attname, 'column_type', format_type(a.atttypid, NULL)) AS metadata,
       format('unsupported_reg_types_%s_%s_%s', n.nspname, c.relname, a.attname) AS cache_key
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
 WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm')
   AND t.typname IN (${REG_TYPES.map((x) => `'${x}'`).join(', ')}) AND ${audited('n.nspname')}`,
};
