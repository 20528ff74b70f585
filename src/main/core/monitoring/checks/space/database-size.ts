/** Size of the current database on disk. Informational. */
import { formatBytes, noThreshold, num, type HealthCheck } from '../../check';

export const databaseSize: HealthCheck = {
  key: 'space.database_size',
  area: 'space',
  name: 'database_size',
  title: 'Database size',
  unit: 'bytes',
  remediation: `-- Biggest relations first:
SELECT n.nspname, c.relname, pg_size_pretty(pg_total_relation_size(c.oid))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
 ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 20;`,
  threshold: noThreshold,
  async run({ client }) {
    const r = await client.query(`SELECT current_database() AS db, pg_database_size(current_database()) AS bytes`);
    const value = num(r.rows[0].bytes);
    return { status: 'ok', value, detail: `Database ${r.rows[0].db} uses ${value === null ? 'n/a' : formatBytes(value)}.` };
  },
};
