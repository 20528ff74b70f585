/** Invalid indexes (a failed CREATE INDEX CONCURRENTLY): maintained on writes, never used by reads. */
import { toRows, type HealthCheck } from '../../check';

export const invalidIndexes: HealthCheck = {
  key: 'indexes.invalid',
  area: 'indexes',
  name: 'invalid',
  title: 'Invalid indexes',
  unit: 'count',
  remediation: `REINDEX INDEX CONCURRENTLY <schema>.<index>;
-- or drop and recreate it: DROP INDEX CONCURRENTLY <schema>.<index>; CREATE INDEX CONCURRENTLY …;`,
  threshold: () => ({ comparison: 'above', warning: 0, critical: null }),
  async run({ client }) {
    const r = await client.query(
      `SELECT n.nspname AS schema, t.relname AS table, c.relname AS index,
              'REINDEX INDEX CONCURRENTLY ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || ';' AS fix
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid
         JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT i.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        ORDER BY 1, 3`,
    );
    const value = r.rowCount ?? 0;
    return {
      status: value > 0 ? 'warning' : 'ok',
      value,
      detail: value > 0 ? `${value} invalid index${value === 1 ? '' : 'es'}.` : 'No invalid indexes.',
      rows: toRows(r.rows),
      remediation: value > 0 ? r.rows.slice(0, 20).map((row: { fix: string }) => row.fix).join('\n') : undefined,
    };
  },
};
