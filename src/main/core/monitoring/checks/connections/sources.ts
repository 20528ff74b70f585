/**
 * Connection sources (PgHero's `connection_sources`): every session on the server grouped by
 * database, user, application and client address, with how many are active and idle in transaction.
 * Informational: the value is the number of sessions; it never warns on its own (pool_usage does).
 */
import { toRows, type HealthCheck } from '../../check';

export const connectionSources: HealthCheck = {
  key: 'connections.sources',
  area: 'connections',
  name: 'sources',
  title: 'Connection sources',
  unit: 'count',
  remediation: `-- Find the application holding the most connections and put a pooler (PgBouncer, Supavisor) in front of it:
SELECT datname, usename, application_name, client_addr, count(*) FROM pg_stat_activity GROUP BY 1, 2, 3, 4 ORDER BY 5 DESC;`,
  threshold: () => null,
  async run({ client, features }) {
    const r = await client.query(
      `SELECT COALESCE(datname, '(none)') AS database, COALESCE(usename, '(none)') AS user,
              COALESCE(NULLIF(application_name, ''), '(unnamed)') AS application,
              COALESCE(host(client_addr), CASE WHEN client_port = -1 THEN 'local socket' ELSE '(unknown)' END) AS address,
              count(*) AS connections,
              count(*) FILTER (WHERE state = 'active') AS active,
              count(*) FILTER (WHERE state LIKE 'idle in transaction%') AS idle_in_transaction
         FROM pg_stat_activity
        WHERE backend_type = 'client backend'
        GROUP BY 1, 2, 3, 4
        ORDER BY count(*) DESC, 1, 2, 3, 4`,
    );
    const value = r.rows.reduce((a: number, row: { connections: string }) => a + Number(row.connections), 0);
    const note = features.seesAllSessions ? '' : ' Degraded: only this role’s sessions show their details.';
    return {
      status: 'ok',
      value,
      detail: `${value} client connection${value === 1 ? '' : 's'} from ${r.rowCount ?? 0} source${r.rowCount === 1 ? '' : 's'} (database, user, application, address).${note}`,
      rows: toRows(r.rows, ['connections', 'active', 'idle_in_transaction']),
    };
  },
};
