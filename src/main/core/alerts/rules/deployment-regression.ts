/**
 * Rule `deployment_regression` (manual, Production Deployment: "Monitor error rate for 10 minutes",
 * roll back on regression). The leader evaluates the post-deployment watch of every production
 * deployment recorded in the last hour; a deployment whose watch finds a significant regression
 * fires with its version and environment as labels. Its action is a rollback *request*: it goes
 * through the constitutional core and the operations gate like any other, never run by the alert.
 */
import { MINUTE, type AlertRule } from '../rule';
import { listDeployments } from '../../deployments/markers';
import { evaluateWatch } from '../../deployments/watch';

/** The watch window after a deployment (the manual's 10 minutes). */
export const DEPLOYMENT_WATCH_MINUTES = 10;
/** How long after a deployment its regression keeps the alert firing. */
const LOOKBACK_MINUTES = 60;
const PRODUCTION = new Set(['production', 'prod', 'live']);

export const deploymentRegression: AlertRule = {
  name: 'deployment_regression',
  title: 'Deployment Regression',
  severity: 'critical',
  trigger: 'Error rate, API success rate or p95 latency significantly worse in the 10 minutes after a production deployment than in the 10 minutes before',
  action: 'Request a rollback: roman approve "rollback deployment in production" (decided by the constitutional core, run through the operations gate)',
  forMs: 0,
  keepFiringForMs: 0,
  cadence: 'normal',
  historyJudged: false,
  async evaluate(db, { at }) {
    const exists = await db.query<{ ok: boolean }>(`SELECT to_regclass('ops.roman_events') IS NOT NULL AS ok`);
    if (!exists.rows[0]!.ok) return [];
    const deployments = (await listDeployments(db, { since: new Date(at.getTime() - LOOKBACK_MINUTES * MINUTE), until: at })).filter((d) => PRODUCTION.has(d.environment));
    const samples = [];
    for (const d of deployments) {
      const report = await evaluateWatch(db, d, DEPLOYMENT_WATCH_MINUTES, at);
      const worse = report.measures.filter((m) => m.status === 'regression');
      samples.push({
        labels: { version: d.version, environment: d.environment },
        active: report.outcome === 'regression',
        value: worse.length,
        summary:
          report.outcome === 'regression'
            ? `${d.version} (deployed ${d.at}): ${worse.map((m) => m.detail).join('; ')}`
            : `${d.version} (deployed ${d.at}): ${report.outcome === 'no_data' ? 'no data to compare yet' : 'no regression'}`,
      });
    }
    return samples;
  },
};
