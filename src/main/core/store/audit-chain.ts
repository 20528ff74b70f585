/**
 * The tamper-evident local audit trail. Every decision and executed action is a record in the cache
 * AND an entry in `audit_chain`: entry n stores the canonical JSON of the record (sorted keys, no
 * whitespace, its sequence number included) and hash_n = sha256(hash_{n-1} + "\n" + entry_n), with
 * hash_0 = 64 zeros. `cache_meta.audit_head` remembers the last (seq, hash) so deleting entries at
 * the end is detected too.
 *
 * `verify()` walks the chain and names each broken entry: an edited entry (hash mismatch), an entry
 * moved (out of order), removed entries (gap / truncated), an edited or deleted cached record.
 * Retention never deletes chained records.
 */
import { createHash } from 'node:crypto';
import type { Decision } from '../../../shared/constitution';
import type { AuditProblem, AuditVerification, RecordKind } from '../../../shared/store';
import type { Cache } from './cache';
import { parseMetadata, prepareRow, type NewRecord } from './records';
import { CacheInputError } from './query';

export const GENESIS_HASH = '0'.repeat(64);
const HEAD_KEY = 'audit_head';

/** JSON with object keys sorted at every level and no whitespace: the same data gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonicalJson((value as { toJSON(): unknown }).toJSON());
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : canonicalJson(v))).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined && typeof obj[k] !== 'function' && typeof obj[k] !== 'symbol')
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    default:
      return 'null';
  }
}

export function chainHash(prevHash: string, entry: string): string {
  return createHash('sha256').update(prevHash).update('\n').update(entry).digest('hex');
}

/** What an audit entry says about its record; the cached record must keep saying the same. */
interface ChainedContent {
  v: 1;
  seq: number;
  ts: string;
  kind: string;
  type: string | null;
  severity: string | null;
  source: string | null;
  message: string;
  metadata: unknown;
}

export interface AuditEntryInput {
  /** Usually 'decision' or 'action'. */
  kind: RecordKind;
  /** Defaults to the cache clock's now. */
  timestamp?: Date | string | number;
  type?: string | null;
  severity?: string | null;
  source?: string | null;
  message: string;
  metadata?: Record<string, unknown>;
  /** Appending the same key twice returns the first entry (e.g. a decision_id). */
  key?: string;
}

export interface AppendedEntry {
  seq: number;
  hash: string;
  recordId: number;
  /** False when `key` was already chained (the existing entry is returned). */
  appended: boolean;
}

interface ChainRow {
  seq: number;
  record_id: number | null;
  ts: number;
  entry_key: string | null;
  entry: string;
  prev_hash: string;
  hash: string;
}

function contentOf(seq: number, p: ReturnType<typeof prepareRow>): ChainedContent {
  return {
    v: 1,
    seq,
    ts: new Date(p[4]).toISOString(),
    kind: p[0],
    type: p[7],
    severity: p[5],
    source: p[6],
    message: p[8],
    metadata: JSON.parse(p[9]) as unknown,
  };
}

/** ops.roman_events-style summary of a decision (same wording as src/main/core/db/events.ts). */
export function decisionSummary(decision: Decision): { type: string; severity: string; message: string } {
  const description = decision.input?.action?.description ?? '(no description)';
  switch (decision.result?.verdict) {
    case 'approve':
      return { type: 'approval', severity: 'info', message: `Action approved: ${description}` };
    case 'approve_with_warning':
      return { type: 'approval', severity: 'warning', message: `Action approved with warning: ${description}` };
    case 'reject':
      return { type: 'rejection', severity: 'warning', message: `Action rejected: ${description}` };
    default:
      throw new CacheInputError(`decision ${String(decision.decision_id)} has no valid verdict`);
  }
}

export class AuditChain {
  constructor(private readonly cache: Cache) {}

  length(): number {
    return (this.cache.db.prepare('SELECT count(*) AS n FROM audit_chain').get() as { n: number }).n;
  }

  head(): { seq: number; hash: string } | null {
    const row = this.cache.db.prepare('SELECT seq, hash FROM audit_chain ORDER BY seq DESC LIMIT 1').get() as
      | { seq: number; hash: string }
      | undefined;
    return row ?? null;
  }

  private recordedHead(): { seq: number; hash: string } | null {
    const row = this.cache.db.prepare('SELECT value FROM cache_meta WHERE key = ?').get(HEAD_KEY) as { value: string } | undefined;
    if (!row) return null;
    const m = /^(\d+):([0-9a-f]{64})$/.exec(row.value);
    return m ? { seq: Number(m[1]), hash: m[2] } : null;
  }

  /**
   * Appends an entry and its record in one durable transaction. `extra` runs inside the same
   * transaction (e.g. to enqueue the entry in the outbox).
   */
  append(input: AuditEntryInput, extra?: (appended: AppendedEntry) => void): AppendedEntry {
    if (!input || typeof input !== 'object') throw new CacheInputError('audit entry must be an object');
    if (typeof input.message !== 'string') throw new CacheInputError('audit entry needs a message');
    if (input.key !== undefined && (typeof input.key !== 'string' || !input.key)) throw new CacheInputError('audit key must be a non-empty string');
    const record: NewRecord = {
      kind: input.kind,
      origin: 'local',
      timestamp: input.timestamp ?? this.cache.clock.now(),
      type: input.type ?? null,
      severity: input.severity ?? null,
      source: input.source ?? null,
      message: input.message,
      metadata: input.metadata ?? {},
    };
    const p = prepareRow(record);
    // Canonical metadata so the record and its entry hold byte-identical JSON.
    p[9] = canonicalJson(JSON.parse(p[9]));
    const db = this.cache.db;
    return this.cache.durableTransaction(() => {
      if (input.key) {
        const existing = db.prepare('SELECT seq, hash, record_id FROM audit_chain WHERE entry_key = ?').get(input.key) as
          | { seq: number; hash: string; record_id: number }
          | undefined;
        if (existing) return { seq: existing.seq, hash: existing.hash, recordId: existing.record_id, appended: false };
      }
      // Continue after whichever is further: the last row or the remembered head. If entries at the
      // end were deleted, the new entry keeps the gap visible instead of papering over it.
      const last = this.head();
      const remembered = this.recordedHead();
      const prev = remembered && (!last || remembered.seq > last.seq) ? remembered : last;
      const seq = (prev?.seq ?? 0) + 1;
      const prevHash = prev?.hash ?? GENESIS_HASH;
      const entry = canonicalJson(contentOf(seq, p));
      const hash = chainHash(prevHash, entry);
      const info = db
        .prepare(
          `INSERT INTO records (kind, origin, remote_table, remote_id, ts, severity, source, type, message, metadata, chain_seq)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(...p, seq);
      const recordId = Number(info.lastInsertRowid);
      this.cache.indexForSearch([recordId]);
      db.prepare('INSERT INTO audit_chain (seq, record_id, ts, entry_key, entry, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        seq,
        recordId,
        p[4],
        input.key ?? null,
        entry,
        prevHash,
        hash,
      );
      db.prepare('INSERT INTO cache_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
        HEAD_KEY,
        `${seq}:${hash}`,
      );
      this.cache.noteChanged([p[0]]);
      const appended = { seq, hash, recordId, appended: true };
      extra?.(appended);
      return appended;
    });
  }

  /**
   * Records a constitutional decision: a 'decision' record + chain entry keyed by decision_id
   * (appending the same decision twice is a no-op). With `enqueue`, the same transaction queues it
   * in the outbox (topic 'decision') for delivery to ops.roman_events.
   */
  appendDecision(decision: Decision, opts: { enqueue?: boolean } = {}): AppendedEntry {
    if (!decision || typeof decision !== 'object' || typeof decision.decision_id !== 'string' || !decision.decision_id) {
      throw new CacheInputError('decision needs a decision_id');
    }
    const summary = decisionSummary(decision);
    return this.append(
      {
        kind: 'decision',
        timestamp: decision.timestamp,
        type: summary.type,
        severity: summary.severity,
        source: decision.channel ? `constitution:${decision.channel}` : 'constitution',
        message: summary.message,
        metadata: decision as unknown as Record<string, unknown>,
        key: `decision:${decision.decision_id}`,
      },
      opts.enqueue
        ? () => {
            this.cache.outbox.enqueue({ topic: 'decision', idempotencyKey: decision.decision_id, payload: decision });
          }
        : undefined,
    );
  }

  /** Walks the whole chain; every problem names the entry (sequence number) and what is wrong. */
  verify(): AuditVerification {
    // One read transaction: a consistent snapshot even while another process appends.
    return this.cache.db.transaction(() => this.verifySnapshot())();
  }

  private verifySnapshot(): AuditVerification {
    const db = this.cache.db;
    const problems: AuditProblem[] = [];
    const seqByHash = new Map<string, number>();
    for (const r of db.prepare('SELECT seq, hash FROM audit_chain').iterate() as IterableIterator<{ seq: number; hash: string }>) {
      seqByHash.set(r.hash, r.seq);
    }
    const getRecord = db.prepare('SELECT id, kind, ts, severity, source, type, message, metadata, chain_seq FROM records WHERE id = ?');
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let entries = 0;
    let last: { seq: number; hash: string } | null = null;
    for (const row of db.prepare('SELECT * FROM audit_chain ORDER BY seq').iterate() as IterableIterator<ChainRow>) {
      entries++;
      let gap = false;
      if (row.seq > expectedSeq) {
        gap = true;
        problems.push({
          seq: row.seq,
          problem: 'gap',
          detail:
            row.seq - expectedSeq === 1
              ? `entry #${expectedSeq} is missing (deleted) before #${row.seq}`
              : `entries #${expectedSeq}..#${row.seq - 1} are missing (deleted) before #${row.seq}`,
        });
      }
      if (chainHash(row.prev_hash, row.entry) !== row.hash) {
        problems.push({ seq: row.seq, problem: 'hash_mismatch', detail: `entry #${row.seq} was modified: its content no longer matches its hash` });
      }
      let content: ChainedContent | null = null;
      try {
        content = JSON.parse(row.entry) as ChainedContent;
      } catch {
        content = null;
      }
      if (content && content.seq !== row.seq) {
        problems.push({
          seq: row.seq,
          problem: 'out_of_order',
          detail: `entry written as #${content.seq} now sits at #${row.seq} (entries were reordered)`,
        });
      }
      if (!gap && row.prev_hash !== prevHash) {
        const linked = seqByHash.get(row.prev_hash);
        if (linked !== undefined && linked !== row.seq - 1) {
          problems.push({
            seq: row.seq,
            problem: 'out_of_order',
            detail: `entry #${row.seq} follows #${linked} in the chain, not #${row.seq - 1} (entries were reordered)`,
          });
        } else {
          problems.push({
            seq: row.seq,
            problem: 'broken_link',
            detail: `entry #${row.seq} does not link to entry #${row.seq - 1} (one of them was altered)`,
          });
        }
      }
      if (row.record_id !== null && content) {
        const rec = getRecord.get(row.record_id) as
          | { kind: string; ts: number; severity: string | null; source: string | null; type: string | null; message: string; metadata: string; chain_seq: number | null }
          | undefined;
        if (!rec) {
          problems.push({ seq: row.seq, problem: 'record_missing', detail: `record ${row.record_id} of entry #${row.seq} was deleted` });
        } else {
          const fromRecord = canonicalJson({
            v: 1,
            seq: content.seq,
            ts: new Date(rec.ts).toISOString(),
            kind: rec.kind,
            type: rec.type,
            severity: rec.severity,
            source: rec.source,
            message: rec.message,
            metadata: parseMetadata(rec.metadata),
          });
          if (fromRecord !== canonicalJson(content) || rec.chain_seq !== row.seq) {
            problems.push({
              seq: row.seq,
              problem: 'record_mismatch',
              detail: `record ${row.record_id} of entry #${row.seq} was modified after it was chained`,
            });
          }
        }
      }
      prevHash = row.hash;
      expectedSeq = row.seq + 1;
      last = { seq: row.seq, hash: row.hash };
    }
    const remembered = this.recordedHead();
    if (remembered) {
      if (!last || remembered.seq > last.seq) {
        const from = (last?.seq ?? 0) + 1;
        problems.push({
          seq: from,
          problem: 'truncated',
          detail:
            from === remembered.seq
              ? `entry #${from} (the last one) was deleted`
              : `entries #${from}..#${remembered.seq} at the end of the chain were deleted`,
        });
      } else if (remembered.seq === last.seq && remembered.hash !== last.hash) {
        problems.push({ seq: last.seq, problem: 'hash_mismatch', detail: `entry #${last.seq} (the last one) was replaced` });
      }
    }
    problems.sort((a, b) => a.seq - b.seq);
    return { valid: problems.length === 0, entries, headSeq: last?.seq ?? null, headHash: last?.hash ?? null, problems };
  }
}
