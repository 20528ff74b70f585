/**
 * Constraints added NOT VALID and never validated: new rows are checked, existing rows are not, and
 * the planner cannot rely on them. `VALIDATE CONSTRAINT` takes only a SHARE UPDATE EXCLUSIVE lock.
 */
import { notOwnSchema, toRows, type HealthCheck } from '../../check';

export const NOT_VALID_CONSTRAINTS_SQL = `
SELECT n.nspname AS schema, t.relname AS table, c.conname AS constraint,
       CASE c.contype WHEN 'c' THEN 'check' WHEN 'f' THEN 'foreign key' ELSE c.contype::text END AS type,
       pg_get_constraintdef(c.oid) AS definition,
       'ALTER TABLE ' || quote_ident(n.nspname) || '.' || quote_ident(t.relname) ||
       ' VALIDATE CONSTRAINT ' || quote_ident(c.conname) || ';' AS fix
  FROM pg_constraint c
  JOIN pg_class t ON t.oid = c.conrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
 WHERE NOT c.convalidated AND ${notOwnSchema('n.nspname')}
 ORDER BY 1, 2, 3`;

export const notValidConstraints: HealthCheck = {
  key: 'maintenance.not_valid_constraints',
  area: 'maintenance',
  name: 'not_valid_constraints',
  title: 'Constraints not validated (NOT VALID)',
  unit: 'count',
  remediation: `-- Existing rows were never checked. Validate (SHARE UPDATE EXCLUSIVE lock; reads and writes continue):
ALTER TABLE <schema>.<table> VALIDATE CONSTRAINT <constraint>;`,
  threshold: () => ({ comparison: 'above', warning: 0, critical: null }),
  async run({ client }) {
    const r = await client.query(NOT_VALID_CONSTRAINTS_SQL);
    const value = r.rowCount ?? 0;
    return {
      status: value > 0 ? 'warning' : 'ok',
      value,
      detail: value > 0 ? `${value} constraint${value === 1 ? '' : 's'} added NOT VALID and never validated: existing rows are unchecked.` : 'Every constraint is validated.',
      rows: toRows(r.rows),
      remediation: value > 0 ? r.rows.slice(0, 20).map((row: { fix: string }) => row.fix).join('\n') : undefined,
    };
  },
};
