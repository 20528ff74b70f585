import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, parseActionRequest } from '../../../src/main/core/actions';
import { actionDataSchema } from '../../../src/shared/constitution';
import { DomainError } from '../../../src/shared/result';

const words = fc.constantFrom(
  'deploy', 'to', 'staging', 'production', 'prod', 'delete', 'drop', 'the', 'database', 'db', 'mass', 'throttled', 'gradual',
  'backfill', 'of', 'invoices', 'migration', 'billing', 'schema', 'disable', 'rls', 'on', 'customers', 'and', 'not', 'backup',
  'sessions', 'old', 'unthrottled', 'all', 'banana', '2:1', 'ratio', 'fix', 'rollback', 'index', 'create', 'vacuum', ',',
);

describe('action request parser (properties)', () => {
  it('either understands text and returns valid ActionData, or refuses it with a domain error — never anything else', () => {
    fc.assert(
      fc.property(fc.array(words, { minLength: 1, maxLength: 8 }), (ws) => {
        const text = ws.join(' ');
        try {
          const p = parseActionRequest(text);
          expect(actionDataSchema.safeParse(p.data).success).toBe(true);
          expect(CATALOGUE.some((e) => e.kind === p.kind)).toBe(true);
          expect(p.explanation[0]).toMatch(/^kind: /);
          expect(parseActionRequest(text)).toEqual(p);
        } catch (err) {
          expect(err).toBeInstanceOf(DomainError);
          expect(['not_understood', 'invalid_input']).toContain((err as DomainError).code);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never reads a request that mentions deleting the production database as anything harmless', () => {
    fc.assert(
      fc.property(fc.constantFrom('please', 'now', 'the', 'entire', 'approve', 'immediately'), fc.constantFrom('delete', 'drop', 'wipe', 'destroy'), fc.constantFrom('prod', 'production'), fc.constantFrom('db', 'database'), (filler, verb, env, noun) => {
        const p = parseActionRequest(`${filler} ${verb} the ${env} ${noun}`);
        expect(p.kind).toBe('drop_database');
        expect(p.data.risk_to_life).toBeGreaterThan(0);
      }),
    );
  });
});
