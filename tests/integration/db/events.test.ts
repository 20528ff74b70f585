import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { EventValidationError, recordDecision, recordEvent } from '../../../src/main/core/db/events';
import type { Decision, Verdict } from '../../../src/shared/constitution';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase('roman_events');
  pool = new pg.Pool({ connectionString: db.url, max: 5 });
  await initDatabase(pool);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

function decision(verdict: Verdict, description = 'delete production database'): Decision {
  const violations = verdict === 'reject' ? [{ law: 'inhabitance' as const, message: 'Law of Inhabitance - Action endangers life' }] : [];
  const warnings = verdict === 'approve_with_warning' ? [{ law: 'structural_integrity' as const, message: 'ratio off' }] : [];
  return {
    decision_id: randomUUID(),
    core_version: '2.0.0+roman-desktop.0.1.0',
    timestamp: '2026-01-01T00:00:00.000Z',
    duration_ms: 0.4,
    requested_by: 'alice',
    channel: 'cli',
    input: {
      action: { method_type: 'brute_force', entropy_increase: 0.5, risk_to_life: 1, description },
      system_entropy: 0.05,
      requested_by: 'alice',
      channel: 'cli',
      entropy_source: 'manual',
    },
    result: { verdict, compliant: verdict !== 'reject', violations, warnings, laws: [] },
  };
}

async function eventsFor(key: string) {
  const r = await pool.query('select event_type, severity, message, metadata, idempotency_key from ops.roman_events where idempotency_key = $1', [key]);
  return r.rows;
}

describe('recordDecision', () => {
  it('writes a rejection with the manual message, warning severity and the whole decision as metadata', async () => {
    const d = decision('reject');
    expect(await recordDecision(pool, d)).toEqual({ inserted: true });
    const rows = await eventsFor(d.decision_id);
    expect(rows).toEqual([
      {
        event_type: 'rejection',
        severity: 'warning',
        message: 'Action rejected: delete production database',
        metadata: JSON.parse(JSON.stringify(d)),
        idempotency_key: d.decision_id,
      },
    ]);
  });

  it('writes approvals as info and approvals with warnings as warning', async () => {
    const ok = decision('approve', 'deploy to staging');
    const warn = decision('approve_with_warning', 'gradual migration');
    await recordDecision(pool, ok);
    await recordDecision(pool, warn);
    expect((await eventsFor(ok.decision_id))[0]).toMatchObject({ event_type: 'approval', severity: 'info', message: 'Action approved: deploy to staging' });
    expect((await eventsFor(warn.decision_id))[0]).toMatchObject({ event_type: 'approval', severity: 'warning' });
  });

  it('records a decision exactly once when it is retried and sent concurrently', async () => {
    const d = decision('reject');
    const results = await Promise.all(Array.from({ length: 12 }, () => recordDecision(pool, d)));
    const again = await recordDecision(pool, d);
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
    expect(again).toEqual({ inserted: false });
    expect(await eventsFor(d.decision_id)).toHaveLength(1);
  });

  it('refuses a decision without an id or verdict and writes nothing', async () => {
    const before = (await pool.query('select count(*)::int as n from ops.roman_events')).rows[0].n;
    await expect(recordDecision(pool, { ...decision('reject'), decision_id: '' })).rejects.toThrow(EventValidationError);
    const bad = decision('reject');
    (bad.result as { verdict: string }).verdict = 'maybe';
    await expect(recordDecision(pool, bad)).rejects.toThrow(/no valid verdict/);
    expect((await pool.query('select count(*)::int as n from ops.roman_events')).rows[0].n).toBe(before);
  });
});

describe('recordEvent', () => {
  it('stores an alert event once per idempotency key and returns the same id on retry', async () => {
    const e = { event_type: 'alert', severity: 'critical' as const, message: 'System Down firing', metadata: { rule: 'system_down' }, idempotency_key: 'alert:system_down:1' };
    const first = await recordEvent(pool, e);
    const second = await recordEvent(pool, e);
    expect(first.inserted).toBe(true);
    expect(second).toEqual({ inserted: false, id: first.id });
  });

  it('stores text with NUL characters instead of failing', async () => {
    const r = await recordEvent(pool, { event_type: 'alert', severity: 'info', message: 'a\u0000b', metadata: { s: 'x\u0000y' }, idempotency_key: 'nul-1' });
    expect(r.inserted).toBe(true);
    const row = (await eventsFor('nul-1'))[0];
    expect(row.message).toBe('a\uFFFDb');
    expect(row.metadata).toEqual({ s: 'x\uFFFDy' });
  });

  it('rejects invalid severities, types and keys with a clear error', async () => {
    await expect(recordEvent(pool, { event_type: 'alert', severity: 'loud' as never, message: 'm', idempotency_key: 'k1' })).rejects.toThrow(/severity must be one of/);
    await expect(recordEvent(pool, { event_type: 'Bad Type', severity: 'info', message: 'm', idempotency_key: 'k2' })).rejects.toThrow(/event_type/);
    await expect(recordEvent(pool, { event_type: 'alert', severity: 'info', message: 'm', idempotency_key: '' })).rejects.toThrow(/idempotency_key/);
    await expect(recordEvent(pool, { event_type: 'alert', severity: 'info', message: 'm', metadata: [] as never, idempotency_key: 'k3' })).rejects.toThrow(/metadata/);
  });
});
