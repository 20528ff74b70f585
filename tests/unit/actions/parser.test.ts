import { describe, expect, it } from 'vitest';
import { parseActionRequest, suggestPhrases } from '../../../src/main/core/actions';
import { DomainError } from '../../../src/shared/result';

function notUnderstood(text: string): DomainError {
  try {
    parseActionRequest(text);
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error(`"${text}" was understood`);
}

describe('action request parser', () => {
  it('reads "approve deploy to staging" as a gradual deploy to staging', () => {
    const p = parseActionRequest('approve deploy to staging');
    expect(p).toMatchObject({ kind: 'deploy', environment: 'staging', target: null });
    expect(p.data).toEqual({ method_type: 'gradual', entropy_increase: 0.001, risk_to_life: 0, geometric_ratio: 1.618, description: 'Deploy to staging' });
    expect(p.explanation[0]).toBe('kind: "deploy" → deploy (Deploy)');
    expect(p.explanation).toContain('environment: "staging" → staging');
  });

  it('reads "deploy to staging" and the manual usage "approve deploy staging" the same way', () => {
    expect(parseActionRequest('deploy to staging').data).toEqual(parseActionRequest('approve deploy staging').data);
    expect(parseActionRequest('@R.O.M.A.N. approve deploy to staging').kind).toBe('deploy');
  });

  it('reads "delete production database" and "drop the production db" as deleting the production database', () => {
    for (const text of ['delete production database', 'drop the production db', 'Drop the PROD database']) {
      const p = parseActionRequest(text);
      expect(p.kind, text).toBe('drop_database');
      expect(p.environment).toBe('production');
      expect(p.destructive).toBe(true);
      expect(p.data.risk_to_life).toBe(1);
      expect(p.data.description).toBe('Delete production database');
      expect(p.explanation).toContain('risk_to_life: 1 (destructive action against production)');
    }
  });

  it('reads "throttled backfill of invoices" as a harmonic bulk insert into invoices', () => {
    const p = parseActionRequest('throttled backfill of invoices');
    expect(p).toMatchObject({ kind: 'bulk_insert', target: 'invoices', environment: 'unspecified' });
    expect(p.data).toMatchObject({ method_type: 'harmonic_resonance', target_frequency: 7.83 });
    expect(p.explanation).toContain('method_type: "throttled" → harmonic_resonance, target_frequency 7.83 Hz (Schumann lock)');
  });

  it('reads "gradual migration of the billing schema" with the billing schema as target', () => {
    const p = parseActionRequest('gradual migration of the billing schema');
    expect(p).toMatchObject({ kind: 'migration', target: 'billing' });
    expect(p.data).toMatchObject({ method_type: 'harmonic_resonance', target_frequency: 7.83, risk_to_life: 0 });
    expect(p.data.description).toBe('Gradual database migration of billing');
  });

  it('reads "mass delete old sessions" as a brute-force mass delete of old sessions', () => {
    const p = parseActionRequest('mass delete old sessions');
    expect(p).toMatchObject({ kind: 'bulk_delete', target: 'old sessions', destructive: true });
    expect(p.data.method_type).toBe('brute_force');
    expect(p.data.target_frequency).toBeUndefined();
  });

  it('reads "disable RLS on customers" as disabling row level security on the customers table', () => {
    const p = parseActionRequest('disable RLS on customers');
    expect(p).toMatchObject({ kind: 'disable_rls', target: 'customers' });
    expect(p.data.risk_to_life).toBeGreaterThan(0);
    expect(parseActionRequest('turn off row level security on customers').kind).toBe('disable_rls');
  });

  it('knows prod, stage and dev as environments', () => {
    expect(parseActionRequest('deploy to prod').environment).toBe('production');
    expect(parseActionRequest('deploy to stage').environment).toBe('staging');
    expect(parseActionRequest('deploy to dev').environment).toBe('development');
    expect(parseActionRequest('deploy the sample').environment).toBe('sample');
    expect(parseActionRequest('deploy from staging to production').environment).toBe('production');
  });

  it('raises the risk of destructive actions in production only', () => {
    expect(parseActionRequest('throttled delete of old sessions').data.risk_to_life).toBe(0);
    expect(parseActionRequest('throttled delete of old sessions in staging').data.risk_to_life).toBe(0);
    expect(parseActionRequest('throttled delete of old sessions in production').data.risk_to_life).toBeGreaterThan(0);
    expect(parseActionRequest('deploy to production').data.risk_to_life).toBe(0);
  });

  it('switches the method with modifiers only for actions whose method can change', () => {
    for (const word of ['throttled', 'gradual', 'rate-limited', 'batched']) {
      expect(parseActionRequest(`${word} bulk insert into events`).data.method_type, word).toBe('harmonic_resonance');
    }
    for (const word of ['mass', 'bulk', 'unthrottled']) {
      expect(parseActionRequest(`${word} insert into events`).data.method_type, word).toBe('brute_force');
    }
    expect(parseActionRequest('insert into events in batches').data.method_type).toBe('harmonic_resonance');
    expect(parseActionRequest('migrate all tables').data.method_type).toBe('brute_force');
    const freeze = parseActionRequest('freeze all writes');
    expect(freeze.data.method_type).toBe('transactional');
    expect(freeze.explanation.some((l) => l.includes('"all" ignored'))).toBe(true);
  });

  it('reads a ratio from the text for Structural Integrity', () => {
    expect(parseActionRequest('1.618:1 ratio of read:write operations').data.geometric_ratio).toBe(1.618);
    expect(parseActionRequest('read:write operations at a 2:1 ratio').data.geometric_ratio).toBe(2);
    expect(parseActionRequest('UI spacing following golden ratio').data.geometric_ratio).toBe(1.61803398875);
  });

  it('is deterministic: the same text always gives the same action', () => {
    const texts = ['mass delete old sessions', 'gradual migration of the billing schema', 'drop the production db'];
    for (const t of texts) expect(parseActionRequest(t)).toEqual(parseActionRequest(t));
  });
});

describe('text the parser does not understand', () => {
  it('is a not_understood error with close catalogue phrases, never a guess', () => {
    const err = notUnderstood('delet production databse');
    expect(err.code).toBe('not_understood');
    expect(err.message).toMatch(/no catalogued action matches it/);
    expect(err.message).toContain('"delete production database"');
  });

  it('suggests known requests even for unrelated text', () => {
    const err = notUnderstood('reboot the server');
    expect(err.message).toMatch(/Closest requests R\.O\.M\.A\.N\. knows: "/);
  });

  it('refuses two actions in one request', () => {
    expect(notUnderstood('backup and drop the database').message).toMatch(/more than one action/);
    expect(notUnderstood('vacuum throttled invoices drop').message).toMatch(/more than one action/);
    expect(notUnderstood('mass migration delete').message).toMatch(/more than one action/);
  });

  it('refuses negations and verbs that contradict the action', () => {
    expect(notUnderstood("don't delete the production database").message).toMatch(/negation/);
    expect(notUnderstood('delete the backup').message).toMatch(/"delete" does not fit/);
    expect(notUnderstood('stop the deployment').message).toMatch(/"stop" does not fit/);
  });

  it('refuses unknown extra clauses, two environments and contradicting modifiers', () => {
    expect(notUnderstood('deploy to staging and make coffee').message).toMatch(/part of it is not understood \("make coffee"\)/);
    expect(notUnderstood('deploy to staging production').message).toMatch(/more than one environment/);
    expect(notUnderstood('throttled unthrottled bulk insert').message).toMatch(/contradict/);
  });

  it('treats empty or over-long text as invalid input', () => {
    expect(notUnderstood('   ').code).toBe('invalid_input');
    expect(notUnderstood('deploy '.repeat(100)).code).toBe('invalid_input');
  });

  it('suggests phrases by closeness of words', () => {
    expect(suggestPhrases('vacum analyse')[0]).toBe('vacuum analyze');
    expect(suggestPhrases('zzzz qqqq')).toEqual([]);
  });
});
