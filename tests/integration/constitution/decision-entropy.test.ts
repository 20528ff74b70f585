/**
 * Total Coherence sees the incident: a firing critical alert makes the system unstable (the verdict
 * names the alert), and the decision entropy is the worst of the 5- and 15-minute windows, so a
 * burst is not averaged away. Real Postgres, an injected clock.
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requestAction } from '../../../src/main/core/actions';
import { ManualClock } from '../../../src/main/core/clock';
import { chooseDecisionEntropy, measureDecisionEntropy } from '../../../src/main/core/constitution/decision-entropy';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

let db: TestDatabase;
let pool: pg.Pool;
const AT = '2026-11-24T20:30:00.000Z';
const clock = new ManualClock(AT);

beforeAll(async () => {
  db = await createTestDatabase('roman_decision_entropy');
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await initDatabase(pool);
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

beforeEach(async () => {
  await pool.query('DELETE FROM public.system_logs');
  await pool.query("DELETE FROM ops.roman_events WHERE event_type = 'backup'");
});

/** `n` rows of a severity/source spread evenly over (AT - fromMin, AT - toMin]. */
async function logs(n: number, severity: string, fromMin: number, toMin: number, source = 'api', metadata: object = {}): Promise<void> {
  await pool.query(
    `INSERT INTO public.system_logs (timestamp, severity, source, message, metadata)
     SELECT $1::timestamptz - make_interval(secs => ($2::float8 - ($2::float8 - $3::float8) * (g - 0.5) / $4) * 60), $5, $6, 'msg', $7::jsonb
       FROM generate_series(1, $4::int) g`,
    [AT, fromMin, toMin, n, severity, source, JSON.stringify(metadata)],
  );
}

async function decide(text: string, hand?: number) {
  const live = await measureDecisionEntropy(pool, clock);
  const choice = chooseDecisionEntropy(hand, live);
  return requestAction({ text, systemEntropy: choice.systemEntropy }, { requested_by: 'ops', channel: 'cli', ...choice.meta }, clock);
}

describe('decision entropy and critical alerts', () => {
  it('rejects "deploy to production" while System Down and Security Breach fire, naming both, although the entropy is STABLE', async () => {
    await logs(1500, 'info', 15, 1);
    await logs(12, 'error', 1, 0);
    await logs(6, 'warning', 1, 0, 'rls_violation', { ip: '203.0.113.9' });
    const o = await decide('deploy to production');
    expect(o.decision.input.system_entropy).toBeLessThanOrEqual(0.1);
    expect(o.decision.result.verdict).toBe('reject');
    const tc = o.decision.result.laws.find((l) => l.law === 'total_coherence')!;
    expect(tc.outcome).toBe('violation');
    expect(tc.detail).toMatch(/System Down \(12 errors in the last minute/);
    expect(tc.detail).toMatch(/Security Breach \(6 RLS violations from 203\.0\.113\.9/);
    expect(o.decision.input.critical_alerts!.map((a) => a.rule).sort()).toEqual(['security_breach', 'system_down']);
    expect(o.explanation.join('\n')).toMatch(/UNSTABLE, measured live/);
    expect(o.explanation.join('\n')).toMatch(/The system is unstable \(critical alerts firing: System Down/);
  });

  it('still allows an action that reduces entropy (rollback) during the incident', async () => {
    await logs(12, 'error', 1, 0);
    const o = await decide('rollback the failed deployment');
    expect(o.decision.result.verdict).toBe('approve');
    expect(o.decision.result.laws.find((l) => l.law === 'total_coherence')!.detail).toMatch(/System Down/);
  });

  it('a failed backup (Data Loss Risk) also makes the system unstable', async () => {
    await pool.query(
      `INSERT INTO ops.roman_events (timestamp, event_type, severity, message) VALUES ($1::timestamptz - interval '2 hours', 'backup', 'error', 'pg_dump failed: disk full')`,
      [AT],
    );
    const o = await decide('add a new feature in staging');
    expect(o.decision.result.verdict).toBe('reject');
    expect(o.decision.result.laws.find((l) => l.law === 'total_coherence')!.detail).toMatch(/Data Loss Risk/);
  });

  it('uses the worst of the 5- and 15-minute windows and records both', async () => {
    // 9 errors a minute for 5 minutes (below System Down's 10/min), a calm 10 minutes before.
    await logs(1000, 'info', 15, 5);
    await logs(45, 'error', 5, 0);
    await logs(20, 'info', 5, 0);
    const live = await measureDecisionEntropy(pool, clock);
    expect(live.criticalAlerts).toEqual([]);
    const w5 = live.windows.find((w) => w.minutes === 5)!;
    const w15 = live.windows.find((w) => w.minutes === 15)!;
    expect(w15.entropy).toBeLessThanOrEqual(0.1);
    expect(w5.entropy).toBeGreaterThan(0.1);
    expect(live.entropy).toBe(w5.entropy);
    const o = await decide('deploy to staging');
    expect(o.decision.result.verdict).toBe('reject');
    expect(o.decision.input.entropy_windows).toEqual(live.windows);
    expect(o.decision.input.system_entropy).toBe(w5.entropy);
  });

  it('approves on a calm system, with no critical alerts recorded', async () => {
    await logs(100, 'info', 15, 0);
    const o = await decide('deploy to staging');
    expect(o.decision.result.verdict).toBe('approve');
    expect(o.decision.input.critical_alerts).toEqual([]);
    expect(o.decision.input.entropy_basis).toMatch(/worst of the windows \(5 min 0%, 15 min 0%\)/);
    expect(o.decision.input.entropy_basis).not.toMatch(/no data/);
  });

  it('a database that never had traffic measures no instability: 0 %, recorded as no data', async () => {
    const o = await decide('deploy to staging');
    expect(o.decision.result.verdict).toBe('approve');
    expect(o.decision.input.system_entropy).toBe(0);
    expect(o.decision.input.entropy_reading?.data).toBe('no_data');
    expect(o.decision.input.entropy_basis).toMatch(/no data/);
  });
});

describe('a hand-typed entropy next to a live reading', () => {
  it('is ignored (and recorded) when lower than the live reading', async () => {
    await logs(1000, 'info', 15, 5);
    await logs(45, 'error', 5, 0);
    await logs(20, 'info', 5, 0);
    const o = await decide('deploy to staging', 0.042);
    expect(o.decision.result.verdict).toBe('reject');
    expect(o.decision.input.entropy_source).toBe('live');
    expect(o.decision.input.entropy_hand).toBe(0.042);
    expect(o.decision.input.entropy_live).toBeGreaterThan(0.1);
    expect(o.decision.input.entropy_basis).toMatch(/hand value 4\.2% was ignored: it is lower than the live reading/);
  });

  it('is used when higher (more cautious), and both values are recorded', async () => {
    await logs(100, 'info', 15, 0);
    const o = await decide('deploy to staging', 0.59);
    expect(o.decision.result.verdict).toBe('reject');
    expect(o.decision.input).toMatchObject({ entropy_source: 'manual', system_entropy: 0.59, entropy_hand: 0.59, entropy_live: 0 });
    expect(o.decision.input.entropy_basis).toMatch(/entered by hand \(59%\): higher, so more cautious, than the live reading 0%/);
  });
});
