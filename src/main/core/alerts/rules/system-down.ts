/** Rule `system_down` (manual, Critical): 10+ errors (severity error or critical) in 1 minute. */
import type { AlertRule } from '../rule';

export const SYSTEM_DOWN_THRESHOLD = 10;

export const systemDown: AlertRule = {
  name: 'system_down',
  title: 'System Down',
  severity: 'critical',
  trigger: '10+ errors in 1 minute',
  action: 'Send Discord alert, page on-call engineer',
  forMs: 0,
  keepFiringForMs: 60_000,
  cadence: 'signal',
  historyJudged: false,
  async evaluate(db, { at }) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM public.system_logs
        WHERE severity IN ('error', 'critical')
          AND timestamp > $1::timestamptz - interval '1 minute' AND timestamp <= $1::timestamptz`,
      [at.toISOString()],
    );
    const n = rows[0]?.n ?? 0;
    return [
      {
        labels: {},
        active: n >= SYSTEM_DOWN_THRESHOLD,
        value: n,
        summary: `${n} error${n === 1 ? '' : 's'} in the last minute (threshold ${SYSTEM_DOWN_THRESHOLD})`,
      },
    ];
  },
};
