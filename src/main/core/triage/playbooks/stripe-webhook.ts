/**
 * Playbook 4 — Stripe Webhook Verification Failed (source 'stripe_webhook', severity error).
 * Checks: failures in the last hour and whether they continue, the age of the last successful
 * webhook (a stale endpoint means events are being missed), and whether the failures started
 * after a deployment (a rotated or mis-set STRIPE_WEBHOOK_SECRET). No database action: the secret
 * lives in the project's environment (manual steps), missed events are replayed from Stripe.
 */
import type { PlaybookDetection } from '../../../../shared/triage';
import { countOf, plural, relationExists, runCheck } from './common';
import type { Playbook } from './types';

const DETECTION_SQL = `SELECT count(*) FROM system_logs
WHERE source = 'stripe_webhook' AND severity = 'error'
  AND message ILIKE '%verification failed%'
  AND timestamp > NOW() - INTERVAL '1 hour';`;

const FAILED = `source = 'stripe_webhook' AND severity IN ('error', 'critical') AND (message ILIKE '%verif%' OR message ILIKE '%signature%')`;

export const stripeWebhook: Playbook = {
  name: 'stripe_webhook',
  title: 'Stripe webhook verification failed',
  description: 'Stripe webhooks rejected because their signature does not verify.',
  claimedRate: 0.6,
  manualSteps: [
    'Verify `STRIPE_WEBHOOK_SECRET` is current',
    'Check Stripe Dashboard → Webhooks for signing secret',
    'Compare secrets',
    'If mismatch → Update environment variable',
    'Restart Edge Function',
    'Replay missed webhooks from Stripe Dashboard',
  ],

  async detect(ctx): Promise<PlaybookDetection> {
    if (!(await relationExists(ctx.db, 'public.system_logs'))) {
      return { sql: DETECTION_SQL, window: '1 hour', count: 0, triggered: false, detail: 'public.system_logs does not exist: nothing can be detected' };
    }
    const n = await countOf(
      ctx.db,
      `SELECT count(*) AS n FROM public.system_logs WHERE ${FAILED}
          AND "timestamp" > $1::timestamptz - interval '1 hour' AND "timestamp" <= $1::timestamptz`,
      [ctx.now.toISOString()],
    );
    return { sql: DETECTION_SQL, window: '1 hour', count: n, triggered: n > 0, detail: `${plural(n, 'failed verification')} in the last hour` };
  },

  async check(ctx) {
    const at = ctx.now.toISOString();
    return Promise.all([
      runCheck('still_failing', 'Are verifications still failing? (last 10 minutes)', async () => {
        const n = await countOf(
          ctx.db,
          `SELECT count(*) AS n FROM public.system_logs WHERE ${FAILED} AND "timestamp" > $1::timestamptz - interval '10 minutes' AND "timestamp" <= $1::timestamptz`,
          [at],
        );
        return { status: n > 0 ? 'failed' : 'ok', detail: n > 0 ? `${plural(n, 'failure')} in the last 10 minutes` : 'no failure in the last 10 minutes', value: n };
      }),
      runCheck('last_success', 'Age of the last successful webhook', async () => {
        const r = await ctx.db.query<{ last: Date | null }>(
          `SELECT max("timestamp") AS last FROM public.system_logs
            WHERE source = 'stripe_webhook' AND severity IN ('debug', 'info') AND "timestamp" <= $1::timestamptz`,
          [at],
        );
        const last = r.rows[0]?.last ?? null;
        if (!last) return { status: 'unknown', detail: 'no successful webhook on record', value: null };
        const minutes = Math.round((ctx.now.getTime() - new Date(last).getTime()) / 60_000);
        return {
          status: minutes > 60 ? 'failed' : minutes > 15 ? 'warning' : 'ok',
          detail: `last successful webhook ${minutes} min ago (${new Date(last).toISOString()})${minutes > 60 ? ': events are being missed, replay them from the Stripe Dashboard' : ''}`,
          value: minutes,
        };
      }),
      runCheck('after_deployment', 'Did the failures start after a deployment?', async () => {
        const first = await ctx.db.query<{ ts: Date; correlation_id: string | null }>(
          `SELECT "timestamp" AS ts, correlation_id::text FROM public.system_logs WHERE ${FAILED}
              AND "timestamp" > $1::timestamptz - interval '24 hours' AND "timestamp" <= $1::timestamptz
            ORDER BY "timestamp" LIMIT 1`,
          [at],
        );
        const f = first.rows[0];
        if (!f) return { status: 'ok', detail: 'no failure in the last 24 hours', value: null };
        if (!(await relationExists(ctx.db, 'ops.roman_events'))) return { status: 'unknown', detail: 'ops.roman_events does not exist: deployments unknown', value: null };
        const dep = await ctx.db.query<{ ts: Date; version: string | null }>(
          `SELECT "timestamp" AS ts, metadata->>'version' AS version FROM ops.roman_events
            WHERE event_type IN ('deployment', 'deploy') AND "timestamp" <= $1::timestamptz ORDER BY "timestamp" DESC LIMIT 1`,
          [new Date(f.ts).toISOString()],
        );
        const d = dep.rows[0];
        if (!d) return { status: 'unknown', detail: 'no deployment recorded before the first failure', value: null };
        const gap = Math.round((new Date(f.ts).getTime() - new Date(d.ts).getTime()) / 60_000);
        return {
          status: gap <= 60 ? 'warning' : 'ok',
          detail: gap <= 60 ? `first failure ${gap} min after deployment ${d.version ?? ''}: check the secret it shipped with` : `first failure ${gap} min after the last deployment (${d.version ?? 'unknown version'})`,
          value: gap,
        };
      }),
    ]);
  },

  async actions() {
    return [];
  },
};
