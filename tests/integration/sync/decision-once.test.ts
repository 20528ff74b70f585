import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { initDatabase } from '../../../src/main/core/db/migrations';
import { recordDecision, recordEvent } from '../../../src/main/core/db/events';
import { Cache } from '../../../src/main/core/store/cache';
import { CACHE_SCHEMA_VERSION } from '../../../src/main/core/store/schema';
import { evaluate } from '../../../src/main/core/constitution/index';
import { systemClock } from '../../../src/main/core/clock';
import { pullTables, pushOutbox, syncDatabase, ROMAN_EVENTS_SOURCE, SYSTEM_LOGS_SOURCE } from '../../../src/main/core/sync';
import type { Decision } from '../../../src/shared/constitution';

let db: TestDatabase;
let pool: pg.Pool;
let dir: string;
let path: string;
let cache: Cache;

beforeAll(async () => {
  db = await createTestDatabase('roman_decision_once');
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
  await initDatabase(pool);
  dir = mkdtempSync(join(tmpdir(), 'roman-decision-once-'));
});
afterAll(async () => {
  await pool.end();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await pool.query('truncate system_logs, ops.roman_events restart identity');
  path = join(dir, `${randomBytes(4).toString('hex')}.sqlite`);
  cache = Cache.open(path);
});
afterEach(() => {
  if (cache.isOpen) cache.close();
});

function decide(description: string, riskToLife = 0): Decision {
  return evaluate(
    { method_type: 'gradual', entropy_increase: 0.01, risk_to_life: riskToLife, geometric_ratio: 1.618034, description },
    0.02,
    { requested_by: 'alice', channel: 'ui', entropy_source: 'manual' },
    systemClock,
  );
}

/** What the Audit log page and `roman events search --kind decision` list, per decision_id. */
function listedDecisions(c: Cache = cache): Map<string, { origin: string; chainSeq: number | null; remoteTable: string | null }[]> {
  const byId = new Map<string, { origin: string; chainSeq: number | null; remoteTable: string | null }[]>();
  let cursor: string | null = null;
  do {
    const page = c.search({ kind: 'decision', withMetadata: true, limit: 1000, cursor });
    for (const r of page.rows) {
      const id = String(r.metadata?.decision_id);
      byId.set(id, [...(byId.get(id) ?? []), { origin: r.origin, chainSeq: r.chainSeq, remoteTable: r.remoteTable }]);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return byId;
}

async function serverDecisionIds(): Promise<string[]> {
  const r = await pool.query<{ k: string }>(`select idempotency_key as k from ops.roman_events where event_type in ('approval', 'rejection') order by id`);
  return r.rows.map((x) => x.k);
}

const unreachable = () => new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/nothing', connectionTimeoutMillis: 500, max: 1 });

describe('each constitutional decision is listed once in the local cache', () => {
  it('a decision made here, delivered and pulled back, is listed once: as its local audit record, and the chain still verifies', async () => {
    const d = decide('deploy the billing service');
    const appended = cache.appendDecision(d, { enqueue: true });
    const before = cache.db.prepare('SELECT * FROM audit_chain').all();
    const recordBefore = cache.getRecord(appended.recordId);

    const first = await syncDatabase(pool, cache);
    expect(first.ok).toBe(true);
    expect(first.pushed?.delivered).toBe(1);
    expect(await serverDecisionIds()).toEqual([d.decision_id]);
    expect(first.tables[0]).toMatchObject({ table: 'ops.roman_events', rowsRead: 1, inserted: 0, duplicates: 1 });

    expect(listedDecisions()).toEqual(new Map([[d.decision_id, [{ origin: 'local', chainSeq: appended.seq, remoteTable: null }]]]));
    expect(cache.count({ kind: 'decision' })).toBe(1);
    expect(cache.search({ text: 'billing' }).rows.map((r) => r.id)).toEqual([appended.recordId]);
    // The chained record and its entry are exactly as appended.
    expect(cache.getRecord(appended.recordId)).toEqual(recordBefore);
    expect(cache.db.prepare('SELECT * FROM audit_chain').all()).toEqual(before);
    expect(cache.verifyAuditChain()).toMatchObject({ valid: true, entries: 1, problems: [] });

    // The next pass re-reads the row in its overlap window and still leaves it out.
    const again = await syncDatabase(pool, cache);
    expect(again.tables[0]).toMatchObject({ rowsRead: 1, inserted: 0, duplicates: 1 });
    expect(cache.count({ kind: 'decision' })).toBe(1);
    expect(cache.verifyAuditChain().valid).toBe(true);
  });

  it("another desktop's decisions are pulled and listed once, next to this desktop's own, in the same batch", async () => {
    const theirs = decide('rotate the api keys');
    const theirRejection = decide('drop the production database', 0.5);
    expect(theirRejection.result.verdict).toBe('reject');
    const mine = decide('scale the workers');
    await recordDecision(pool, theirs);
    cache.appendDecision(mine, { enqueue: true });
    expect((await pushOutbox(pool, cache)).delivered).toBe(1);
    await recordDecision(pool, theirRejection);
    await pool.query(`insert into system_logs (severity, source, message) values ('info', 'api', 'request served')`);

    const r = await syncDatabase(pool, cache);
    expect(r.ok).toBe(true);
    expect(r.tables[0]).toMatchObject({ table: 'ops.roman_events', rowsRead: 3, inserted: 2, duplicates: 1, invalid: 0 });
    expect(r.tables[1]).toMatchObject({ table: 'public.system_logs', inserted: 1 });

    const listed = listedDecisions();
    expect(listed.get(theirs.decision_id)).toEqual([{ origin: 'remote', chainSeq: null, remoteTable: 'ops.roman_events' }]);
    expect(listed.get(theirRejection.decision_id)).toEqual([{ origin: 'remote', chainSeq: null, remoteTable: 'ops.roman_events' }]);
    expect(listed.get(mine.decision_id)).toEqual([{ origin: 'local', chainSeq: 1, remoteTable: null }]);
    expect(listed.size).toBe(3);
    expect(cache.search({ kind: 'decision', type: 'rejection' }).rows.map((x) => x.message)).toEqual(['Action rejected: drop the production database']);

    // Their rows are deduplicated as before: pulling again adds nothing.
    const again = await syncDatabase(pool, cache);
    expect(again.tables[0]).toMatchObject({ inserted: 0, duplicates: 3 });
    expect(cache.count({ kind: 'decision' })).toBe(3);
    expect(cache.verifyAuditChain().valid).toBe(true);
  });

  it('a decision made offline, delivered later and pulled, is listed once, and later rows are still pulled', async () => {
    const d = decide('restart the cache tier');
    cache.appendDecision(d, { enqueue: true });
    const down = unreachable();
    try {
      const offline = await syncDatabase(down, cache, { retries: 0 });
      expect(offline.ok).toBe(false);
      expect(offline.pushed?.failed).not.toBeNull();
    } finally {
      await down.end();
    }
    expect(cache.outbox.pendingCount()).toBe(1);
    expect(cache.count({ kind: 'decision' })).toBe(1);

    // Back online: a pull alone finds nothing of it yet, then the sync delivers and pulls it back.
    const pullOnly = await syncDatabase(pool, cache, { push: false });
    expect(pullOnly.tables[0]).toMatchObject({ rowsRead: 0, inserted: 0 });
    const online = await syncDatabase(pool, cache);
    expect(online.ok).toBe(true);
    expect(online.pushed?.delivered).toBe(1);
    expect(await serverDecisionIds()).toEqual([d.decision_id]);
    expect(cache.outbox.pendingCount()).toBe(0);
    expect(listedDecisions()).toEqual(new Map([[d.decision_id, [{ origin: 'local', chainSeq: 1, remoteTable: null }]]]));

    // The skipped row moved the cursor like any other: what comes after it is pulled, once.
    const later = decide('warm the cache tier');
    await recordDecision(pool, later);
    await recordEvent(pool, { event_type: 'alert', severity: 'critical', message: 'System Down', idempotency_key: 'alert:1' });
    const next = await syncDatabase(pool, cache);
    expect(next.tables[0]).toMatchObject({ inserted: 2 });
    expect(next.tables[0].cursor?.hw?.id).toBe('3');
    expect(listedDecisions().get(later.decision_id)).toEqual([{ origin: 'remote', chainSeq: null, remoteTable: 'ops.roman_events' }]);
    expect(cache.count({ kind: 'decision' })).toBe(2);
    expect(cache.count({ kind: 'alert' })).toBe(1);
    expect(cache.verifyAuditChain().valid).toBe(true);
  });

  it('keeps a server row that only mentions a local decision under another key, or records it with another verdict', async () => {
    const d = decide('purge old sessions');
    cache.appendDecision(d, { enqueue: true });
    await pushOutbox(pool, cache);
    await recordEvent(pool, {
      event_type: 'approval',
      severity: 'info',
      message: `Action approved: ${d.input.action.description} (second review)`,
      metadata: { decision_id: d.decision_id, review: 2 },
      idempotency_key: `review:${d.decision_id}`,
    });
    await pool.query(
      `insert into ops.roman_events (event_type, severity, message, metadata) values ('rejection', 'warning', 'Action rejected: purge old sessions', $1::jsonb)`,
      [JSON.stringify({ decision_id: d.decision_id })],
    );

    const r = await syncDatabase(pool, cache);
    expect(r.tables[0]).toMatchObject({ rowsRead: 3, inserted: 2, duplicates: 1 });
    const rows = listedDecisions().get(d.decision_id)!;
    expect(rows.map((x) => x.origin).sort()).toEqual(['local', 'remote', 'remote']);
  });

  it('reports an unstorable row by its own id when a server copy is left out of the same batch', async () => {
    const d = decide('compact the archive');
    cache.appendDecision(d, { enqueue: true });
    await pushOutbox(pool, cache);
    await pool.query(`insert into ops.roman_events (timestamp, event_type, severity, message) values ('infinity', 'note', 'info', 'from the far future')`);
    const r = await pullTables(pool, cache, { sources: [ROMAN_EVENTS_SOURCE] });
    expect(r.tables[0]).toMatchObject({ rowsRead: 2, inserted: 0, duplicates: 1, invalid: 1 });
    expect(r.tables[0].invalidSamples).toEqual(['id 2: invalid timestamp "Infinity"']);
    expect(cache.count({ kind: 'decision' })).toBe(1);
  });

  it('upgrading a cache that already holds server copies of its own decisions removes the copies, not the audit records', async () => {
    const mine = decide('deploy the search service');
    const theirs = decide('rotate the certificates');
    cache.appendDecision(mine, { enqueue: true });
    await pushOutbox(pool, cache);
    await recordDecision(pool, theirs);
    await pool.query(`insert into system_logs (severity, source, message) values ('info', 'api', 'request served')`);
    // What the previous build did: pull every ops.roman_events row, own decisions included.
    const previousBuild = { ...ROMAN_EVENTS_SOURCE, decisionIdOf: undefined };
    const pulled = await pullTables(pool, cache, { sources: [previousBuild, SYSTEM_LOGS_SOURCE] });
    expect(pulled.tables[0]).toMatchObject({ inserted: 2 });
    expect(listedDecisions().get(mine.decision_id)).toHaveLength(2);
    const chain = cache.db.prepare('SELECT * FROM audit_chain').all();
    cache.close();
    // …and left the file at schema version 3 (version 4 changes data only).
    const raw = new Database(path);
    raw.prepare('DELETE FROM schema_migrations WHERE version >= 4').run();
    raw.pragma('user_version = 3');
    raw.close();

    cache = Cache.open(path);
    expect(cache.db.pragma('user_version', { simple: true })).toBe(CACHE_SCHEMA_VERSION);
    const listed = listedDecisions();
    expect(listed.get(mine.decision_id)).toEqual([{ origin: 'local', chainSeq: 1, remoteTable: null }]);
    expect(listed.get(theirs.decision_id)).toEqual([{ origin: 'remote', chainSeq: null, remoteTable: 'ops.roman_events' }]);
    expect(cache.count({ kind: 'log' })).toBe(1);
    expect(cache.search({ text: 'search service' }).rows).toHaveLength(1);
    expect(cache.db.prepare('SELECT * FROM audit_chain').all()).toEqual(chain);
    expect(cache.verifyAuditChain()).toMatchObject({ valid: true, problems: [] });
    expect(cache.integrityCheck()).toMatchObject({ ok: true });

    // The sync carries on from its cursor without bringing the copy back.
    const next = await syncDatabase(pool, cache);
    expect(next.ok).toBe(true);
    expect(next.tables[0]).toMatchObject({ inserted: 0 });
    expect(listedDecisions().get(mine.decision_id)).toHaveLength(1);
  });
});
