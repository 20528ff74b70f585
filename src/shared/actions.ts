/**
 * Action requests vocabulary shared by the core, the CLI and the renderer: the catalogued action
 * kinds, environments, the catalogue entry shape and the parsed action (kind + environment +
 * target + ActionData + an explanation of which words set which field).
 */
import { z } from 'zod';
import type { ActionData, MethodType } from './constitution';

export const ACTION_KINDS = [
  'backup',
  'deploy',
  'migration',
  'rollback',
  'security_patch',
  'fix',
  'vacuum',
  'freeze_writes',
  'restore_writes',
  'create_index',
  'cancel_query',
  'block_ip',
  'bulk_delete',
  'bulk_insert',
  'api_calls',
  'add_feature',
  'deploy_untested',
  'disable_auth',
  'disable_rls',
  'drop_database',
  'delete_production_data',
  'read_write_ratio',
  'ui_layout',
  // issue 9 (operations)
  'drop_index',
  'unblock_ip',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export const actionKindSchema = z.enum(ACTION_KINDS);

export const ENVIRONMENTS = ['production', 'staging', 'development', 'sample', 'unspecified'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** What the constitution sees of a kind before the request's words adjust it. */
export interface ActionProfile {
  method_type: MethodType;
  target_frequency?: number;
  entropy_increase: number;
  /** Risk outside production (and when no environment is named). */
  risk_to_life: number;
  /** Risk when the action is destructive and runs against production. */
  production_risk_to_life?: number;
  geometric_ratio?: number;
}

export interface CatalogueEntry {
  kind: ActionKind;
  label: string;
  summary: string;
  /** Phrases that request this action (also the suggestions for text that is not understood). */
  phrases: string[];
  /** Destroys or exposes data: production raises its risk to life. */
  destructive: boolean;
  /** Whether "throttled/gradual/…" and "mass/bulk/unthrottled/…" change its method. */
  method_adjustable: boolean;
  profile: ActionProfile;
  /** Safer alternative when the Law of Inhabitance rejects it (the manual's default otherwise). */
  alternative?: string;
}

export interface ParsedAction {
  kind: ActionKind;
  label: string;
  environment: Environment;
  /** Table, schema or other object named in the request, when given. */
  target: string | null;
  destructive: boolean;
  data: ActionData;
  /** Which words set which field, in order. */
  explanation: string[];
  /**
   * A purpose or circumstance clause of the request ("before the migration", "while the outage is
   * ongoing"): context, not a second action. `incident`: it names an incident going on now.
   */
  context?: { text: string; incident: boolean };
}
