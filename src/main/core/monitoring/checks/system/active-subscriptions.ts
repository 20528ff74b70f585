/**
 * Manual health query: active subscriptions (public.subscriptions, status = 'active'). That table
 * belongs to the monitored product, not to us; when it is missing the check says so.
 */
import { noThreshold, num, relationExists, unavailable, type HealthCheck } from '../../check';

export const activeSubscriptions: HealthCheck = {
  key: 'system.active_subscriptions',
  area: 'system',
  name: 'active_subscriptions',
  title: 'Active subscriptions',
  unit: 'count',
  remediation: `SELECT status, count(*) FROM public.subscriptions GROUP BY status;`,
  threshold: noThreshold,
  async run({ client }) {
    if (!(await relationExists(client, 'public.subscriptions'))) return unavailable('table public.subscriptions does not exist');
    const col = await client.query(
      `SELECT 1 FROM pg_attribute WHERE attrelid = 'public.subscriptions'::regclass AND attname = 'status' AND NOT attisdropped`,
    );
    if (col.rowCount === 0) return unavailable('table public.subscriptions has no column "status"');
    const r = await client.query(`SELECT count(*) AS n FROM public.subscriptions WHERE status::text = 'active'`);
    const value = num(r.rows[0].n) ?? 0;
    return { status: 'ok', value, detail: `${value} active subscription${value === 1 ? '' : 's'}.` };
  },
};
