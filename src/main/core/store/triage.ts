/**
 * Error patterns in the local cache (schema version 30): the fingerprinter's model, one row per
 * pattern with its Sentry-like status, one occurrence row per fingerprinted record, recorded merges,
 * notes and the status history. Owned by the Cache (`cache.triage`); every argument and result is
 * plain data, so it moves with the cache into a worker thread.
 *
 * Identity: an occurrence keeps the pattern id it was given when it was fingerprinted. When two
 * patterns merge later, the merge is a row in triage_merges and the merged pattern points to its
 * survivor (root_id); nothing is re-keyed, and both ids keep answering.
 *
 * What is indexed: system_logs rows (kind 'log') of severity warning, error or critical, and
 * ops.roman_events rows of severity error or critical (failed backups, deployments, migrations…),
 * in the order the cache stored them, from a cursor that survives restarts.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Cache } from './cache';
import { TemplateMiner, type MinerSnapshot } from '../triage/fingerprint';
import { matchPlaybook } from '../triage/playbooks/match';
import {
  PATTERN_STATUSES,
  RESPONSE_TIME_LABEL,
  RESPONSE_TIME_MINUTES,
  TRIAGE_SEVERITIES,
  type PatternDetail,
  type PatternFilter,
  type PatternMerge,
  type PatternStatus,
  type PatternSummary,
  type TriageIndexReport,
  type TriageSeverity,
  type ValueCount,
} from '../../../shared/triage';

const HOUR = 3_600_000;
const SPARK_HOURS = 24;
const INDEX_BATCH = 5_000;
const FEATURE_KEYS = ['function', 'endpoint', 'table', 'feature', 'route', 'command', 'provider', 'operation', 'event_type', 'path'];

export class TriageInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TriageInputError';
  }
}

interface SourceRow {
  id: number;
  kind: string;
  ts: number;
  severity: string | null;
  source: string | null;
  type: string | null;
  message: string;
  metadata: string;
}

interface AggRow {
  id: string;
  template: string;
  n: number;
  first_ts: number;
  last_ts: number;
  sev: number;
  sources: string | null;
  users: number;
  ips: number;
  event_types: string | null;
  status: PatternStatus;
  status_at: number;
}

function str(v: unknown): string | null {
  if (typeof v === 'string' && v.trim() !== '') return v.slice(0, 200);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function sevOf(rank: number): TriageSeverity {
  return rank >= 3 ? 'critical' : rank === 2 ? 'error' : 'warning';
}

/** '24h', '7d', '30m', ISO-8601 or epoch ms → epoch ms. */
export function parseSince(since: string | undefined, now: number): number | undefined {
  if (since === undefined || since === '') return undefined;
  const rel = /^(\d+)\s*(m|h|d)$/.exec(since.trim());
  if (rel) return now - Number(rel[1]) * (rel[2] === 'm' ? 60_000 : rel[2] === 'h' ? HOUR : 24 * HOUR);
  const ms = /^\d+$/.test(since) ? Number(since) : Date.parse(since);
  if (!Number.isFinite(ms)) throw new TriageInputError(`"since" must be like 24h, 7d or an ISO time, got "${since.slice(0, 40)}"`);
  return ms;
}

export class TriageStore {
  private miner: TemplateMiner | null = null;

  constructor(private readonly cache: Cache) {}

  private get db() {
    return this.cache.db;
  }

  private loadMiner(): TemplateMiner {
    if (this.miner) return this.miner;
    const row = this.db.prepare('SELECT snapshot FROM triage_model WHERE id = 1').get() as { snapshot: string } | undefined;
    if (row) {
      try {
        this.miner = TemplateMiner.restore(JSON.parse(row.snapshot) as MinerSnapshot, { clock: () => this.cache.clock.now().getTime() });
      } catch {
        // A damaged model is rebuilt from the cached records (ids are derived from messages, so
        // they come back the same); the cursor restarts so every record is fingerprinted again.
        this.db.prepare('DELETE FROM triage_model').run();
        this.miner = null;
      }
    }
    this.miner ??= new TemplateMiner({ clock: () => this.cache.clock.now().getTime() });
    return this.miner;
  }

  private cursor(): number {
    const row = this.db.prepare('SELECT cursor FROM triage_model WHERE id = 1').get() as { cursor: number } | undefined;
    return row?.cursor ?? 0;
  }

  /**
   * Fingerprints the records stored since the last call (in batches, each one transaction with the
   * model, so a crash never leaves occurrences without the model that named them), consolidates,
   * records merges and regressions.
   */
  index(opts: { maxRecords?: number } = {}): TriageIndexReport {
    const miner = this.loadMiner();
    const report: TriageIndexReport = { indexed: 0, patterns: 0, newPatterns: 0, regressed: [], merges: [] };
    const select = this.db.prepare(
      `SELECT id, kind, ts, severity, source, type, message, metadata FROM records
        WHERE id > ? AND (
          (kind = 'log' AND severity IN ('warning', 'error', 'critical'))
          OR (remote_table = 'ops.roman_events' AND severity IN ('error', 'critical')))
        ORDER BY id LIMIT ?`,
    );
    const insertOcc = this.db.prepare(
      `INSERT OR IGNORE INTO triage_occurrences (record_id, pattern_id, ts, severity, source, user_id, ip, correlation_id, event_type)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertPattern = this.db.prepare(
      `INSERT OR IGNORE INTO triage_patterns (id, root_id, template, created_at, status, status_at, status_by)
       VALUES (?, ?, ?, ?, 'new', ?, 'roman-desktop')`,
    );
    const maxRecords = opts.maxRecords ?? Number.POSITIVE_INFINITY;
    let cursor = this.cursor();
    for (;;) {
      const rows = select.all(cursor, INDEX_BATCH) as SourceRow[];
      if (rows.length === 0) break;
      try {
        this.indexBatch(rows, miner, insertOcc, insertPattern, report);
      } catch (err) {
        // the in-memory model learnt from rows that were rolled back: reload the stored one
        this.miner = null;
        throw err;
      }
      cursor = rows[rows.length - 1]!.id;
      if (rows.length < INDEX_BATCH || report.indexed >= maxRecords) break;
    }
    report.patterns = (this.db.prepare('SELECT count(*) AS n FROM triage_patterns WHERE root_id = id').get() as { n: number }).n;
    return report;
  }

  private indexBatch(
    rows: SourceRow[],
    miner: TemplateMiner,
    insertOcc: BetterSqlite3.Statement,
    insertPattern: BetterSqlite3.Statement,
    report: TriageIndexReport,
  ): void {
      this.cache.transaction(() => {
        const touched = new Map<string, number>();
        const known = new Set<string>();
        for (const r of rows) {
          const res = miner.learn(r.message);
          let md: Record<string, unknown> = {};
          try {
            const parsed: unknown = JSON.parse(r.metadata);
            if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) md = parsed as Record<string, unknown>;
          } catch {
            // a record with unreadable metadata is still an occurrence, without users or IPs
          }
          if (!known.has(res.id)) {
            known.add(res.id);
            if (insertPattern.run(res.id, res.id, res.template, r.ts, r.ts).changes > 0) report.newPatterns++;
          }
          insertOcc.run(r.id, res.id, r.ts, r.severity, r.source, str(md.user_id), str(md.ip), str(md.correlation_id), r.kind === 'log' ? null : r.type);
          touched.set(res.id, Math.max(touched.get(res.id) ?? 0, r.ts));
          report.indexed++;
        }
        const cursor = rows[rows.length - 1]!.id;
        report.merges.push(...this.applyMerges(miner.consolidate()));
        for (const [id, lastTs] of touched) {
          const root = miner.resolve(id) ?? id;
          this.db.prepare('UPDATE triage_patterns SET template = ? WHERE id = ?').run(miner.templateOf(root) ?? '', root);
          const st = this.db.prepare('SELECT status, resolved_at FROM triage_patterns WHERE id = ?').get(root) as
            | { status: PatternStatus; resolved_at: number | null }
            | undefined;
          if (st && st.status === 'resolved' && st.resolved_at !== null && lastTs > st.resolved_at) {
            this.writeStatus(root, 'regressed', 'roman-desktop', lastTs);
            report.regressed.push(root);
          }
        }
        this.db
          .prepare(
            `INSERT INTO triage_model (id, snapshot, cursor, updated_at) VALUES (1, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot, cursor = excluded.cursor, updated_at = excluded.updated_at`,
          )
          .run(JSON.stringify(miner.snapshot()), cursor, this.cache.clock.now().getTime());
      });
  }

  private applyMerges(merges: ReturnType<TemplateMiner['consolidate']>): PatternMerge[] {
    const out: PatternMerge[] = [];
    for (const m of merges) {
      this.db.prepare('INSERT OR IGNORE INTO triage_merges (from_id, into_id, reason, at) VALUES (?, ?, ?, ?)').run(m.from, m.into, m.reason, m.at);
      this.db.prepare('UPDATE triage_patterns SET root_id = ? WHERE root_id = ?').run(m.into, m.from);
      out.push({ from: m.from, into: m.into, reason: m.reason, at: iso(m.at) });
    }
    return out;
  }

  private writeStatus(id: string, status: PatternStatus, by: string, at: number): void {
    this.db
      .prepare(
        `UPDATE triage_patterns SET status = ?, status_at = ?, status_by = ?,
           resolved_at = CASE WHEN ? = 'resolved' THEN ? ELSE resolved_at END WHERE id = ?`,
      )
      .run(status, at, by, status, at, id);
    this.db.prepare('INSERT INTO triage_status_history (pattern_id, status, by, at) VALUES (?, ?, ?, ?)').run(id, status, by, at);
  }

  /** The surviving id of a pattern id (itself, or what it was merged into); null when unknown. */
  rootOf(id: string): string | null {
    const row = this.db.prepare('SELECT root_id FROM triage_patterns WHERE id = ?').get(id) as { root_id: string } | undefined;
    return row?.root_id ?? null;
  }

  setStatus(id: string, status: PatternStatus, by: string): PatternSummary {
    if (!(PATTERN_STATUSES as readonly string[]).includes(status)) throw new TriageInputError(`unknown status "${String(status).slice(0, 40)}"`);
    if (status === 'regressed') throw new TriageInputError('"regressed" is set by the app when a resolved pattern comes back');
    const root = this.rootOf(id);
    if (!root) throw new TriageInputError(`no pattern with id ${id.slice(0, 40)}`);
    this.cache.durableTransaction(() => this.writeStatus(root, status, by.slice(0, 200) || 'unknown', this.cache.clock.now().getTime()));
    return this.list({ limit: 1, ids: [root] })[0]!;
  }

  addNote(id: string, text: string, by: string): void {
    const root = this.rootOf(id);
    if (!root) throw new TriageInputError(`no pattern with id ${id.slice(0, 40)}`);
    const body = text.trim();
    if (!body) throw new TriageInputError('a note needs some text');
    if (body.length > 10_000) throw new TriageInputError('a note is at most 10,000 characters');
    this.cache.durableTransaction(() =>
      this.db.prepare('INSERT INTO triage_notes (pattern_id, text, by, at) VALUES (?, ?, ?, ?)').run(root, body, by.slice(0, 200) || 'unknown', this.cache.clock.now().getTime()),
    );
  }

  list(filter: PatternFilter & { ids?: string[] } = {}): PatternSummary[] {
    const now = this.cache.clock.now().getTime();
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.ids) {
      where.push(`r.id IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(filter.ids));
    }
    if (filter.status?.length) {
      where.push(`r.status IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(filter.status));
    }
    if (filter.text) {
      where.push(`r.template LIKE ? ESCAPE '\\'`);
      params.push(`%${filter.text.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
    }
    const having: string[] = [];
    const since = parseSince(filter.since, now);
    if (since !== undefined) {
      having.push('max(o.ts) >= ?');
    }
    const SEV_RANK: Record<string, number> = { critical: 3, error: 2 };
    if (filter.severity?.length) {
      for (const s of filter.severity) if (!(TRIAGE_SEVERITIES as readonly string[]).includes(s)) throw new TriageInputError(`unknown severity "${s}"`);
      // filtered in SQL, before the LIMIT: a pattern of the asked severity is never crowded out by others
      const ranks = [...new Set(filter.severity.map((s) => SEV_RANK[s] ?? 1))];
      having.push(`max(CASE o.severity WHEN 'critical' THEN 3 WHEN 'error' THEN 2 ELSE 1 END) IN (${ranks.join(', ')})`);
    }
    if (filter.source) {
      having.push(`sum(o.source = ?) > 0`);
    }
    const limit = Math.max(1, Math.min(filter.limit ?? 200, 1000));
    const sql = `
      SELECT r.id, r.template, r.status, r.status_at, count(*) AS n, min(o.ts) AS first_ts, max(o.ts) AS last_ts,
             max(CASE o.severity WHEN 'critical' THEN 3 WHEN 'error' THEN 2 ELSE 1 END) AS sev,
             group_concat(DISTINCT o.source) AS sources, count(DISTINCT o.user_id) AS users, count(DISTINCT o.ip) AS ips,
             group_concat(DISTINCT o.event_type) AS event_types
        FROM triage_patterns r
        JOIN triage_patterns p ON p.root_id = r.id
        JOIN triage_occurrences o ON o.pattern_id = p.id
       WHERE r.root_id = r.id ${where.length ? 'AND ' + where.join(' AND ') : ''}
       GROUP BY r.id
       ${having.length ? 'HAVING ' + having.join(' AND ') : ''}
       ORDER BY ${filter.sort === 'count' ? (since !== undefined ? 'sum(o.ts >= ?) DESC, max(o.ts) DESC' : 'count(*) DESC, max(o.ts) DESC') : 'max(o.ts) DESC'}
       LIMIT ${limit * 4}`;
    const havingParams: unknown[] = [];
    if (since !== undefined) havingParams.push(since);
    if (filter.source) havingParams.push(filter.source);
    if (filter.sort === 'count' && since !== undefined) havingParams.push(since);
    let rows = this.db.prepare(sql).all(...params, ...havingParams) as AggRow[];
    if (filter.severity?.length) rows = rows.filter((r) => filter.severity!.includes(sevOf(r.sev)));
    rows = rows.slice(0, limit);
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const spark = this.sparklines(ids, now);
    const deployments = this.deployments(ids);
    const merged = this.mergedIds(ids);
    return rows.map((r) => this.summary(r, now, spark.get(r.id), deployments.get(r.id) ?? null, merged.get(r.id) ?? []));
  }

  private summary(r: AggRow, now: number, spark: number[] | undefined, deployment: PatternSummary['deployment'], mergedIds: string[]): PatternSummary {
    const severity = sevOf(r.sev);
    const open = r.status === 'new' || r.status === 'regressed';
    const due = open ? r.status_at + RESPONSE_TIME_MINUTES[severity] * 60_000 : null;
    const sources = (r.sources ?? '').split(',').filter(Boolean).sort();
    const eventTypes = (r.event_types ?? '').split(',').filter(Boolean);
    const hourStart = Math.floor(now / HOUR) * HOUR;
    return {
      id: r.id,
      template: r.template,
      count: r.n,
      firstSeen: iso(r.first_ts),
      lastSeen: iso(r.last_ts),
      severity,
      responseTime: RESPONSE_TIME_LABEL[severity],
      dueAt: due === null ? null : iso(due),
      overdue: due !== null && now >= due,
      status: r.status,
      statusChangedAt: iso(r.status_at),
      sources,
      users: r.users,
      ips: r.ips,
      sparkline: { hours: SPARK_HOURS, until: iso(hourStart + HOUR), counts: spark ?? new Array<number>(SPARK_HOURS).fill(0) },
      deployment,
      playbook: matchPlaybook({ template: r.template, sources, severity, eventTypes }),
      mergedIds,
    };
  }

  private sparklines(ids: string[], now: number): Map<string, number[]> {
    const hourStart = Math.floor(now / HOUR) * HOUR;
    const from = hourStart - (SPARK_HOURS - 1) * HOUR;
    const rows = this.db
      .prepare(
        `SELECT p.root_id AS id, CAST((o.ts - ?) / ${HOUR} AS INTEGER) AS bucket, count(*) AS n
           FROM triage_occurrences o JOIN triage_patterns p ON p.id = o.pattern_id
          WHERE o.ts >= ? AND p.root_id IN (SELECT value FROM json_each(?))
          GROUP BY p.root_id, bucket`,
      )
      .all(from, from, JSON.stringify(ids)) as { id: string; bucket: number; n: number }[];
    const out = new Map<string, number[]>();
    for (const r of rows) {
      if (r.bucket < 0 || r.bucket >= SPARK_HOURS) continue;
      let arr = out.get(r.id);
      if (!arr) out.set(r.id, (arr = new Array<number>(SPARK_HOURS).fill(0)));
      arr[r.bucket] = r.n;
    }
    return out;
  }

  private deployments(ids: string[]): Map<string, PatternSummary['deployment']> {
    const firsts = this.db
      .prepare(
        `SELECT root_id AS id, correlation_id, ts FROM (
           SELECT p.root_id, o.correlation_id, o.ts,
                  row_number() OVER (PARTITION BY p.root_id ORDER BY o.ts, o.record_id) AS rn
             FROM triage_occurrences o JOIN triage_patterns p ON p.id = o.pattern_id
            WHERE p.root_id IN (SELECT value FROM json_each(?)))
          WHERE rn = 1`,
      )
      .all(JSON.stringify(ids)) as { id: string; correlation_id: string | null; ts: number }[];
    const out = new Map<string, PatternSummary['deployment']>();
    const lookup = this.db.prepare(
      `SELECT ts, json_extract(metadata, '$.version') AS version FROM records
        WHERE type IN ('deployment', 'deploy') AND json_valid(metadata) AND json_extract(metadata, '$.correlation_id') = ?
        ORDER BY ts LIMIT 1`,
    );
    for (const f of firsts) {
      if (!f.correlation_id) continue;
      const dep = lookup.get(f.correlation_id) as { ts: number; version: unknown } | undefined;
      out.set(f.id, {
        correlationId: f.correlation_id,
        deployedAt: dep ? iso(dep.ts) : null,
        version: dep && typeof dep.version === 'string' ? dep.version : null,
        startedAfter: dep ? f.ts >= dep.ts : false,
      });
    }
    return out;
  }

  private mergedIds(ids: string[]): Map<string, string[]> {
    const rows = this.db
      .prepare(`SELECT root_id, id FROM triage_patterns WHERE root_id IN (SELECT value FROM json_each(?)) AND id <> root_id ORDER BY id`)
      .all(JSON.stringify(ids)) as { root_id: string; id: string }[];
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.root_id, [...(out.get(r.root_id) ?? []), r.id]);
    return out;
  }

  detail(id: string): PatternDetail | null {
    const root = this.rootOf(id);
    if (!root) return null;
    const summary = this.list({ ids: [root], limit: 1 })[0];
    if (!summary) return null;
    const occ = `FROM triage_occurrences o JOIN triage_patterns p ON p.id = o.pattern_id WHERE p.root_id = ?`;
    const top = (col: string): ValueCount[] =>
      this.db
        .prepare(`SELECT o.${col} AS value, count(*) AS count ${occ} AND o.${col} IS NOT NULL GROUP BY o.${col} ORDER BY count DESC, value LIMIT 10`)
        .all(root) as ValueCount[];
    const features: PatternDetail['features'] = [];
    for (const key of FEATURE_KEYS) {
      const values = this.db
        .prepare(
          `SELECT json_extract(r.metadata, ?) AS value, count(*) AS count
             FROM triage_occurrences o JOIN triage_patterns p ON p.id = o.pattern_id JOIN records r ON r.id = o.record_id
            WHERE p.root_id = ? AND json_valid(r.metadata) AND json_type(r.metadata, ?) IN ('text', 'integer')
            GROUP BY value ORDER BY count DESC LIMIT 5`,
        )
        .all(`$.${key}`, root, `$.${key}`) as ValueCount[];
      if (values.length) features.push({ key, values: values.map((v) => ({ value: String(v.value), count: v.count })) });
    }
    const recent = (
      this.db
        .prepare(
          `SELECT o.record_id, o.ts, o.severity, o.source, r.message, o.user_id, o.ip, o.correlation_id
             FROM triage_occurrences o JOIN triage_patterns p ON p.id = o.pattern_id JOIN records r ON r.id = o.record_id
            WHERE p.root_id = ? ORDER BY o.ts DESC, o.record_id DESC LIMIT 20`,
        )
        .all(root) as { record_id: number; ts: number; severity: string | null; source: string | null; message: string; user_id: string | null; ip: string | null; correlation_id: string | null }[]
    ).map((r) => ({ recordId: r.record_id, timestamp: iso(r.ts), severity: r.severity, source: r.source, message: r.message, userId: r.user_id, ip: r.ip, correlationId: r.correlation_id }));
    const ids = [root, ...summary.mergedIds];
    const merges = (
      this.db.prepare(`SELECT from_id, into_id, reason, at FROM triage_merges WHERE into_id IN (SELECT value FROM json_each(?)) ORDER BY at`).all(JSON.stringify(ids)) as {
        from_id: string;
        into_id: string;
        reason: string;
        at: number;
      }[]
    ).map((m) => ({ from: m.from_id, into: m.into_id, reason: m.reason, at: iso(m.at) }));
    const notes = (
      this.db.prepare(`SELECT text, by, at FROM triage_notes WHERE pattern_id IN (SELECT value FROM json_each(?)) ORDER BY at DESC, id DESC`).all(JSON.stringify(ids)) as {
        text: string;
        by: string;
        at: number;
      }[]
    ).map((n) => ({ text: n.text, by: n.by, at: iso(n.at) }));
    const history = (
      this.db.prepare(`SELECT status, by, at FROM triage_status_history WHERE pattern_id IN (SELECT value FROM json_each(?)) ORDER BY at, id`).all(JSON.stringify(ids)) as {
        status: PatternStatus;
        by: string;
        at: number;
      }[]
    ).map((h) => ({ status: h.status, by: h.by, at: iso(h.at) }));
    return {
      ...summary,
      topUsers: top('user_id'),
      topIps: top('ip'),
      topSources: top('source'),
      features,
      correlationIds: top('correlation_id'),
      recent,
      merges,
      notes,
      history,
    };
  }

  /** Occurrences of a pattern per bucket between two times (the validation chart of the guided flow). */
  timeline(id: string, fromMs: number, toMs: number, bucketMs: number): { at: string; count: number }[] {
    const root = this.rootOf(id);
    if (!root) throw new TriageInputError(`no pattern with id ${id.slice(0, 40)}`);
    if (!(toMs > fromMs) || !(bucketMs > 0) || (toMs - fromMs) / bucketMs > 1000) throw new TriageInputError('bad timeline window');
    const rows = this.db
      .prepare(
        `SELECT CAST((o.ts - ?) / ? AS INTEGER) AS b, count(*) AS n FROM triage_occurrences o JOIN triage_patterns p ON p.id = o.pattern_id
          WHERE p.root_id = ? AND o.ts >= ? AND o.ts < ? GROUP BY b`,
      )
      .all(fromMs, bucketMs, root, fromMs, toMs) as { b: number; n: number }[];
    const buckets = Math.ceil((toMs - fromMs) / bucketMs);
    const out = Array.from({ length: buckets }, (_, i) => ({ at: iso(fromMs + i * bucketMs), count: 0 }));
    for (const r of rows) if (out[r.b]) out[r.b]!.count = r.n;
    return out;
  }

  /** The pattern a cached record belongs to (its root), or null when it was not fingerprinted. */
  patternOfRecord(recordId: number): string | null {
    const row = this.db
      .prepare('SELECT p.root_id FROM triage_occurrences o JOIN triage_patterns p ON p.id = o.pattern_id WHERE o.record_id = ?')
      .get(recordId) as { root_id: string } | undefined;
    return row?.root_id ?? null;
  }
}
