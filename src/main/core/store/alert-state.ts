/**
 * Alert silences and acknowledgements in the local cache (tables alert_silences and alert_acks,
 * schema version 3), so an admin's "silence this for 4 hours" or "acknowledged" survives an app
 * restart or a reopened workspace. One cache file per watched database, so the state is per
 * database. Writes are durable (synced to disk). Rows that cannot be read back (damaged JSON,
 * impossible times) are skipped, never guessed at.
 */
import { z } from 'zod';
import { matcherSchema, type Silence } from '../../../shared/alerts';
import type { AlertAck, AlertStateStore } from '../alerts/engine';
import type { Cache } from './cache';

interface SilenceRow {
  id: string;
  matchers_json: string;
  starts_at: number;
  ends_at: number;
  comment: string;
  created_by: string;
}

interface AckRow {
  fingerprint: string;
  acked_by: string;
  acked_at: number;
  starts_at: number;
}

const storedMatchers = z.array(matcherSchema).min(1);

function toMs(iso: string, what: string): number {
  const ms = new Date(iso).getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`${what} is not a valid time: ${JSON.stringify(iso).slice(0, 60)}`);
  return ms;
}

function isoOf(ms: unknown): string | null {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function parseSilence(row: SilenceRow): Silence | null {
  const startsAt = isoOf(row.starts_at);
  const endsAt = isoOf(row.ends_at);
  if (!startsAt || !endsAt || typeof row.id !== 'string' || row.id === '') return null;
  let json: unknown;
  try {
    json = JSON.parse(row.matchers_json);
  } catch {
    return null;
  }
  const matchers = storedMatchers.safeParse(json);
  if (!matchers.success) return null;
  return { id: row.id, matchers: matchers.data, startsAt, endsAt, comment: String(row.comment ?? ''), createdBy: String(row.created_by ?? '') };
}

function parseAck(row: AckRow): AlertAck | null {
  const at = isoOf(row.acked_at);
  const startsAt = isoOf(row.starts_at);
  if (!at || !startsAt || typeof row.fingerprint !== 'string' || row.fingerprint === '') return null;
  return { fingerprint: row.fingerprint, by: String(row.acked_by ?? ''), at, startsAt };
}

export class CacheAlertStateStore implements AlertStateStore {
  constructor(private readonly cache: Cache) {}

  load(endedAfter: Date): { silences: Silence[]; acks: AlertAck[] } {
    const cutoff = toMs(endedAfter.toISOString(), 'endedAfter');
    return this.cache.transaction(() => {
      this.cache.db.prepare('DELETE FROM alert_silences WHERE ends_at <= ?').run(cutoff);
      const silenceRows = this.cache.db
        .prepare('SELECT id, matchers_json, starts_at, ends_at, comment, created_by FROM alert_silences ORDER BY starts_at, id')
        .all() as SilenceRow[];
      const ackRows = this.cache.db.prepare('SELECT fingerprint, acked_by, acked_at, starts_at FROM alert_acks ORDER BY fingerprint').all() as AckRow[];
      return {
        silences: silenceRows.map(parseSilence).filter((s): s is Silence => s !== null),
        acks: ackRows.map(parseAck).filter((a): a is AlertAck => a !== null),
      };
    });
  }

  saveSilence(silence: Silence): void {
    const startsAt = toMs(silence.startsAt, 'silence startsAt');
    const endsAt = toMs(silence.endsAt, 'silence endsAt');
    this.cache.durableTransaction(() => {
      this.cache.db
        .prepare(
          `INSERT INTO alert_silences (id, matchers_json, starts_at, ends_at, comment, created_by, expired_at)
           VALUES (?, ?, ?, ?, ?, ?, NULL)
           ON CONFLICT (id) DO UPDATE SET matchers_json = excluded.matchers_json, starts_at = excluded.starts_at,
             ends_at = excluded.ends_at, comment = excluded.comment, created_by = excluded.created_by, expired_at = NULL`,
        )
        .run(silence.id, JSON.stringify(silence.matchers), startsAt, endsAt, silence.comment, silence.createdBy);
    });
  }

  expireSilence(id: string, endsAt: string, expiredAt: string): void {
    const ends = toMs(endsAt, 'silence endsAt');
    const expired = toMs(expiredAt, 'silence expiredAt');
    this.cache.durableTransaction(() => {
      this.cache.db.prepare('UPDATE alert_silences SET ends_at = min(ends_at, ?), expired_at = ? WHERE id = ?').run(ends, expired, id);
    });
  }

  saveAck(ack: AlertAck): void {
    const at = toMs(ack.at, 'acknowledgement time');
    const startsAt = toMs(ack.startsAt, 'acknowledged incident start');
    this.cache.durableTransaction(() => {
      this.cache.db
        .prepare(
          `INSERT INTO alert_acks (fingerprint, acked_by, acked_at, starts_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (fingerprint) DO UPDATE SET acked_by = excluded.acked_by, acked_at = excluded.acked_at, starts_at = excluded.starts_at`,
        )
        .run(ack.fingerprint, ack.by, at, startsAt);
    });
  }

  deleteAck(fingerprint: string): void {
    this.cache.transaction(() => {
      this.cache.db.prepare('DELETE FROM alert_acks WHERE fingerprint = ?').run(fingerprint);
    });
  }
}
