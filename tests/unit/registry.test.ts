import { describe, expect, it } from 'vitest';
import { HandlerRegistry } from '../../src/main/core/api/registry';
import { ManualClock } from '../../src/main/core/clock';
import type { CoreContext } from '../../src/main/core/context';
import { DomainError } from '../../src/shared/result';

const ctx: CoreContext = {
  clock: new ManualClock(),
  caller: { channel: 'ui', requestedBy: 'tester' },
  emit: () => undefined,
  services: {},
};

describe('handler registry', () => {
  it('refuses to register a handler twice or one the contract does not declare', () => {
    const r = new HandlerRegistry();
    r.method('constitution.selftest', () => ({ passed: true, lines: [], tests: [] }));
    expect(() => r.method('constitution.selftest', () => ({ passed: true, lines: [], tests: [] }))).toThrow(/twice/);
    // @ts-expect-error -- not in the contract
    expect(() => r.method('shell.exec', () => null)).toThrow(/not declared/);
  });

  it('validates input against the contract before the handler runs', async () => {
    const r = new HandlerRegistry();
    let ran = false;
    r.method('constitution.evaluate', () => {
      ran = true;
      throw new Error('should not run');
    });
    const res = await r.dispatch('constitution.evaluate', { action: 'nope', systemEntropy: 'high' }, ctx);
    expect(res.ok).toBe(false);
    expect(!res.ok && res.error.code).toBe('invalid_input');
    expect(!res.ok && res.error.issues?.length).toBeGreaterThan(0);
    expect(ran).toBe(false);
  });

  it('passes a domain error through and hides internals of an unexpected one', async () => {
    const r = new HandlerRegistry();
    r.method('actions.parse', () => {
      throw new DomainError('not_understood', 'Request not understood. Did you mean "deploy to staging"?');
    });
    r.method('actions.catalogue', () => {
      const e = new Error('boom');
      e.stack = 'at secret/path.ts:1';
      throw e;
    });
    expect(await r.dispatch('actions.parse', { text: 'make it so' }, ctx)).toEqual({
      ok: false,
      error: { code: 'not_understood', message: 'Request not understood. Did you mean "deploy to staging"?' },
    });
    const internal = await r.dispatch('actions.catalogue', {}, ctx);
    expect(internal).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
  });

  it('answers an unknown handler name with a typed error', async () => {
    const r = new HandlerRegistry();
    expect(await r.dispatch('__proto__', {}, ctx)).toMatchObject({ ok: false, error: { code: 'unknown_handler' } });
    expect(await r.dispatch(42, {}, ctx)).toMatchObject({ ok: false, error: { code: 'unknown_handler' } });
  });
});
