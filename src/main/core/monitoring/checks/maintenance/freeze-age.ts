/**
 * Transaction-ID age per table against the `autovacuum_freeze_max_age` that applies to it (the
 * table's own storage parameter when set, else the server's). A table past that age gets a forced
 * anti-wraparound vacuum; far past it (1.5×) autovacuum is not keeping up. The value is the worst
 * ratio age ÷ freeze_max_age. R.O.M.A.N.'s `ops` schema is not listed.
 */
import { grade, num, notOwnSchema, toRows, type HealthCheck } from '../../check';

export const FREEZE_AGE_WARNING = 0.9;
export const FREEZE_AGE_CRITICAL = 1.5;

export const freezeAge: HealthCheck = {
  key: 'maintenance.freeze_age',
  area: 'maintenance',
  name: 'freeze_age',
  title: 'Table transaction-ID age vs autovacuum_freeze_max_age',
  unit: 'ratio',
  remediation: `-- Freeze the table before autovacuum is forced to (watch pg_stat_progress_vacuum):
VACUUM (FREEZE, VERBOSE) <schema>.<table>;
-- Then look for what holds the xmin horizon back: long transactions, prepared transactions, inactive slots.`,
  threshold: () => ({ comparison: 'above', warning: FREEZE_AGE_WARNING, critical: FREEZE_AGE_CRITICAL }),
  async run({ client, thresholds }) {
    const r = await client.query(
      `SELECT * FROM (
         SELECT n.nspname AS schema, c.relname AS table, age(c.relfrozenxid) AS xid_age,
                COALESCE((SELECT split_part(o, '=', 2)::bigint FROM unnest(c.reloptions) o WHERE o LIKE 'autovacuum_freeze_max_age=%'),
                         current_setting('autovacuum_freeze_max_age')::bigint) AS freeze_max_age,
                'VACUUM (FREEZE, VERBOSE) ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || ';' AS fix
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'm', 't') AND c.relfrozenxid <> '0'::xid AND ${notOwnSchema('n.nspname')}) t
       ORDER BY xid_age::numeric / freeze_max_age DESC, schema, "table"
       LIMIT 20`,
    );
    if ((r.rowCount ?? 0) === 0) return { status: 'ok', value: null, detail: 'No tables.' };
    type Row = { schema: string; table: string; xid_age: string; freeze_max_age: string; fix: string; ratio: number };
    const rows: Row[] = r.rows.map((row: Omit<Row, 'ratio'>) => ({ ...row, ratio: Math.round(((num(row.xid_age) ?? 0) / (num(row.freeze_max_age) ?? 1)) * 10_000) / 10_000 }));
    const value = rows[0].ratio;
    const near = rows.filter((row) => row.ratio > FREEZE_AGE_WARNING);
    const top = rows[0];
    return {
      status: grade(value, this.threshold(thresholds)),
      value,
      detail:
        near.length > 0
          ? `${near.length} table${near.length === 1 ? '' : 's'} past ${FREEZE_AGE_WARNING * 100}% of autovacuum_freeze_max_age; worst ${top.schema}.${top.table} at xid age ${Number(top.xid_age).toLocaleString('en-US')} of ${Number(top.freeze_max_age).toLocaleString('en-US')}.`
          : `Every table is below ${FREEZE_AGE_WARNING * 100}% of its autovacuum_freeze_max_age (worst ${top.schema}.${top.table}: ${(value * 100).toFixed(1)}%).`,
      rows: toRows(rows.filter((row) => row.ratio > FREEZE_AGE_WARNING || rows.indexOf(row) < 10) as unknown as Record<string, unknown>[], ['xid_age', 'freeze_max_age', 'ratio']),
      remediation: near.length > 0 ? near.map((row) => row.fix).join('\n') : undefined,
    };
  },
};
