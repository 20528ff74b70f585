/** API contract of settings: connection profiles, preferences, the secret store's status. */
import { z } from 'zod';
import type { ConnectionProfile } from '../connections';
import { preferencesSchema, type Preferences, type SecretStoreStatus } from '../settings';

export const settingsInputs = {
  'settings.get': z.object({}).strict(),
  'settings.saveProfile': z
    .object({
      /** Validated in full by connectionProfileSchema in the core (clear field errors). */
      profile: z.record(z.string(), z.unknown()),
      /** Write-only: a new password, null to remove the stored one, absent to keep it. */
      password: z.string().max(1024).nullable().optional(),
    })
    .strict(),
  'settings.deleteProfile': z.object({ id: z.string().min(1).max(100) }).strict(),
  'settings.setPreferences': z.object({ patch: preferencesSchema.partial() }).strict(),
} satisfies Record<string, z.ZodType>;

export interface SettingsView {
  profiles: ConnectionProfile[];
  preferences: Preferences;
  secretStore: SecretStoreStatus;
}

export interface SettingsOutputs {
  'settings.get': SettingsView;
  'settings.saveProfile': ConnectionProfile;
  'settings.deleteProfile': { deleted: string };
  'settings.setPreferences': Preferences;
}

export interface SettingsEvents {
  'settings.changed': { reason: 'profiles' | 'preferences' };
}
