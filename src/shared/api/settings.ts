/** API contract of settings: connection profiles, preferences, the secret store's status. */
import { z } from 'zod';
import type { ConnectionProfile } from '../connections';
import type { ConnectionTestReport } from '../connection-test';
import { preferencesSchema, type NotifierSettingsView, type Preferences, type SecretStoreStatus } from '../settings';

/** preferencesSchema with every key optional and no defaults (a patch). */
const preferencesPatchSchema = z
  .object(
    Object.fromEntries(
      Object.entries(preferencesSchema.shape).map(([k, v]) => [k, (v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : (v as z.ZodType)).optional()]),
    ) as { [K in keyof typeof preferencesSchema.shape]: z.ZodOptional<z.ZodType<Preferences[K]>> },
  )
  .strict();

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
  /** Connects once with a profile as edited (not saved) and reports version, TLS, latency, tables, gaps. */
  'settings.testConnection': z
    .object({
      profile: z.record(z.string(), z.unknown()),
      /** As typed in the form; absent = the stored password of this profile; null = none. */
      password: z.string().max(1024).nullable().optional(),
    })
    .strict(),
  // Only the keys sent are changed: the defaults of preferencesSchema must not fill in the others.
  'settings.setPreferences': z.object({ patch: preferencesPatchSchema }).strict(),
  /** Write-only: the Discord webhook URL for alerts (a secret), or null to remove it. */
  'settings.setDiscordWebhook': z.object({ url: z.string().trim().min(1).max(2048).nullable() }).strict(),
} satisfies Record<string, z.ZodType>;

export interface SettingsView {
  profiles: ConnectionProfile[];
  preferences: Preferences;
  secretStore: SecretStoreStatus;
  notifiers: NotifierSettingsView;
}

export interface SettingsOutputs {
  'settings.get': SettingsView;
  'settings.saveProfile': ConnectionProfile;
  'settings.deleteProfile': { deleted: string };
  'settings.testConnection': ConnectionTestReport;
  'settings.setPreferences': Preferences;
  'settings.setDiscordWebhook': NotifierSettingsView;
}

export interface SettingsEvents {
  'settings.changed': { reason: 'profiles' | 'preferences' };
}
