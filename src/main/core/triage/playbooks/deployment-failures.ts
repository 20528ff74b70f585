/**
 * Playbook 5 — Deployment Failures: deployment or migration events of ops.roman_events with
 * severity error/critical or a failed status (the manual's "workflow status: failure"), and error
 * logs from CI sources. Checks: which job failed (metadata.job / stage), the last good deployment,
 * and the error rate since the latest deployment against the hour before it. Action: roll back the
 * last applied migration through the operations gate (destructive: backup first in production).
 */
import type { PlaybookDetection } from '../../../../shared/triage';
import { countOf, plural, relationExists, runCheck } from './common';
import type { Playbook, ProposedAction } from './types';

const DETECTION_SQL = `SELECT count(*) FROM ops.roman_events
WHERE event_type IN ('deployment', 'migration')
  AND (severity IN ('error', 'critical') OR metadata->>'status' IN ('failure', 'failed', 'rolled_back'))
  AND timestamp > NOW() - INTERVAL '24 hours';`;

const FAILED = `event_type IN ('deployment', 'deploy', 'migration')
  AND (severity IN ('error', 'critical') OR metadata->>'status' IN ('failure', 'failed', 'rolled_back'))`;

export const deploymentFailures: Playbook = {
  name: 'deployment_failures',
  title: 'Deployment failures',
  description: 'A deployment or a migration failed (GitHub Actions workflow status: failure).',
  claimedRate: 0.3,
  manualSteps: [
    'Identify failing job (lint, test, build)',
    'Pull job logs',
    'If lint errors → Run `npm run lint -- --fix`',
    'If test failures → Check test output for root cause',
    'If build errors → Check for missing dependencies',
    'Rollback to last known good commit',
    'Notify developer via Discord',
  ],

  async detect(ctx): Promise<PlaybookDetection> {
    if (!(await relationExists(ctx.db, 'ops.roman_events'))) {
      return { sql: DETECTION_SQL, window: '24 hours', count: 0, triggered: false, detail: 'ops.roman_events does not exist (run roman db init): nothing can be detected' };
    }
    const n = await countOf(
      ctx.db,
      `SELECT count(*) AS n FROM ops.roman_events WHERE ${FAILED}
          AND "timestamp" > $1::timestamptz - interval '24 hours' AND "timestamp" <= $1::timestamptz`,
      [ctx.now.toISOString()],
    );
    return { sql: DETECTION_SQL, window: '24 hours', count: n, triggered: n > 0, detail: `${plural(n, 'failed deployment or migration', 'failed deployments or migrations')} in the last 24 hours` };
  },

  async check(ctx) {
    const at = ctx.now.toISOString();
    const hasEvents = await relationExists(ctx.db, 'ops.roman_events').catch(() => false);
    if (!hasEvents) return [{ id: 'failing_job', title: 'Failing job', status: 'unknown', detail: 'ops.roman_events does not exist', value: null }];
    return Promise.all([
      runCheck('failing_job', 'Which job failed?', async () => {
        const r = await ctx.db.query<{ ts: Date; event_type: string; message: string; job: string | null }>(
          `SELECT "timestamp" AS ts, event_type, left(message, 200) AS message,
                  coalesce(metadata->>'job', metadata->>'stage', metadata->>'name') AS job
             FROM ops.roman_events WHERE ${FAILED} AND "timestamp" > $1::timestamptz - interval '24 hours' AND "timestamp" <= $1::timestamptz
            ORDER BY "timestamp" DESC LIMIT 1`,
          [at],
        );
        const x = r.rows[0];
        if (!x) return { status: 'ok', detail: 'no failed deployment or migration in the last 24 hours', value: null };
        const kind = /lint/i.test(x.job ?? x.message) ? 'lint → run `npm run lint -- --fix`' : /test/i.test(x.job ?? x.message) ? 'test → read the test output' : /build|depend/i.test(x.job ?? x.message) ? 'build → check for missing dependencies' : x.event_type;
        return { status: 'failed', detail: `${x.event_type} at ${new Date(x.ts).toISOString()}: ${x.message}${x.job ? ` (job ${x.job}, ${kind})` : ''}`, value: x.job ?? x.event_type };
      }),
      runCheck('last_good', 'Last known good deployment', async () => {
        const r = await ctx.db.query<{ ts: Date; version: string | null; commit: string | null }>(
          `SELECT "timestamp" AS ts, metadata->>'version' AS version, metadata->>'commit' AS commit FROM ops.roman_events
            WHERE event_type IN ('deployment', 'deploy') AND severity IN ('debug', 'info')
              AND coalesce(metadata->>'status', 'success') NOT IN ('failure', 'failed', 'rolled_back') AND "timestamp" <= $1::timestamptz
            ORDER BY "timestamp" DESC LIMIT 1`,
          [at],
        );
        const x = r.rows[0];
        if (!x) return { status: 'unknown', detail: 'no successful deployment on record', value: null };
        return { status: 'ok', detail: `v${x.version ?? '?'} (commit ${x.commit ?? '?'}) at ${new Date(x.ts).toISOString()}: roll back to it if the failure is a regression`, value: x.version };
      }),
      runCheck('errors_since', 'Errors since the latest deployment vs the hour before', async () => {
        if (!(await relationExists(ctx.db, 'public.system_logs'))) return { status: 'unknown', detail: 'public.system_logs does not exist', value: null };
        const dep = await ctx.db.query<{ ts: Date }>(
          `SELECT "timestamp" AS ts FROM ops.roman_events WHERE event_type IN ('deployment', 'deploy') AND "timestamp" <= $1::timestamptz ORDER BY "timestamp" DESC LIMIT 1`,
          [at],
        );
        const d = dep.rows[0];
        if (!d) return { status: 'unknown', detail: 'no deployment on record', value: null };
        const since = new Date(d.ts).toISOString();
        const r = await ctx.db.query<{ after: string; before: string }>(
          `SELECT count(*) FILTER (WHERE "timestamp" > $1::timestamptz AND "timestamp" <= $2::timestamptz) AS after,
                  count(*) FILTER (WHERE "timestamp" > $1::timestamptz - interval '1 hour' AND "timestamp" <= $1::timestamptz) AS before
             FROM public.system_logs WHERE severity IN ('error', 'critical') AND "timestamp" > $1::timestamptz - interval '1 hour' AND "timestamp" <= $2::timestamptz`,
          [since, at],
        );
        const minutes = Math.max(1, (ctx.now.getTime() - new Date(d.ts).getTime()) / 60_000);
        const afterRate = Number(r.rows[0]!.after) / minutes;
        const beforeRate = Number(r.rows[0]!.before) / 60;
        const worse = afterRate > Math.max(0.05, beforeRate * 2);
        return {
          status: worse ? 'failed' : 'ok',
          detail: `${afterRate.toFixed(2)} errors/min since the deployment vs ${beforeRate.toFixed(2)}/min in the hour before${worse ? ': a regression, roll back' : ''}`,
          value: Math.round(afterRate * 100) / 100,
        };
      }),
    ]);
  },

  async actions(ctx, checks) {
    const failed = checks.find((c) => c.id === 'failing_job')?.status === 'failed';
    const out: ProposedAction[] = [
      {
        id: 'rollback_migration',
        title: 'Roll back the last applied migration',
        kind: 'rollback',
        destructive: true,
        available: failed,
        reason: failed ? 'a deployment or migration failed in the last 24 hours (needs the migrations folder)' : 'no failed deployment or migration',
        params: {},
      },
    ];
    void ctx;
    return out;
  },
};
