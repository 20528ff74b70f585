import { describe, expect, it } from 'vitest';
import { CATALOGUE, parseActionRequest } from '../../../src/main/core/actions';
import { actionDataSchema } from '../../../src/shared/constitution';
import { ACTION_KINDS } from '../../../src/shared/actions';

describe('action catalogue', () => {
  it('has exactly one entry per action kind', () => {
    expect(CATALOGUE.map((e) => e.kind).sort()).toEqual([...ACTION_KINDS].sort());
  });

  it('gives every kind a valid ActionData profile, a label and phrases', () => {
    for (const e of CATALOGUE) {
      expect(e.label.length, e.kind).toBeGreaterThan(0);
      expect(e.phrases.length, e.kind).toBeGreaterThan(0);
      const { production_risk_to_life: _prod, ...profile } = e.profile;
      expect(actionDataSchema.safeParse({ ...profile, description: e.label }).success, e.kind).toBe(true);
      if (e.profile.production_risk_to_life !== undefined) {
        expect(e.destructive, e.kind).toBe(true);
        expect(e.profile.production_risk_to_life).toBeGreaterThan(e.profile.risk_to_life);
      }
    }
  });

  it('parses every catalogue phrase back to its own kind', () => {
    for (const e of CATALOGUE) {
      for (const phrase of e.phrases) expect(parseActionRequest(phrase).kind, phrase).toBe(e.kind);
    }
  });

  it('keeps the protective actions free of risk to life and the dangerous ones risky', () => {
    const risk = (kind: string) => CATALOGUE.find((e) => e.kind === kind)!.profile.risk_to_life;
    for (const k of ['backup', 'rollback', 'security_patch', 'fix', 'vacuum', 'freeze_writes', 'cancel_query', 'block_ip']) expect(risk(k), k).toBe(0);
    for (const k of ['disable_auth', 'disable_rls', 'drop_database', 'delete_production_data']) expect(risk(k), k).toBeGreaterThan(0);
  });
});
