/**
 * The significance tests of the deployment watch. Both are one-sided ("worse after than before")
 * and both refuse to call a difference significant on a handful of observations: a regression
 * needs enough data after the deployment (MIN_EVENTS) as well as p < ALPHA.
 */

/** One-sided significance level of the watch. */
export const ALPHA = 0.01;
/** Below this many observations after the deployment a measure has too little data to judge. */
export const MIN_EVENTS = 20;

/** Standard normal upper-tail probability P(Z > z) (Abramowitz & Stegun 26.2.17, |error| < 7.5e-8). */
export function normalUpperTail(z: number): number {
  if (!Number.isFinite(z)) return z > 0 ? 0 : 1;
  if (z < 0) return 1 - normalUpperTail(-z);
  const t = 1 / (1 + 0.2316419 * z);
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * poly;
}

export interface ProportionTest {
  before: number | null;
  after: number | null;
  /** P(after's proportion is not larger), one-sided; null when there is too little data to test. */
  pValue: number | null;
  significant: boolean;
}

/**
 * Two-proportion z-test, H1: p_after > p_before ("more failures after"). With no variance at all
 * (both 0 % or both 100 %) nothing changed. Fewer than MIN_EVENTS trials after: not significant.
 */
export function proportionIncrease(hitsBefore: number, nBefore: number, hitsAfter: number, nAfter: number): ProportionTest {
  const before = nBefore > 0 ? hitsBefore / nBefore : null;
  const after = nAfter > 0 ? hitsAfter / nAfter : null;
  if (nAfter < MIN_EVENTS || nBefore < 1 || before === null || after === null) return { before, after, pValue: null, significant: false };
  const pooled = (hitsBefore + hitsAfter) / (nBefore + nAfter);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nBefore + 1 / nAfter));
  if (se === 0) return { before, after, pValue: 1, significant: false };
  const p = normalUpperTail((after - before) / se);
  return { before, after, pValue: p, significant: p < ALPHA && after > before };
}

/**
 * Mann–Whitney U test (normal approximation with tie correction), H1: the values after tend to be
 * larger than before ("slower after"). Returns the one-sided p-value, or null with too little data.
 */
export function mannWhitneyGreater(before: readonly number[], after: readonly number[]): number | null {
  const n1 = after.length;
  const n2 = before.length;
  if (n1 < MIN_EVENTS || n2 < 1) return null;
  const all = [...after.map((v) => ({ v, a: true })), ...before.map((v) => ({ v, a: false }))].sort((x, y) => x.v - y.v);
  let rankSumAfter = 0;
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.v === all[i]!.v) j++;
    const rank = (i + 1 + j) / 2; // average of ranks i+1 … j
    const t = j - i;
    tieTerm += t * t * t - t;
    for (let k = i; k < j; k++) if (all[k]!.a) rankSumAfter += rank;
    i = j;
  }
  const u = rankSumAfter - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return 1;
  const z = (u - mean - 0.5) / Math.sqrt(variance); // continuity correction
  return normalUpperTail(z);
}

/** The q-quantile (0…1) of values by linear interpolation (as Postgres' percentile_cont). */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
