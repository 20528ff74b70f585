import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/main/core/clock';
import { requestAction } from '../../../src/main/core/actions';
import { DomainError } from '../../../src/shared/result';

const clock = new ManualClock('2026-11-24T20:00:00Z');
const who = { requested_by: 'alice', channel: 'ui' as const, entropy_source: 'manual' as const };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  return 'none';
}

describe('action requests', () => {
  it('builds the action from a catalogue kind and environment without text', () => {
    const o = requestAction({ kind: 'drop_database', environment: 'prod', systemEntropy: 0.02 }, who, clock);
    expect(o.action).toMatchObject({ kind: 'drop_database', environment: 'production' });
    expect(o.decision.result.verdict).toBe('reject');
    expect(o.decision.input.request_text).toBeUndefined();
    expect(o.decision.input.action_kind).toBe('drop_database');
  });

  it('applies the given environment when the text names none, and refuses a contradiction', () => {
    expect(requestAction({ text: 'mass delete old sessions', environment: 'production', systemEntropy: 0.02 }, who, clock).action.data.risk_to_life).toBeGreaterThan(0);
    expect(codeOf(() => requestAction({ text: 'deploy to staging', environment: 'production', systemEntropy: 0.02 }, who, clock))).toBe('invalid_input');
  });

  it('refuses an unknown kind or environment and a kind that contradicts the text', () => {
    expect(codeOf(() => requestAction({ kind: 'launch_rocket', systemEntropy: 0.02 }, who, clock))).toBe('invalid_input');
    expect(codeOf(() => requestAction({ kind: 'deploy', environment: 'moon', systemEntropy: 0.02 }, who, clock))).toBe('invalid_input');
    expect(codeOf(() => requestAction({ text: 'database backup', kind: 'deploy', systemEntropy: 0.02 }, who, clock))).toBe('invalid_input');
    expect(codeOf(() => requestAction({ systemEntropy: 0.02 }, who, clock))).toBe('invalid_input');
  });

  it('refuses an invalid entropy instead of deciding', () => {
    expect(codeOf(() => requestAction({ text: 'deploy to staging', systemEntropy: 2 }, who, clock))).toBe('invalid_input');
  });

  it('passes not_understood through for text it cannot read', () => {
    expect(codeOf(() => requestAction({ text: 'launch the rocket', systemEntropy: 0.02 }, who, clock))).toBe('not_understood');
  });
});
