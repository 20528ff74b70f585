/** `roman validate --db` / `roman approve --db`: live entropy from Postgres and the decision recorded in ops.roman_events. */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initDatabase } from '../../src/main/core/db/migrations';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { Cache } from '../../src/main/core/store/cache';
import { defaultCachePath } from '../../src/main/core/store/paths';
import { CLI_DATA_DIR, roman } from './run-roman';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase('roman_cli_constitution');
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await initDatabase(pool);
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function eventFor(decisionId: string) {
  const r = await pool.query<{ event_type: string; metadata: { input: { entropy_source: string; system_entropy: number; channel: string } } }>(
    'SELECT event_type, metadata FROM ops.roman_events WHERE idempotency_key = $1',
    [decisionId],
  );
  return r.rows;
}

describe('decisions against a live database', () => {
  it('measures the entropy, approves and records the decision when the system is calm', async () => {
    const r = roman(['approve', 'deploy to staging', '--db', db.url, '--dry-run', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    const rows = await eventFor(out.decision_id);
    expect(rows).toHaveLength(1);
    expect(rows[0].event_type).toBe('approval');
    expect(rows[0].metadata.input).toMatchObject({ entropy_source: 'live', system_entropy: 0, channel: 'cli' });
  });

  it('rejects an entropy-increasing action while the logs show an incident, and records the rejection', async () => {
    await pool.query(
      `INSERT INTO public.system_logs (severity, source, message, metadata)
       SELECT 'error', 'api', 'request failed', '{"status": 500, "latency_ms": 3000}'::jsonb FROM generate_series(1, 10)`,
    );
    const action = { method_type: 'gradual', entropy_increase: 0.08, risk_to_life: 0, description: 'Deploy untested code' };
    const r = roman(['validate', '--db', db.url, '--json'], JSON.stringify(action));
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.violations.map((v: { law: string }) => v.law)).toEqual(['total_coherence']);
    const rows = await eventFor(out.decision_id);
    expect(rows[0].event_type).toBe('rejection');
    expect(rows[0].metadata.input.system_entropy).toBeGreaterThan(0.1);

    const human = roman(['approve', 'rollback failed deployment', '--db', db.url, '--dry-run']);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/System Entropy: \d+(\.\d+)?% \(UNSTABLE, measured live\)/);
    expect(human.stdout).toContain('Recorded in ops.roman_events.');
  });

  it('exits 4 when the database cannot be reached, deciding nothing', () => {
    const r = roman(['approve', 'deploy to staging', '--db', 'postgres://postgres@127.0.0.1:1/none', '--dry-run', '--json']);
    expect(r.status).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Cannot measure the system entropy/);
  });
});

describe('every CLI decision lands in the local hash-chained trail', { timeout: 180_000 }, () => {
  it('--db: the decision is in ops.roman_events and in the chained trail of that database\'s cache', async () => {
    const r = roman(['approve', 'deploy to staging', '--db', db.url, '--dry-run', '--json']);
    expect(r.stdout).not.toBe('');
    const id = JSON.parse(r.stdout).decision_id as string;
    expect(await eventFor(id)).toHaveLength(1);
    const cache = Cache.open(defaultCachePath(db.url, { ROMAN_DATA_DIR: CLI_DATA_DIR }), { create: false });
    try {
      const chained = cache.db.prepare(`SELECT r.type FROM audit_chain a JOIN records r ON r.id = a.record_id WHERE a.entry_key = ?`).all(`decision:${id}`) as { type: string }[];
      expect(chained).toHaveLength(1);
      expect(['approval', 'rejection']).toContain(chained[0].type);
      expect(cache.verifyAuditChain().valid).toBe(true);
    } finally {
      cache.close();
    }
  });

  it('--entropy: validate and approve are recorded in the local trail (the default cache) and say where', () => {
    const action = { method_type: 'gradual', entropy_increase: 0.01, risk_to_life: 0, description: 'Rotate logs' };
    const v = roman(['validate', '--entropy', '0.042', '--json'], JSON.stringify(action));
    expect(v.status).toBe(0);
    const a = roman(['approve', 'delete production database', '--entropy', '0.042', '--dry-run']);
    expect(a.status).toBe(1);
    expect(a.stdout).toContain(`Recorded in the local audit trail (${defaultCachePath(undefined, { ROMAN_DATA_DIR: CLI_DATA_DIR })}).`);
    const cache = Cache.open(defaultCachePath(undefined, { ROMAN_DATA_DIR: CLI_DATA_DIR }), { create: false });
    try {
      const keys = (cache.db.prepare(`SELECT entry_key FROM audit_chain`).all() as { entry_key: string }[]).map((r) => r.entry_key);
      expect(keys).toContain(`decision:${JSON.parse(v.stdout).decision_id as string}`);
      expect(keys.length).toBeGreaterThanOrEqual(2);
      // No database is known: nothing is queued for delivery.
      expect(cache.outbox.pendingCount()).toBe(0);
      expect(cache.verifyAuditChain().valid).toBe(true);
    } finally {
      cache.close();
    }
  });
});
