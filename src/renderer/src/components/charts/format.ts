/**
 * Number, time and scale helpers for the dashboard charts and pages. Pure functions: every label a
 * chart draws comes from here, so the same value reads the same everywhere.
 */

/** 0.0423 → "4.2%". */
export function percent1(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

export function usd(value: number, digits = 2): string {
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

export function integer(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** 480 → "480 ms", 2150 → "2.15 s". */
export function millis(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 1 : 2)} s` : `${Math.round(ms)} ms`;
}

export function seconds(s: number): string {
  if (s < 120) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

export function bytes(b: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = b;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** Local wall-clock time "14:05". */
export function clock(t: number | string): string {
  return new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
}

/** "Nov 24" (UTC day: the AI cost query groups by UTC day). */
export function utcDay(t: number | string): string {
  return new Date(t).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** Full local date and time, for tooltips and titles. */
export function dateTime(t: number | string): string {
  return new Date(t).toLocaleString([], { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/** Relative to `now`: "just now", "3 min ago", "2 h ago", "4 d ago" — or, for a time ahead, "in 30 min", "in 2 h". */
export function ago(t: number | string, now: number): string {
  const delta = (now - new Date(t).getTime()) / 1000;
  const s = Math.abs(delta);
  if (s < 45) return 'just now';
  const span = s < 3600 ? `${Math.round(s / 60)} min` : s < 86_400 ? `${(s / 3600).toFixed(s < 36_000 ? 1 : 0)} h` : `${Math.round(s / 86_400)} d`;
  return delta >= 0 ? `${span} ago` : `in ${span}`;
}

/** Round `max` up to a "nice" axis end and return evenly spaced ticks from 0 (or min). */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const start = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = start; v <= max + step * 0.999; v += step) ticks.push(Math.round(v * 1e9) / 1e9);
  return ticks;
}

/** Linear map of a domain onto a range. */
export function linear(domain: [number, number], range: [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}
