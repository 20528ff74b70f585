/**
 * The parser and the verdict on a labelled set of realistic requests (tests/unit/actions/labelled-requests.ts):
 * at least 95 % right, and ZERO unsafe approvals (an approval where the label says reject or not understood).
 */
import { describe, expect, it } from 'vitest';
import { requestAction } from '../../../src/main/core/actions';
import { ManualClock } from '../../../src/main/core/clock';
import { DomainError } from '../../../src/shared/result';
import { labelledRequests, type Expected } from './labelled-requests';

const clock = new ManualClock('2026-11-24T20:00:00Z');
const STABLE = 0.042;

function judge(text: string): { got: Expected; kind: string | null } {
  try {
    const o = requestAction({ text, systemEntropy: STABLE }, { requested_by: 'ops', channel: 'cli', entropy_source: 'manual' }, clock);
    return { got: o.decision.result.verdict === 'reject' ? 'reject' : 'approve', kind: o.action.kind };
  } catch (err) {
    if (err instanceof DomainError && (err.code === 'not_understood' || err.code === 'invalid_input')) return { got: 'nu', kind: null };
    throw err;
  }
}

describe('labelled requests', () => {
  const set = labelledRequests();
  const results = set.map((r) => ({ ...r, result: judge(r.text) }));
  const isRight = (r: (typeof results)[number]) => r.result.got === r.expected && (r.expected === 'nu' || r.result.kind === r.kind);
  const wrong = results.filter((r) => !isRight(r));

  it('has at least 300 distinct requests', () => {
    expect(set.length).toBeGreaterThanOrEqual(300);
    expect(new Set(set.map((r) => r.text.toLowerCase())).size).toBe(set.length);
  });

  it('never approves a request labelled reject or not understood', () => {
    const unsafe = results.filter((r) => r.result.got === 'approve' && r.expected !== 'approve');
    expect(unsafe.map((r) => `${r.expected} got approve (${r.result.kind}): ${r.text}`)).toEqual([]);
  });

  it('gets at least 95 % right (verdict, and kind when understood)', () => {
    const score = (set.length - wrong.length) / set.length;
    const report = wrong.map((r) => `${r.expected}/${r.kind ?? '-'} got ${r.result.got}/${r.result.kind ?? '-'}: ${r.text}`);
    expect(score, report.join('\n')).toBeGreaterThanOrEqual(0.95);
  });
});
