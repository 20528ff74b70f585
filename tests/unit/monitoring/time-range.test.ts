import { describe, expect, it } from 'vitest';
import {
  chooseBucketSeconds,
  formatRangeParam,
  parseCustomRange,
  parseRangeParam,
  PRESET_MS,
  RANGE_PRESETS,
  resolveRange,
  validateCustomRange,
} from '../../../src/shared/time-range';

const NOW = Date.parse('2026-04-15T12:00:00Z');
const H = 3_600_000;

describe('custom time range validation', () => {
  it('accepts a range in the past of at most 30 days', () => {
    expect(validateCustomRange(NOW - 2 * H, NOW - H, NOW)).toEqual({ ok: true, range: { from: NOW - 2 * H, to: NOW - H } });
    expect(validateCustomRange(NOW - 30 * 24 * H, NOW, NOW).ok).toBe(true);
  });
  it('rejects from ≥ to, the future, more than 30 days, less than a minute and unparsable dates, with a message', () => {
    const bad = [
      [validateCustomRange(NOW - H, NOW - 2 * H, NOW), /before the end/],
      [validateCustomRange(NOW - H, NOW - H, NOW), /before the end/],
      [validateCustomRange(NOW - H, NOW + H, NOW), /future/],
      [validateCustomRange(NOW - 31 * 24 * H, NOW, NOW), /at most 30 days/],
      [validateCustomRange(NOW - 10_000, NOW, NOW), /at least 1 minute/],
      [parseCustomRange('', '2026-04-15T11:00:00Z', NOW), /start.*not a valid/],
      [parseCustomRange('2026-04-15T10:00:00Z', 'yesterday-ish', NOW), /end.*not a valid/],
    ] as const;
    for (const [check, message] of bad) {
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.message).toMatch(message);
    }
  });
  it('parses the datetime-local form and ISO texts', () => {
    const r = parseCustomRange('2026-04-15T10:00:00Z', '2026-04-15T11:30:00.000Z', NOW);
    expect(r).toEqual({ ok: true, range: { from: Date.parse('2026-04-15T10:00:00Z'), to: Date.parse('2026-04-15T11:30:00Z') } });
    expect(parseCustomRange('2026-04-15T10:00', '2026-04-15T11:00', NOW + 24 * H).ok).toBe(true);
  });
});

describe('range in the URL hash', () => {
  it('round-trips presets and custom ranges', () => {
    for (const p of RANGE_PRESETS) expect(parseRangeParam(formatRangeParam({ preset: p }), NOW)).toEqual({ preset: p });
    const custom = { from: NOW - 3 * H, to: NOW - H };
    expect(formatRangeParam(custom)).toBe('2026-04-15T09:00:00.000Z_2026-04-15T11:00:00.000Z');
    expect(parseRangeParam(formatRangeParam(custom), NOW)).toEqual(custom);
  });
  it('ignores a malformed or invalid value (the default applies)', () => {
    for (const v of [null, '', '2h', 'custom', '2026-04-15T11:00:00.000Z_2026-04-15T09:00:00.000Z', '2026-04-15T11:00:00.000Z_2026-04-16T09:00:00.000Z'])
      expect(parseRangeParam(v, NOW)).toBeNull();
  });
  it('resolves a preset against now', () => {
    expect(resolveRange({ preset: '1h' }, NOW)).toEqual({ from: NOW - H, to: NOW });
  });
});

describe('bucket size per range', () => {
  it('gives every preset and the 30-day maximum 60 to 300 points', () => {
    for (const p of RANGE_PRESETS) {
      const points = PRESET_MS[p] / (chooseBucketSeconds(PRESET_MS[p]) * 1000);
      expect(points, p).toBeGreaterThanOrEqual(60);
      expect(points, p).toBeLessThanOrEqual(300);
    }
    const month = 30 * 24 * H;
    expect(month / (chooseBucketSeconds(month) * 1000)).toBeGreaterThanOrEqual(60);
  });
  it('picks the expected sizes', () => {
    expect(chooseBucketSeconds(PRESET_MS['15m'])).toBe(15);
    expect(chooseBucketSeconds(PRESET_MS['1h'])).toBe(60);
    expect(chooseBucketSeconds(PRESET_MS['6h'])).toBe(300);
    expect(chooseBucketSeconds(PRESET_MS['24h'])).toBe(1200);
    expect(chooseBucketSeconds(PRESET_MS['7d'])).toBe(7200);
    expect(chooseBucketSeconds(30_000)).toBe(1);
  });
  it('keeps any custom span between 1 min and 30 days within 60–300 points', () => {
    for (let span = 60_000; span <= 30 * 24 * H; span = Math.round(span * 1.37)) {
      const points = span / (chooseBucketSeconds(span) * 1000);
      expect(points, String(span)).toBeGreaterThanOrEqual(60);
      expect(points, String(span)).toBeLessThanOrEqual(300);
    }
  });
});
