/** Runbook schedules in America/New_York on a fake clock, across both DST changes (croner). */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUNBOOK_SCHEDULES } from '../../../src/shared/runbooks';
import { lastWindow, nextWindow, validateSchedules, windowsBetween } from '../../../src/main/core/runbooks';

const S = DEFAULT_RUNBOOK_SCHEDULES;
const local = (d: Date) =>
  new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false, timeZoneName: 'short' }).format(d);

describe('runbook schedules', () => {
  it('weekly is Sunday 02:00 New York time on both sides of the spring-forward change (02:00 does not exist that night: 03:00 EDT)', () => {
    const w = windowsBetween(S, 'weekly', new Date('2026-02-28T00:00:00Z'), new Date('2026-03-23T00:00:00Z'));
    expect(w.map((d) => d.toISOString())).toEqual(['2026-03-01T07:00:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-15T06:00:00.000Z', '2026-03-22T06:00:00.000Z']);
    expect(local(w[0]!)).toBe('Sun, 02:00 EST');
    expect(local(w[1]!)).toBe('Sun, 03:00 EDT');
    expect(local(w[2]!)).toBe('Sun, 02:00 EDT');
  });

  it('weekly runs once on the fall-back Sunday, at 02:00 EST (the repeated hour is 01:00–02:00)', () => {
    const w = windowsBetween(S, 'weekly', new Date('2026-10-24T00:00:00Z'), new Date('2026-11-09T00:00:00Z'));
    expect(w.map((d) => d.toISOString())).toEqual(['2026-10-25T06:00:00.000Z', '2026-11-01T07:00:00.000Z', '2026-11-08T07:00:00.000Z']);
    expect(w.map(local)).toEqual(['Sun, 02:00 EDT', 'Sun, 02:00 EST', 'Sun, 02:00 EST']);
  });

  it('monthly is the first Sunday of each month and quarterly the first Sunday of the quarter, at 02:00 local', () => {
    const m = windowsBetween(S, 'monthly', new Date('2026-01-01T00:00:00Z'), new Date('2026-12-31T00:00:00Z'));
    expect(m).toHaveLength(12);
    for (const d of m) {
      expect(local(d)).toMatch(/^Sun, 0[23]:00 E[SD]T$/);
      expect(Number(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', day: 'numeric' }).format(d))).toBeLessThanOrEqual(7);
    }
    const q = windowsBetween(S, 'quarterly', new Date('2026-01-01T00:00:00Z'), new Date('2026-12-31T00:00:00Z'));
    expect(q.map((d) => d.toISOString())).toEqual(['2026-01-04T07:00:00.000Z', '2026-04-05T06:00:00.000Z', '2026-07-05T06:00:00.000Z', '2026-10-04T06:00:00.000Z']);
  });

  it('next and last windows from a fake "now"; a window exactly now has passed', () => {
    const now = new Date('2026-03-10T12:00:00Z');
    expect(nextWindow(S, 'weekly', now).toISOString()).toBe('2026-03-15T06:00:00.000Z');
    expect(lastWindow(S, 'weekly', now)?.toISOString()).toBe('2026-03-08T07:00:00.000Z');
    const at = new Date('2026-03-15T06:00:00Z');
    expect(lastWindow(S, 'weekly', at)?.toISOString()).toBe(at.toISOString());
  });

  it('schedules are editable: another zone and pattern; bad ones are clear errors', () => {
    const s = validateSchedules({ ...S, timeZone: 'Europe/Berlin', weekly: { cron: '30 3 * * 6', enabled: true } });
    expect(nextWindow(s, 'weekly', new Date('2026-07-01T00:00:00Z')).toISOString()).toBe('2026-07-04T01:30:00.000Z');
    expect(() => validateSchedules({ ...S, timeZone: 'Mars/Olympus' })).toThrow(/Unknown time zone/);
    expect(() => validateSchedules({ ...S, weekly: { cron: 'every sunday', enabled: true } })).toThrow(/Invalid weekly schedule/);
    expect(() => validateSchedules({ ...S, weekly: { cron: '0 2 * * 0' } })).toThrow(/weekly.enabled/);
  });
});
