/**
 * The dashboard's time range: a preset ("last 6 h") or a custom from/to, how it is written in the
 * URL hash, how a custom range is validated, and the bucket size a time series uses over it.
 * Pure functions, shared by the renderer (picker, hash) and the core (monitoring.overview).
 */

export const RANGE_PRESETS = ['15m', '1h', '6h', '24h', '7d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export const PRESET_MS: Record<RangePreset, number> = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
  '7d': 7 * 86_400_000,
};

export const PRESET_LABELS: Record<RangePreset, string> = {
  '15m': 'Last 15 min',
  '1h': 'Last 1 h',
  '6h': 'Last 6 h',
  '24h': 'Last 24 h',
  '7d': 'Last 7 d',
};

/** The dashboard's range before anyone chooses one (the performance charts' window until now). */
export const DEFAULT_RANGE: TimeRange = { preset: '6h' };
/** A custom range spans at most this much (and at least MIN_RANGE_MS). */
export const MAX_RANGE_MS = 30 * 86_400_000;
export const MIN_RANGE_MS = 60_000;
/** Clock skew tolerated for "not in the future". */
export const FUTURE_SLACK_MS = 60_000;

export type TimeRange = { preset: RangePreset } | { from: number; to: number };

export const isPreset = (v: string): v is RangePreset => (RANGE_PRESETS as readonly string[]).includes(v);

/** Absolute bounds of a range at `now` (ms since epoch). */
export function resolveRange(range: TimeRange, now: number): { from: number; to: number } {
  return 'preset' in range ? { from: now - PRESET_MS[range.preset], to: now } : { from: range.from, to: range.to };
}

export type RangeCheck = { ok: true; range: { from: number; to: number } } | { ok: false; message: string };

/** Validates a custom range: both dates valid, from < to, at least 1 min, at most 30 days, not in the future. */
export function validateCustomRange(from: number, to: number, now: number): RangeCheck {
  if (!Number.isFinite(from)) return { ok: false, message: 'The start ("from") is not a valid date and time.' };
  if (!Number.isFinite(to)) return { ok: false, message: 'The end ("to") is not a valid date and time.' };
  if (from >= to) return { ok: false, message: 'The start ("from") must be before the end ("to").' };
  if (to > now + FUTURE_SLACK_MS) return { ok: false, message: 'The end ("to") is in the future: choose a time up to now.' };
  if (to - from < MIN_RANGE_MS) return { ok: false, message: 'The range must span at least 1 minute.' };
  if (to - from > MAX_RANGE_MS) return { ok: false, message: 'The range must span at most 30 days.' };
  return { ok: true, range: { from, to } };
}

/** Parses two date-time texts (ISO or the datetime-local input's "YYYY-MM-DDTHH:MM", local time) and validates them. */
export function parseCustomRange(fromText: string, toText: string, now: number): RangeCheck {
  const parse = (s: string) => (/^\s*$/.test(s) ? NaN : Date.parse(s.trim()));
  return validateCustomRange(parse(fromText), parse(toText), now);
}

/** Bucket sizes a series may use, in seconds. */
export const BUCKET_SECONDS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400] as const;
const MIN_POINTS = 60;

/**
 * Bucket size for a series over `spanMs`: the largest that still gives at least 60 points (so at
 * most ~180 points, the next size down being ≤ 3× smaller); the smallest for a span under 60 s.
 * 15 min → 15 s, 1 h → 1 min, 6 h → 5 min, 24 h → 20 min, 7 d → 2 h, 30 d → 12 h.
 */
export function chooseBucketSeconds(spanMs: number): number {
  let chosen: number = BUCKET_SECONDS[0];
  for (const b of BUCKET_SECONDS) if (spanMs / (b * 1000) >= MIN_POINTS) chosen = b;
  return chosen;
}

/** "15 s", "5 min", "2 h", "1 d". */
export function bucketLabel(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${seconds / 60} min`;
  if (seconds < 86400) return `${seconds / 3600} h`;
  return `${seconds / 86400} d`;
}

/** URL hash value: "6h", or "<fromISO>_<toISO>" for a custom range. */
export function formatRangeParam(range: TimeRange): string {
  return 'preset' in range ? range.preset : `${new Date(range.from).toISOString()}_${new Date(range.to).toISOString()}`;
}

/** Reads the hash value back; null (use the default) for anything missing, malformed or invalid at `now`. */
export function parseRangeParam(value: string | null | undefined, now: number): TimeRange | null {
  if (!value) return null;
  if (isPreset(value)) return { preset: value };
  const m = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)_(\d{4}-\d\d-\d\dT[\d:.]+Z)$/.exec(value);
  if (!m) return null;
  const check = validateCustomRange(Date.parse(m[1]), Date.parse(m[2]), now);
  return check.ok ? check.range : null;
}

export function sameRange(a: TimeRange, b: TimeRange): boolean {
  return formatRangeParam(a) === formatRangeParam(b);
}
