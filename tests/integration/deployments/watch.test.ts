/** The post-deployment watch against real Postgres: healthy, each kind of regression, quiet, live minutes. */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { ManualClock } from '../../../src/main/core/clock';
import { findDeployment, listDeployments, recordDeployment } from '../../../src/main/core/deployments/markers';
import { evaluateWatch, watchDeployment } from '../../../src/main/core/deployments/watch';
import type { WatchMinute } from '../../../src/shared/deployments';
import { plantTraffic } from './helpers';
import { deploymentRegression } from '../../../src/main/core/alerts/rules';
import { defaultAlertConfig } from '../../../src/main/core/alerts/rule';

let tdb: TestDatabase;
let pool: pg.Pool;
const T0 = new Date('2026-06-01T12:00:00Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
const CALM = { perMinute: 60, errorShare: 0.005, failShare: 0.004, latencyMs: 180 };

beforeAll(async () => {
  tdb = await createTestDatabase('roman_deploy_watch');
  pool = new pg.Pool({ connectionString: tdb.url, max: 3 });
  await initDatabase(pool);
});
afterEach(async () => {
  await pool.query('TRUNCATE public.system_logs');
  await pool.query(`DELETE FROM ops.roman_events WHERE event_type = 'deployment'`);
});
afterAll(async () => {
  await pool?.end();
  await tdb?.drop();
});

async function deploy(version: string) {
  return (await recordDeployment(pool, { version, environment: 'production', deployedBy: 'ci', at: T0 })).marker;
}

describe('deployment markers', () => {
  it('are recorded once, found by version, and listed by deployment time', async () => {
    const a = await recordDeployment(pool, { version: 'v2.18.3', environment: 'Production', correlationId: 'deploy_abc', deployedBy: 'ci', at: T0 });
    const again = await recordDeployment(pool, { version: 'v2.18.3', environment: 'production', correlationId: 'deploy_abc', deployedBy: 'ci', at: T0 });
    expect(a.inserted).toBe(true);
    expect(again.inserted).toBe(false);
    expect(a.marker).toMatchObject({ version: 'v2.18.3', environment: 'production', correlationId: 'deploy_abc', deployedBy: 'ci', at: T0.toISOString() });
    expect(await findDeployment(pool, { version: 'v2.18.3', environment: 'staging' })).toBeNull();
    expect((await listDeployments(pool, { since: at(-5), until: at(5) })).map((m) => m.version)).toEqual(['v2.18.3']);
    expect(await listDeployments(pool, { since: at(5), until: at(10) })).toEqual([]);
    await expect(recordDeployment(pool, { version: 'bad version; drop', environment: 'production', deployedBy: 'ci', at: T0 })).rejects.toThrow(/version/);
  });
});

describe('the watch', () => {
  it('a clean deployment is healthy on every measure', async () => {
    const d = await deploy('1.0.0');
    await plantTraffic(pool, T0, -10, 10, CALM);
    const r = await evaluateWatch(pool, d, 10, at(30));
    expect(r.outcome).toBe('healthy');
    expect(r.measures.map((m) => m.status)).toEqual(['healthy', 'healthy', 'healthy']);
    expect(r.minutes.filter((m) => m.index > 0)).toHaveLength(10);
    expect(r.minutes.filter((m) => m.index <= 0)).toHaveLength(10);
  });

  it('more errors after the deployment is a regression of the error rate', async () => {
    const d = await deploy('1.0.1');
    await plantTraffic(pool, T0, -10, 0, CALM);
    await plantTraffic(pool, T0, 0, 10, { ...CALM, errorShare: 0.08 });
    const r = await evaluateWatch(pool, d, 10, at(30));
    expect(r.outcome).toBe('regression');
    expect(r.measures.find((m) => m.name === 'error_rate')!.status).toBe('regression');
    expect(r.summary).toMatch(/error rate/);
  });

  it('failing requests after the deployment is a regression of the API success rate', async () => {
    const d = await deploy('1.0.2');
    await plantTraffic(pool, T0, -10, 0, CALM);
    await plantTraffic(pool, T0, 0, 10, { ...CALM, failShare: 0.1 });
    const r = await evaluateWatch(pool, d, 10, at(30));
    const m = r.measures.find((x) => x.name === 'api_success_rate')!;
    expect(m.status).toBe('regression');
    expect(m.after!).toBeLessThan(m.before!);
  });

  it('slower requests after the deployment is a regression of p95 latency', async () => {
    const d = await deploy('1.0.3');
    await plantTraffic(pool, T0, -10, 0, CALM);
    await plantTraffic(pool, T0, 0, 10, { ...CALM, latencyMs: 2400 });
    const r = await evaluateWatch(pool, d, 10, at(30));
    expect(r.measures.find((x) => x.name === 'p95_latency')!.status).toBe('regression');
    expect(r.measures.find((x) => x.name === 'error_rate')!.status).toBe('healthy');
  });

  it('three bad requests are not a regression, and not healthy either: too few to judge is no data', async () => {
    const d = await deploy('1.0.4');
    await plantTraffic(pool, T0, -10, 0, CALM);
    await plantTraffic(pool, T0, 0, 1, { perMinute: 3, errorShare: 1, failShare: 1, latencyMs: 5000 });
    const r = await evaluateWatch(pool, d, 10, at(30));
    expect(r.outcome).toBe('no_data');
    expect(r.measures.map((m) => m.status)).toEqual(['no_data', 'no_data', 'no_data']);
    expect(r.measures[0]!.detail).toMatch(/too few/);
  });

  it('a quiet database has no data, never healthy', async () => {
    const d = await deploy('1.0.5');
    const r = await evaluateWatch(pool, d, 10, at(30));
    expect(r.outcome).toBe('no_data');
    expect(r.measures.every((m) => m.status === 'no_data')).toBe(true);
  });

  it('followed live, it reports each minute as it completes and stops early at a regression', async () => {
    const d = await deploy('1.0.6');
    await plantTraffic(pool, T0, -10, 0, CALM);
    await plantTraffic(pool, T0, 0, 2, CALM);
    await plantTraffic(pool, T0, 2, 4, { ...CALM, errorShare: 0.5 });
    const clock = new ManualClock(at(0.5));
    const seen: WatchMinute[] = [];
    const r = await watchDeployment(pool, d, {
      windowMinutes: 10,
      clock,
      settleMs: 0,
      sleep: async (ms) => clock.advance(ms),
      onMinute: (m) => seen.push(m),
    });
    expect(r.outcome).toBe('regression');
    expect(seen.map((m) => m.index)).toEqual(seen.map((_, i) => i + 1));
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.length).toBeLessThan(10);
  });
});

describe('the Deployment Regression alert rule', () => {
  it('fires for a production deployment whose watch regressed, with its version, and not for staging or a clean one', async () => {
    await plantTraffic(pool, T0, -10, 0, CALM);
    await plantTraffic(pool, T0, 0, 10, { ...CALM, errorShare: 0.1 });
    await recordDeployment(pool, { version: 'bad-1', environment: 'production', deployedBy: 'ci', at: T0 });
    await recordDeployment(pool, { version: 'stage-1', environment: 'staging', deployedBy: 'ci', at: T0 });
    const samples = await deploymentRegression.evaluate(pool, { at: at(12), config: defaultAlertConfig });
    expect(samples).toHaveLength(1);
    expect(samples[0]).toMatchObject({ labels: { version: 'bad-1', environment: 'production' }, active: true });
    expect(samples[0]!.summary).toMatch(/error rate/);
    // an hour later the deployment is out of the rule's lookback
    expect(await deploymentRegression.evaluate(pool, { at: at(90), config: defaultAlertConfig })).toEqual([]);
    expect(deploymentRegression.action).toMatch(/rollback/i);
  });
});
