/**
 * Automatic start of a playbook for a critical pattern: only the leader, only once per incident,
 * only when every action the playbook would take now is non-destructive; recorded as 'automatic'.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { autoStartPlaybooks } from '../../../src/main/core/triage/auto';
import { listRuns } from '../../../src/main/core/triage/playbooks';
import { openTempCache, type TempCache } from '../store/helpers';

let tdb: TestDatabase;
let pool: pg.Pool;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
beforeAll(async () => {
  tdb = await createTestDatabase('roman_triage_auto');
  pool = new pg.Pool({ connectionString: tdb.url, max: 3 });
  await initDatabase(pool);
});
afterAll(async () => {
  await pool?.end();
  await tdb?.drop();
});

function cacheWith(now: Date, messages: Array<{ severity: string; source: string; message: string }>): TempCache {
  const t = openTempCache(now.toISOString());
  cleanups.push(t.cleanup);
  t.cache.insertRecords(
    messages.map((m, i) => ({ kind: 'log' as const, remoteTable: 'public.system_logs', remoteId: `${now.getTime()}-${i}`, timestamp: new Date(now.getTime() - (i + 1) * 1000), ...m })),
  );
  t.cache.triage.index();
  return t;
}

describe('auto-start of playbooks', () => {
  it('starts the rate-limit playbook (no database action) for a new critical pattern, on the leader, once', async () => {
    const now = new Date();
    const t = cacheWith(now, [
      { severity: 'critical', source: 'api_rate_limit', message: 'Rate limit exceeded: anthropic /v1/messages returned 429 (retry after 12s)' },
      { severity: 'critical', source: 'api_rate_limit', message: 'Rate limit exceeded: anthropic /v1/messages returned 429 (retry after 30s)' },
    ]);
    const [pattern] = t.cache.triage.list();
    expect(pattern!.playbook).toBe('api_rate_limit');
    const handled = new Set<string>();
    const follower = await autoStartPlaybooks({ db: pool, triage: t.cache.triage, now, leader: false, startedBy: 'test', handled });
    expect(follower.started).toEqual([]);
    const leader = await autoStartPlaybooks({ db: pool, triage: t.cache.triage, now, leader: true, startedBy: 'test', handled });
    expect(leader.started).toHaveLength(1);
    const runs = await listRuns(pool, { patternId: pattern!.id });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'automatic', playbook: 'api_rate_limit', outcome: null });
    // once per incident: neither this process nor another one (a fresh set) starts it again
    expect((await autoStartPlaybooks({ db: pool, triage: t.cache.triage, now, leader: true, startedBy: 'test', handled })).started).toEqual([]);
    const other = await autoStartPlaybooks({ db: pool, triage: t.cache.triage, now, leader: true, startedBy: 'test', handled: new Set() });
    expect(other.started).toEqual([]);
    expect(other.skipped[0]!.reason).toMatch(/exists already/);
  });

  it('does not start a playbook whose actions would be destructive, nor for acknowledged or non-critical patterns', async () => {
    const now = new Date();
    // a failed migration makes "roll back the last migration" (destructive) available
    await pool.query(
      `INSERT INTO ops.roman_events ("timestamp", event_type, severity, message, metadata) VALUES ($1, 'migration', 'error', 'Migration 20260101_x failed', '{"status":"failed","job":"build"}')`,
      [new Date(now.getTime() - 60_000).toISOString()],
    );
    const t = cacheWith(now, [{ severity: 'critical', source: 'deployment', message: 'Deployment failed: build failed for commit abc1234' }]);
    const [pattern] = t.cache.triage.list();
    expect(pattern!.playbook).toBe('deployment_failures');
    const r = await autoStartPlaybooks({ db: pool, triage: t.cache.triage, now, leader: true, startedBy: 'test', handled: new Set() });
    expect(r.started).toEqual([]);
    expect(r.skipped[0]!.reason).toMatch(/destructive/);
    expect(await listRuns(pool, { patternId: pattern!.id })).toEqual([]);

    const warn = cacheWith(now, [{ severity: 'warning', source: 'api_rate_limit', message: 'Rate limit exceeded: openai returned 429' }]);
    expect((await autoStartPlaybooks({ db: pool, triage: warn.cache.triage, now, leader: true, startedBy: 'test', handled: new Set() })).started).toEqual([]);
    const acked = cacheWith(now, [{ severity: 'critical', source: 'stripe_webhook', message: 'Webhook signature verification failed for event evt_1abc: No signatures found' }]);
    const [p] = acked.cache.triage.list();
    acked.cache.triage.setStatus(p!.id, 'acknowledged', 'alice');
    expect((await autoStartPlaybooks({ db: pool, triage: acked.cache.triage, now, leader: true, startedBy: 'test', handled: new Set() })).started).toEqual([]);
  });
});
