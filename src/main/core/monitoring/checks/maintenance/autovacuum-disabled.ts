/**
 * Autovacuum switched off: server-wide (`autovacuum = off`, critical: nothing removes dead rows or
 * freezes old ones, except the forced anti-wraparound runs) or per table (`autovacuum_enabled = false`
 * or `toast.autovacuum_enabled = false` storage parameters). R.O.M.A.N.'s `ops` schema is not listed.
 */
import { notOwnSchema, toRows, type HealthCheck } from '../../check';

export const autovacuumDisabled: HealthCheck = {
  key: 'maintenance.autovacuum_disabled',
  area: 'maintenance',
  name: 'autovacuum_disabled',
  title: 'Autovacuum disabled',
  unit: 'count',
  remediation: `-- Server-wide (postgresql.conf or ALTER SYSTEM, then reload):
ALTER SYSTEM SET autovacuum = on; SELECT pg_reload_conf();
-- Per table:
ALTER TABLE <schema>.<table> RESET (autovacuum_enabled, toast.autovacuum_enabled);`,
  threshold: () => ({ comparison: 'above', warning: 0, critical: null }),
  async run({ client }) {
    const server = await client.query<{ on: boolean; track: boolean }>(
      `SELECT current_setting('autovacuum')::boolean AS on, current_setting('track_counts')::boolean AS track`,
    );
    const tables = await client.query(
      `SELECT n.nspname AS schema, c.relname AS table,
              array_to_string(ARRAY(SELECT o FROM unnest(c.reloptions) o WHERE o ILIKE 'autovacuum_enabled=%'), ',') AS table_option,
              array_to_string(ARRAY(SELECT o FROM unnest(tc.reloptions) o WHERE o ILIKE 'autovacuum_enabled=%'), ',') AS toast_option,
              'ALTER TABLE ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) ||
              ' RESET (autovacuum_enabled' || CASE WHEN c.reltoastrelid <> 0 THEN ', toast.autovacuum_enabled' ELSE '' END || ');' AS fix
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_class tc ON tc.oid = c.reltoastrelid
        WHERE c.relkind IN ('r', 'm') AND ${notOwnSchema('n.nspname')}
          AND (EXISTS (SELECT 1 FROM unnest(c.reloptions) o WHERE lower(o) IN ('autovacuum_enabled=false', 'autovacuum_enabled=off', 'autovacuum_enabled=0', 'autovacuum_enabled=no'))
            OR EXISTS (SELECT 1 FROM unnest(tc.reloptions) o WHERE lower(o) IN ('autovacuum_enabled=false', 'autovacuum_enabled=off', 'autovacuum_enabled=0', 'autovacuum_enabled=no')))
        ORDER BY 1, 2`,
    );
    const serverOff = !server.rows[0].on || !server.rows[0].track;
    const count = tables.rowCount ?? 0;
    const value = count + (serverOff ? 1 : 0);
    const parts: string[] = [];
    if (!server.rows[0].on) parts.push('autovacuum is OFF server-wide');
    if (!server.rows[0].track) parts.push('track_counts is off (autovacuum cannot see which tables need it)');
    if (count > 0) parts.push(`${count} table${count === 1 ? ' has' : 's have'} autovacuum disabled`);
    const fixes: string[] = [];
    if (!server.rows[0].on) fixes.push('ALTER SYSTEM SET autovacuum = on; SELECT pg_reload_conf();');
    if (!server.rows[0].track) fixes.push('ALTER SYSTEM SET track_counts = on; SELECT pg_reload_conf();');
    fixes.push(...tables.rows.slice(0, 20).map((r: { fix: string }) => r.fix));
    return {
      status: serverOff ? 'critical' : count > 0 ? 'warning' : 'ok',
      value,
      detail: parts.length > 0 ? parts.join('; ') + '.' : 'Autovacuum is on server-wide and for every table.',
      rows: toRows(tables.rows),
      remediation: fixes.length > 0 ? fixes.join('\n') : undefined,
    };
  },
};
