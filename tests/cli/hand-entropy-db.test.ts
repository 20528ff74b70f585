/** `roman validate|approve --db URL --entropy X`: the live reading decides; a hand value may only raise it. */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initDatabase } from '../../src/main/core/db/migrations';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { roman } from './run-roman';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase('roman_cli_hand_entropy');
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await initDatabase(pool);
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function inputOf(decisionId: string) {
  const r = await pool.query<{ input: Record<string, unknown> }>(`SELECT metadata->'input' AS input FROM ops.roman_events WHERE idempotency_key = $1`, [decisionId]);
  return r.rows[0]?.input;
}

describe('--db with --entropy', () => {
  it('uses a higher hand value (more cautious) and records both', { timeout: 240_000 }, async () => {
    const action = { method_type: 'gradual', entropy_increase: 0.01, risk_to_life: 0, description: 'Deploy to staging' };
    const r = roman(['validate', '--db', db.url, '--entropy', '59%', '--json'], JSON.stringify(action));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const input = await inputOf(JSON.parse(r.stdout).decision_id);
    expect(input).toMatchObject({ system_entropy: 0.59, entropy_source: 'manual', entropy_hand: 0.59, entropy_live: 0 });
  });

  it('ignores a lower hand value while the system is in an incident, and says so', { timeout: 240_000 }, async () => {
    await pool.query(`INSERT INTO public.system_logs (severity, source, message) SELECT 'error', 'api', 'boom' FROM generate_series(1, 12)`);
    const r = roman(['approve', 'deploy to production', '--db', db.url, '--entropy', '0.042', '--dry-run']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/the hand value 4\.2% was ignored: it is lower than the live reading/);
    expect(r.stdout).toMatch(/Critical alerts: System Down \(12 errors in the last minute/);
    expect(r.stdout).toMatch(/Entropy windows: 5 min [\d.]+%, 15 min [\d.]+% \(the worst is used\)/);
  });
});
