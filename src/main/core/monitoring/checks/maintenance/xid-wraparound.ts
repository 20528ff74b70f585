/**
 * Transaction-ID wraparound distance: transactions left before the current database must be
 * frozen (PgHero's limit 2,146,483,648 minus age(datfrozenxid)); oldest tables as offenders.
 */
import { grade, num, toRows, type HealthCheck } from '../../check';

const XID_LIMIT = 2_146_483_648;

export const xidWraparound: HealthCheck = {
  key: 'maintenance.xid_wraparound',
  area: 'maintenance',
  name: 'xid_wraparound',
  title: 'Transaction ID wraparound distance',
  unit: 'transactions',
  remediation: `-- Freeze the oldest tables first (can take long; watch pg_stat_progress_vacuum):
VACUUM (FREEZE, VERBOSE) <schema>.<table>;
-- Look for what holds back the xmin horizon: long transactions, prepared transactions, inactive slots.`,
  threshold: (t) => ({ comparison: 'below', warning: t.xidWraparoundWarningRemaining, critical: t.xidWraparoundCriticalRemaining }),
  async run({ client, thresholds }) {
    const db = await client.query(
      `SELECT age(datfrozenxid) AS age FROM pg_database WHERE datname = current_database()`,
    );
    const age = num(db.rows[0].age) ?? 0;
    const value = XID_LIMIT - age;
    const tables = await client.query(
      `SELECT n.nspname AS schema, c.relname AS table, age(c.relfrozenxid) AS xid_age,
              $1::bigint - age(c.relfrozenxid) AS transactions_left
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'm', 't') AND c.relfrozenxid <> '0'::xid
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        ORDER BY age(c.relfrozenxid) DESC
        LIMIT 10`,
      [XID_LIMIT],
    );
    return {
      status: grade(value, this.threshold(thresholds)),
      value,
      detail: `${value.toLocaleString('en-US')} transactions left before wraparound (database xid age ${age.toLocaleString('en-US')}).`,
      rows: toRows(tables.rows, ['xid_age', 'transactions_left']),
    };
  },
};
