/** Inactive replication slots: they keep WAL on the primary's disk until they are dropped or resumed. */
import { formatBytes, grade, num, toRows, type HealthCheck } from '../../check';

export const replicationSlots: HealthCheck = {
  key: 'replication.inactive_slots',
  area: 'replication',
  name: 'inactive_slots',
  title: 'Inactive replication slots retaining WAL',
  unit: 'bytes',
  remediation: `-- If the consumer is gone for good:
SELECT pg_drop_replication_slot('<slot_name>');
-- Guard rail (PG 13+): ALTER SYSTEM SET max_slot_wal_keep_size = '10GB'; SELECT pg_reload_conf();`,
  threshold: (t) => ({ comparison: 'above', warning: 0, critical: t.replicationSlotRetainedCriticalBytes }),
  async run({ client, thresholds, features }) {
    const lsn = features.inRecovery ? 'pg_last_wal_receive_lsn()' : 'pg_current_wal_lsn()';
    const r = await client.query(
      `SELECT slot_name, slot_type, database, active,
              COALESCE(pg_wal_lsn_diff(${lsn}, restart_lsn), 0)::bigint AS retained_bytes,
              'SELECT pg_drop_replication_slot(' || quote_literal(slot_name) || ');' AS fix
         FROM pg_replication_slots
        WHERE NOT active
        ORDER BY retained_bytes DESC`,
    );
    const count = r.rowCount ?? 0;
    if (count === 0) return { status: 'ok', value: 0, detail: 'No inactive replication slots.' };
    const value = r.rows.reduce((a: number, row: { retained_bytes: unknown }) => a + (num(row.retained_bytes) ?? 0), 0);
    const status = grade(value, this.threshold(thresholds));
    return {
      status: status === 'ok' ? 'warning' : status,
      value,
      detail: `${count} inactive slot${count === 1 ? '' : 's'} retaining ${formatBytes(value)} of WAL.`,
      rows: toRows(r.rows, ['retained_bytes']),
      remediation: r.rows.map((row: { fix: string }) => row.fix).join('\n'),
    };
  },
};
