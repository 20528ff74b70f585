import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { Cache } from '../../../src/main/core/store/cache';
import { canonicalJson, chainHash } from '../../../src/main/core/store/audit-chain';
import { evaluate } from '../../../src/main/core/constitution/index';
import type { Decision } from '../../../src/shared/constitution';
import { openTempCache, type TempCache } from './helpers';

let t: TempCache | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

function decide(t: TempCache, description: string, risk: number): Decision {
  return evaluate(
    { method_type: 'gradual', entropy_increase: 0.01, risk_to_life: risk, geometric_ratio: 1.618034, description },
    0.02,
    { requested_by: 'alice', channel: 'cli', entropy_source: 'manual' },
    t.clock,
  );
}

/** Five entries: decisions and executed actions, as the app writes them. */
function seedChain(t: TempCache): void {
  t.cache.appendDecision(decide(t, 'deploy to staging', 0));
  t.clock.advance(1000);
  t.cache.appendAudit({ kind: 'action', type: 'deploy', severity: 'info', source: 'actions', message: 'Deployed to staging', metadata: { exitCode: 0 } });
  t.clock.advance(1000);
  t.cache.appendDecision(decide(t, 'delete production database', 1));
  t.clock.advance(1000);
  t.cache.appendAudit({ kind: 'action', type: 'vacuum', message: 'VACUUM ANALYZE public.orders', metadata: { durationMs: 1200 } });
  t.clock.advance(1000);
  t.cache.appendAudit({ kind: 'action', type: 'backup', message: 'pg_dump completed', metadata: { bytes: 12345 } });
}

/** What an attacker with the file can do: raw SQL on a separate connection, foreign keys off. */
function tamper(path: string, sql: string, ...params: unknown[]): void {
  const raw = new Database(path);
  raw.pragma('foreign_keys = OFF');
  raw.prepare(sql).run(...params);
  raw.close();
}

function verifyFresh(path: string) {
  const c = Cache.open(path);
  try {
    return c.verifyAuditChain();
  } finally {
    c.close();
  }
}

describe('Audit chain', () => {
  it('verifies an untouched chain and stores decisions as searchable decision records', () => {
    t = openTempCache();
    seedChain(t);
    const v = t.cache.verifyAuditChain();
    expect(v).toMatchObject({ valid: true, entries: 5, headSeq: 5, problems: [] });
    const rejected = t.cache.search({ kind: 'decision', text: 'production' }).rows;
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ type: 'rejection', severity: 'warning', message: 'Action rejected: delete production database', chainSeq: 3, source: 'constitution:cli' });
    const detail = t.cache.getRecord(rejected[0].id)!;
    expect((detail.metadata as unknown as Decision).result.verdict).toBe('reject');
  });

  it('links every entry to the previous one with sha256 over canonical JSON', () => {
    t = openTempCache();
    seedChain(t);
    const rows = t.cache.db.prepare('SELECT seq, entry, prev_hash, hash FROM audit_chain ORDER BY seq').all() as {
      seq: number;
      entry: string;
      prev_hash: string;
      hash: string;
    }[];
    expect(rows[0].prev_hash).toBe('0'.repeat(64));
    for (let i = 0; i < rows.length; i++) {
      expect(rows[i].hash).toBe(chainHash(rows[i].prev_hash, rows[i].entry));
      expect(canonicalJson(JSON.parse(rows[i].entry))).toBe(rows[i].entry);
      if (i > 0) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    }
  });

  it('appending the same decision twice chains it once', () => {
    t = openTempCache();
    const d = decide(t, 'deploy to staging', 0);
    const a = t.cache.appendDecision(d, { enqueue: true });
    const b = t.cache.appendDecision(d, { enqueue: true });
    expect(b).toEqual({ ...a, appended: false });
    expect(t.cache.audit.length()).toBe(1);
    expect(t.cache.outbox.pending().map((i) => [i.topic, i.idempotencyKey])).toEqual([['decision', d.decision_id]]);
  });

  it('names an entry whose content was edited', () => {
    t = openTempCache();
    seedChain(t);
    t.cache.close();
    tamper(t.path, "UPDATE audit_chain SET entry = replace(entry, 'staging', 'production') WHERE seq = 2");
    const v = verifyFresh(t.path);
    expect(v.valid).toBe(false);
    expect(v.problems).toContainEqual({ seq: 2, problem: 'hash_mismatch', detail: expect.stringMatching(/entry #2 was modified/) });
  });

  it('catches an edit whose hash was recomputed at the next link', () => {
    t = openTempCache();
    seedChain(t);
    const row = t.cache.db.prepare('SELECT entry, prev_hash FROM audit_chain WHERE seq = 3').get() as { entry: string; prev_hash: string };
    t.cache.close();
    const forged = row.entry.replace('reject', 'approve');
    tamper(t.path, 'UPDATE audit_chain SET entry = ?, hash = ? WHERE seq = 3', forged, chainHash(row.prev_hash, forged));
    const v = verifyFresh(t.path);
    expect(v.valid).toBe(false);
    expect(v.problems.map((p) => [p.seq, p.problem])).toContainEqual([4, 'broken_link']);
    expect(v.problems.map((p) => [p.seq, p.problem])).toContainEqual([3, 'record_mismatch']);
  });

  it('names a cached record that was edited after it was chained', () => {
    t = openTempCache();
    seedChain(t);
    t.cache.close();
    tamper(t.path, "UPDATE records SET message = 'Action approved: delete production database', type = 'approval' WHERE chain_seq = 3");
    const v = verifyFresh(t.path);
    expect(v.problems).toEqual([{ seq: 3, problem: 'record_mismatch', detail: expect.stringMatching(/modified after it was chained/) }]);
  });

  it('names a deleted entry in the middle (gap) and a deleted cached record', () => {
    t = openTempCache();
    seedChain(t);
    t.cache.close();
    tamper(t.path, 'DELETE FROM audit_chain WHERE seq = 3');
    tamper(t.path, 'DELETE FROM records WHERE chain_seq = 4');
    const v = verifyFresh(t.path);
    expect(v.problems).toContainEqual({ seq: 4, problem: 'gap', detail: 'entry #3 is missing (deleted) before #4' });
    expect(v.problems).toContainEqual({ seq: 4, problem: 'record_missing', detail: expect.stringMatching(/was deleted/) });
  });

  it('names entries deleted at the end of the chain, also after new appends', () => {
    t = openTempCache();
    seedChain(t);
    t.cache.close();
    tamper(t.path, 'DELETE FROM audit_chain WHERE seq >= 4');
    let v = verifyFresh(t.path);
    expect(v.problems).toEqual([{ seq: 4, problem: 'truncated', detail: 'entries #4..#5 at the end of the chain were deleted' }]);
    // the app keeps appending: the gap stays visible instead of being papered over
    const c = Cache.open(t.path, { clock: t.clock });
    const next = c.appendAudit({ kind: 'action', message: 'after the deletion' });
    c.close();
    expect(next.seq).toBe(6);
    v = verifyFresh(t.path);
    expect(v.problems.map((p) => [p.seq, p.problem])).toEqual([[6, 'gap']]);
  });

  it('names entries that were reordered', () => {
    t = openTempCache();
    seedChain(t);
    t.cache.close();
    const raw = new Database(t.path);
    raw.pragma('foreign_keys = OFF');
    raw.transaction(() => {
      raw.exec('UPDATE audit_chain SET seq = -2 WHERE seq = 2');
      raw.exec('UPDATE audit_chain SET seq = 2 WHERE seq = 3');
      raw.exec('UPDATE audit_chain SET seq = 3 WHERE seq = -2');
    })();
    raw.close();
    const v = verifyFresh(t.path);
    expect(v.valid).toBe(false);
    const kinds = v.problems.map((p) => [p.seq, p.problem]);
    expect(kinds).toContainEqual([2, 'out_of_order']);
    expect(kinds).toContainEqual([3, 'out_of_order']);
    expect(v.problems.find((p) => p.seq === 2 && p.problem === 'out_of_order')!.detail).toMatch(/written as #3/);
  });

  it('survives retention and reopening intact', async () => {
    t = openTempCache();
    seedChain(t);
    t.clock.advance(400 * 86_400_000);
    await t.cache.applyRetention({ maxAgeDays: 1, maxBytes: 64 * 1024 });
    t.cache.close();
    expect(verifyFresh(t.path)).toMatchObject({ valid: true, entries: 5 });
  });
});
