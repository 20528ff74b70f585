/**
 * Database growth since the previous health snapshot (ops.system_health.metrics->>'database_size_bytes',
 * written by recordHealthSnapshot), as bytes per hour. Informational.
 */
import { formatBytes, noThreshold, num, relationExists, type HealthCheck } from '../../check';

export const databaseGrowth: HealthCheck = {
  key: 'space.database_growth',
  area: 'space',
  name: 'database_growth',
  title: 'Database growth since last snapshot',
  unit: 'bytes_per_hour',
  remediation: `-- Which tables grew (compare with the previous report):
SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables ORDER BY n_tup_ins DESC LIMIT 20;`,
  threshold: noThreshold,
  async run({ client }) {
    const size = await client.query(`SELECT pg_database_size(current_database()) AS bytes, now() AS at`);
    const current = num(size.rows[0].bytes) ?? 0;
    if (!(await relationExists(client, 'ops.system_health'))) {
      return { status: 'no_data', value: null, detail: `No data: no previous snapshot (ops.system_health does not exist); current size ${formatBytes(current)}.` };
    }
    const prev = await client.query(
      `SELECT "timestamp", metrics->>'database_size_bytes' AS bytes FROM ops.system_health
        WHERE metrics->>'database_size_bytes' ~ '^[0-9]{1,19}$' ORDER BY "timestamp" DESC LIMIT 1`,
    );
    if (prev.rowCount === 0) {
      return { status: 'no_data', value: null, detail: `No data: no previous snapshot with a database size yet; current size ${formatBytes(current)}.` };
    }
    const before = Number(prev.rows[0].bytes);
    const hours = (new Date(size.rows[0].at).getTime() - new Date(prev.rows[0].timestamp).getTime()) / 3_600_000;
    const delta = current - before;
    const value = hours > 0 ? delta / hours : null;
    return {
      status: 'ok',
      value,
      detail: `${delta >= 0 ? '+' : '-'}${formatBytes(Math.abs(delta))} since the snapshot of ${new Date(prev.rows[0].timestamp).toISOString()}${value === null ? '' : ` (${formatBytes(value)}/h)`}.`,
      rows: [{ previous_bytes: before, current_bytes: current, previous_at: new Date(prev.rows[0].timestamp).toISOString() }],
    };
  },
};
