/**
 * Sequences near their maximum (PgHero's `sequence_danger`). The limit is the smaller of the
 * sequence's own maximum and the maximum of the column it feeds: a bigint sequence behind an
 * `integer` column fails at 2,147,483,647 with "integer out of range", not at the sequence's max.
 * Columns fed by a sequence: owned (serial/identity) or via a `nextval()` default. Descending
 * sequences are measured against their minimum. Never-used sequences (last_value null) count as 0.
 */
import { grade, num, notOwnSchema, toRows, type HealthCheck } from '../../check';

export const SEQUENCE_WARNING = 0.75;
export const SEQUENCE_CRITICAL = 0.9;

export const SEQUENCE_DANGER_SQL = `
WITH feeds AS (
  SELECT d.objid AS seq, d.refobjid AS tbl, d.refobjsubid AS attnum
    FROM pg_depend d
   WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
  UNION
  SELECT d.refobjid, ad.adrelid, ad.adnum
    FROM pg_depend d JOIN pg_attrdef ad ON ad.oid = d.objid
   WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass
), measured AS (
  SELECT sn.nspname AS schema, s.relname AS sequence, tn.nspname AS table_schema, t.relname AS table,
         a.attname AS column, format_type(a.atttypid, a.atttypmod) AS column_type,
         format_type(ps.data_type, NULL) AS sequence_type, ps.increment_by,
         COALESCE(ps.last_value, ps.start_value - ps.increment_by)::numeric AS last_value,
         CASE WHEN ps.increment_by > 0 THEN
           LEAST(ps.max_value::numeric, CASE a.atttypid WHEN 'int2'::regtype THEN 32767 WHEN 'int4'::regtype THEN 2147483647 ELSE 9223372036854775807 END)
         ELSE
           GREATEST(ps.min_value::numeric, CASE a.atttypid WHEN 'int2'::regtype THEN -32768 WHEN 'int4'::regtype THEN -2147483648 ELSE -9223372036854775808 END)
         END AS limit_value,
         ps.start_value::numeric AS start_value,
         quote_ident(tn.nspname) || '.' || quote_ident(t.relname) AS q_table, quote_ident(a.attname) AS q_column,
         quote_ident(sn.nspname) || '.' || quote_ident(s.relname) AS q_sequence
    FROM feeds f
    JOIN pg_class s ON s.oid = f.seq AND s.relkind = 'S'
    JOIN pg_namespace sn ON sn.oid = s.relnamespace
    JOIN pg_class t ON t.oid = f.tbl
    JOIN pg_namespace tn ON tn.oid = t.relnamespace
    JOIN pg_attribute a ON a.attrelid = f.tbl AND a.attnum = f.attnum AND NOT a.attisdropped
    JOIN pg_sequences ps ON ps.schemaname = sn.nspname AND ps.sequencename = s.relname
   WHERE ${notOwnSchema('sn.nspname')} AND ${notOwnSchema('tn.nspname')}
)
SELECT m.*, round(GREATEST((m.last_value - m.start_value) / NULLIF(m.limit_value - m.start_value, 0), 0), 6) AS used_ratio,
       abs(m.limit_value - m.last_value) AS values_left
  FROM measured m`;

export const sequenceDanger: HealthCheck = {
  key: 'sequences.sequence_danger',
  area: 'sequences',
  name: 'sequence_danger',
  title: 'Sequences near their maximum',
  unit: 'ratio',
  remediation: `-- Widen the column (rewrites the table under an ACCESS EXCLUSIVE lock: plan a window or migrate online),
-- then the sequence:
ALTER TABLE <schema>.<table> ALTER COLUMN <column> TYPE bigint;
ALTER SEQUENCE <schema>.<sequence> AS bigint;`,
  threshold: () => ({ comparison: 'above', warning: SEQUENCE_WARNING, critical: SEQUENCE_CRITICAL }),
  async run({ client, thresholds }) {
    const r = await client.query(`SELECT * FROM (${SEQUENCE_DANGER_SQL}) s ORDER BY used_ratio DESC, sequence`);
    if ((r.rowCount ?? 0) === 0) return { status: 'ok', value: null, detail: 'No column is fed by a sequence.' };
    const value = num(r.rows[0].used_ratio) ?? 0;
    const danger = r.rows.filter((row: { used_ratio: string }) => Number(row.used_ratio) > SEQUENCE_WARNING);
    const fix = danger.slice(0, 20).map((row: Record<string, string>) => {
      const col = `${row.table_schema}.${row.table}.${row.column}`;
      const steps: string[] = [`-- ${row.schema}.${row.sequence} feeds ${col} (${row.column_type}): ${(Number(row.used_ratio) * 100).toFixed(1)}% used, ${row.values_left} values left`];
      if (row.column_type !== 'bigint') steps.push(`ALTER TABLE ${row.q_table} ALTER COLUMN ${row.q_column} TYPE bigint;`);
      if (row.sequence_type !== 'bigint') steps.push(`ALTER SEQUENCE ${row.q_sequence} AS bigint;`);
      return steps.join('\n');
    });
    const top = r.rows[0] as Record<string, string>;
    return {
      status: grade(value, this.threshold(thresholds)),
      value,
      detail:
        danger.length > 0
          ? `${danger.length} sequence${danger.length === 1 ? '' : 's'} past ${SEQUENCE_WARNING * 100}% of the range of the column they feed; worst ${top.schema}.${top.sequence} → ${top.table}.${top.column} (${top.column_type}) at ${(value * 100).toFixed(1)}%.`
          : `Every sequence is below ${SEQUENCE_WARNING * 100}% of its column's range (highest ${(value * 100).toFixed(2)}%).`,
      rows: toRows(r.rows.slice(0, 20).map(({ q_table: _t, q_column: _c, q_sequence: _s, ...rest }: Record<string, unknown>) => rest), ['increment_by', 'last_value', 'limit_value', 'start_value', 'used_ratio', 'values_left']),
      remediation: fix.length > 0 ? fix.join('\n') : undefined,
    };
  },
};
