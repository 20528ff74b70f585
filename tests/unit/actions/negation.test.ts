/** Negation flips or blocks the word it governs; it is never ignored. Purpose clauses are context. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseActionRequest, requestAction } from '../../../src/main/core/actions';
import { ManualClock } from '../../../src/main/core/clock';
import { DomainError } from '../../../src/shared/result';

const clock = new ManualClock('2026-11-24T20:00:00Z');
const who = { requested_by: 'ops', channel: 'cli' as const, entropy_source: 'manual' as const };
const verdict = (text: string, entropy = 0.042) => {
  try {
    return requestAction({ text, systemEntropy: entropy }, who, clock).decision.result.verdict;
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
};

const HARMONIC = ['throttle', 'throttling', 'rate limit', 'rate limiting', 'batching', 'batches'];
const NEGATORS = ['with no', 'without', 'without any', 'no', 'with zero'];
const ACTIONS = ['deploy to production', 'backfill the invoices table', 'bulk insert into events', 'delete old sessions', 'migrate the orders table', 'api calls to stripe'];

describe('negation of a method modifier flips it to brute force (rejected under Harmonic Attraction)', () => {
  it('"deploy with no throttle" is not throttled', () => {
    const p = parseActionRequest('deploy with no throttle');
    expect(p.data.method_type).toBe('brute_force');
    expect(p.explanation).toContain('negation: "no throttle" → unthrottled (brute force)');
    expect(verdict('deploy with no throttle')).toBe('reject');
  });

  it('property: <action> <negator> <harmonic word> is never approved', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ACTIONS), fc.constantFrom(...NEGATORS), fc.constantFrom(...HARMONIC), (a, n, h) => {
        expect(verdict(`${a} ${n} ${h}`)).not.toMatch(/^approve/);
      }),
      { numRuns: 200 },
    );
  });

  it('un- and non- prefixes, "n\'t", "disabled/off" flip the modifier too', () => {
    for (const t of ['non-throttled backfill of events', 'nonbatched delete of old sessions', "backfill events, don't throttle it", 'backfill events with throttling disabled', 'bulk insert, rate limit: off', 'un-throttled bulk insert']) {
      expect(verdict(t), t).toBe('reject');
    }
  });

  it('negating brute force asks for the harmonic method; two negators cancel', () => {
    expect(parseActionRequest('purge old sessions in batches, not all at once').data.method_type).toBe('harmonic_resonance');
    expect(parseActionRequest("deploy to staging, don't skip tests").kind).toBe('deploy');
  });
});

describe('negation of anything else blocks the request (not understood), never a verdict on the opposite', () => {
  it('negated verbs', () => {
    for (const t of ["don't delete the production database", 'never drop the users table', 'do not deploy to production', "we can't roll back the release", 'no backup']) {
      expect(verdict(t), t).toBe('not_understood');
    }
  });

  it('"without a backup" makes a destructive action as risky as in production', () => {
    const p = parseActionRequest('throttled delete of old sessions without a backup');
    expect(p.data.risk_to_life).toBeGreaterThan(0);
    expect(verdict('throttled delete of old sessions without a backup')).toBe('reject');
  });

  it('"without tests" is untested code; "no downtime" changes nothing', () => {
    expect(parseActionRequest('deploy to staging without tests').kind).toBe('deploy_untested');
    expect(parseActionRequest('deploy to staging with zero downtime').kind).toBe('deploy');
  });

  it('an excluded environment is fine next to a named one, and not understood alone', () => {
    expect(parseActionRequest('deploy the api to staging, not production').environment).toBe('staging');
    expect(verdict('deploy, but not to production')).toBe('not_understood');
  });
});

describe('purpose and incident clauses are context, never a second action, and never lower caution', () => {
  it('"X before Y": X is the action', () => {
    const p = parseActionRequest('back up the prod db before the migration');
    expect(p.kind).toBe('backup');
    expect(p.context).toEqual({ text: 'before the migration', incident: false });
  });

  it('"X while Y is ongoing": an incident makes the system unstable for the decision', () => {
    expect(verdict('deploy to production while the outage is ongoing')).toBe('reject');
    expect(verdict('roll back the release while the outage is ongoing')).toBe('approve');
    expect(verdict('During the outage, deploy the hotfix')).toBe('approve');
    expect(verdict('deploy to prod (outage ongoing)')).toBe('reject');
    expect(verdict('deploy to prod even though the site is down')).toBe('reject');
    const o = requestAction({ text: 'ship the new feature during the incident', systemEntropy: 0.042 }, who, clock);
    expect(o.decision.result.laws.find((l) => l.law === 'total_coherence')!.detail).toMatch(/Incident named in the request \("during the incident"\)/);
  });

  it('property: adding an incident clause never turns a rejection into an approval', () => {
    const texts = ['deploy to production', 'mass delete expired sessions', 'add a new feature', 'disable rls on invoices', 'drop the prod db', 'deploy untested code', 'backfill events at once'];
    const clauses = ['while the outage is ongoing', 'during the incident', 'because the system is down', 'while the breach is still active'];
    fc.assert(
      fc.property(fc.constantFrom(...texts), fc.constantFrom(...clauses), fc.constantFrom(0.01, 0.042, 0.2), (t, c, e) => {
        const base = verdict(t, e);
        const withContext = verdict(`${t} ${c}`, e);
        if (base === 'reject') expect(withContext).toBe('reject');
        if (withContext === 'approve') expect(base).toBe('approve');
      }),
      { numRuns: 100 },
    );
  });
});

describe('text outside the vocabulary is never approved', () => {
  it('property: random words (no catalogue phrase) are not understood, never a verdict', () => {
    const word = fc.stringMatching(/^[bcdfghjklmnpqrstvwxz]{3,8}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), (ws) => {
        expect(verdict(ws.join(' '))).toBe('not_understood');
      }),
      { numRuns: 150 },
    );
  });

  it('property: a known action with a negated verb in front is never approved', () => {
    const verbs = ['deploy to staging', 'back up the database', 'roll back the release', 'vacuum the orders table', 'create an index on orders'];
    fc.assert(
      fc.property(fc.constantFrom(...verbs), fc.constantFrom("don't", 'do not', 'never', 'please do not', "we shouldn't"), (v, n) => {
        expect(verdict(`${n} ${v}`)).toBe('not_understood');
      }),
    );
  });
});
