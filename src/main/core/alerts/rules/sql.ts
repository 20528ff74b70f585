/**
 * SQL fragments shared by the alert rules: regex-guarded casts (a malformed row — a latency of
 * "fast", a status of "n/a", a missing ip — is ignored, never breaks the query) and per-minute
 * buckets over the stored history for duration rules.
 */
import { MINUTE } from '../rule';

/** metadata->>'latency_ms' as float8, or NULL when it is not a plain non-negative number. */
export const LATENCY_MS = `CASE WHEN (metadata->>'latency_ms') ~ '^\\s*[0-9]{1,12}(\\.[0-9]{1,9})?\\s*$'
  THEN btrim(metadata->>'latency_ms')::float8 END`;

/** metadata->>'status' as int, or NULL when it is not a 3-digit HTTP status. */
export const HTTP_STATUS = `CASE WHEN (metadata->>'status') ~ '^\\s*[1-5][0-9]{2}\\s*$'
  THEN btrim(metadata->>'status')::int END`;

/** Client ip label, or NULL when missing/blank/absurd. */
export const CLIENT_IP = `CASE WHEN btrim(coalesce(metadata->>'ip', '')) ~ '^[0-9A-Za-z:.%_\\[\\]-]{1,64}$'
  THEN btrim(metadata->>'ip') END`;

/**
 * Minute bucket of a row relative to the evaluation time $1: (at-60s, at] → 0, (at-120s, at-60s] → 1, …
 */
export const MINUTE_BUCKET = `greatest(ceil(extract(epoch from ($1::timestamptz - timestamp)) / 60)::int - 1, 0)`;

export interface BucketValue {
  bucket: number;
  value: number | null;
}

/**
 * Number of consecutive breaching minutes counting back from the newest bucket (0). A minute with
 * no data breaks the streak (absent data never fires).
 */
export function breachStreak(rows: BucketValue[], buckets: number, breaches: (v: number) => boolean): number {
  const byBucket = new Map(rows.map((r) => [r.bucket, r.value]));
  let streak = 0;
  for (let i = 0; i < buckets; i++) {
    const v = byBucket.get(i);
    if (v === undefined || v === null || !breaches(v)) break;
    streak++;
  }
  return streak;
}

export function streakSince(at: Date, streak: number): Date {
  return new Date(at.getTime() - streak * MINUTE);
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}
