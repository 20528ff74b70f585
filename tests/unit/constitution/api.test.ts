import { describe, expect, it } from 'vitest';
import { HandlerRegistry } from '../../../src/main/core/api/registry';
import { registerConstitutionHandlers } from '../../../src/main/core/api/constitution';
import { ManualClock } from '../../../src/main/core/clock';
import type { CoreContext } from '../../../src/main/core/context';

const ctx: CoreContext = {
  clock: new ManualClock('2026-11-24T20:25:00Z'),
  caller: { channel: 'ui', requestedBy: 'ops-admin' },
  emit: () => undefined,
  services: {},
};

function registry(): HandlerRegistry {
  const r = new HandlerRegistry();
  registerConstitutionHandlers(r);
  return r;
}

const deploy = { method_type: 'gradual', entropy_increase: 0.001, risk_to_life: 0, description: 'Deploy to staging' };

describe('constitution and action handlers', () => {
  it('answers the self-test with the manual banner', async () => {
    const res = await registry().dispatch('constitution.selftest', {}, ctx);
    expect(res).toMatchObject({ ok: true, value: { passed: true } });
  });

  it('evaluates an action into a Decision stamped with the caller and the context clock', async () => {
    const res = await registry().dispatch('constitution.evaluate', { action: deploy, systemEntropy: 0.05 }, ctx);
    expect(res.ok).toBe(true);
    const d = res.ok ? (res.value as { requested_by: string; channel: string; timestamp: string; result: { verdict: string } }) : null;
    expect(d).toMatchObject({ requested_by: 'ops-admin', channel: 'ui', timestamp: '2026-11-24T20:25:00.000Z', result: { verdict: 'approve' } });
  });

  it('rejects invalid actions and entropies as invalid_input listing each field', async () => {
    const res = await registry().dispatch('constitution.evaluate', { action: { ...deploy, risk_to_life: 7, extra: 1 }, systemEntropy: -1 }, ctx);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe('invalid_input');
      expect(res.error.issues!.map((i) => i.path)).toEqual(expect.arrayContaining(['action.risk_to_life', 'systemEntropy']));
    }
  });

  it('lists the catalogue and parses a request', async () => {
    const r = registry();
    const cat = await r.dispatch('actions.catalogue', {}, ctx);
    expect(cat.ok && (cat.value as unknown[]).length).toBeGreaterThan(15);
    const parsed = await r.dispatch('actions.parse', { text: 'disable RLS on customers' }, ctx);
    expect(parsed).toMatchObject({ ok: true, value: { kind: 'disable_rls', target: 'customers' } });
    expect(await r.dispatch('actions.parse', { text: 'make it so' }, ctx)).toMatchObject({ ok: false, error: { code: 'not_understood' } });
  });

  it('requests an action by text or kind and returns the decision and its explanation without executing it', async () => {
    const r = registry();
    const byText = await r.dispatch('actions.request', { text: 'delete production database', systemEntropy: 0.042 }, ctx);
    expect(byText).toMatchObject({
      ok: true,
      value: { action: { kind: 'drop_database' }, decision: { requested_by: 'ops-admin', result: { verdict: 'reject' } }, alternatives: ['Create backup before any destructive operation.'] },
    });
    const byKind = await r.dispatch('actions.request', { kind: 'backup', environment: 'production', systemEntropy: 0.5 }, ctx);
    expect(byKind).toMatchObject({ ok: true, value: { action: { kind: 'backup', environment: 'production' }, decision: { result: { verdict: 'approve' } } } });
    expect(await r.dispatch('actions.request', { systemEntropy: 0.1 }, ctx)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
