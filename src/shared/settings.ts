/**
 * Settings the user edits: connection profiles (src/shared/connections.ts) and preferences.
 * Secrets (database passwords, the Discord webhook URL) are never part of these shapes: the UI
 * sends a secret once, write-only, and afterwards sees only whether one is stored.
 */
import { z } from 'zod';

export const preferencesSchema = z
  .object({
    /** Monthly AI budget in US dollars (the manual's default: $500). */
    monthlyAiBudgetUsd: z
      .number({ error: 'Enter a budget in dollars, e.g. 500' })
      .positive('Enter a budget above $0, e.g. 500')
      .max(10_000_000, 'Enter a budget of at most $10,000,000')
      .default(500),
    /** Global threshold overrides (layered over the defaults, under per-connection overrides). */
    thresholds: z.record(z.string().max(100), z.number().finite()).default({}),
    /** Per-connection threshold overrides, keyed by profile id. */
    connectionThresholds: z.record(z.string().max(100), z.record(z.string().max(100), z.number().finite())).default({}),
    /** Logs Stopped Arriving alert: minutes without a system_logs row (where there used to be traffic). */
    logsStoppedMinutes: z.number().int().min(1).max(1440).default(10),
    /** Desktop notifications for firing alerts. */
    desktopNotifications: z.boolean().default(true),
    /** Local cache retention. */
    retentionDays: z
      .number({ error: 'Enter a number of days, e.g. 90' })
      .int('Enter whole days, e.g. 90')
      .min(1, 'Keep records for at least 1 day')
      .max(3650, 'Keep records for at most 3650 days (10 years)')
      .default(90),
    retentionMaxMb: z
      .number({ error: 'Enter a size in megabytes, e.g. 2048' })
      .int('Enter whole megabytes, e.g. 2048')
      .min(10, 'The cache needs at least 10 MB')
      .max(1_000_000, 'Enter at most 1,000,000 MB')
      .default(2048),
    /** The profile the app opens; null = the sample workspace. */
    activeProfileId: z.string().max(100).nullable().default(null),
    /** Discord bot: the primary channel (its guild gets the slash commands); the token is a secret, elsewhere. */
    discordBotChannelId: z.string().regex(/^\d{5,25}$/).nullable().default(null),
    /** Discord bot: user or role ids allowed to press Run. Empty: nobody. */
    discordBotApprovers: z.array(z.string().regex(/^\d{5,25}$/)).max(100).default([]),
    /** The monitored project's folder for the audit's file inventory and .env.example check (null: none). */
    projectDir: z.string().max(1000).nullable().default(null),
  })
  .strict();

export type Preferences = z.infer<typeof preferencesSchema>;

export const DEFAULT_PREFERENCES: Preferences = preferencesSchema.parse({});

/** What the OS offers for storing secrets. */
export interface SecretStoreStatus {
  available: boolean;
  /** e.g. 'keychain', 'dpapi', 'gnome_libsecret', 'kwallet5', 'basic_text', 'none'. */
  backend: string;
  /** Why secrets cannot be stored, in words for the user. */
  reason?: string;
}

/** Notifier configuration as the renderer sees it (the webhook URL itself is a secret). */
export interface NotifierSettingsView {
  /** `source`: where the webhook comes from (the secret store, or ROMAN_DISCORD_WEBHOOK_URL). */
  discord: { configured: boolean; source: 'settings' | 'environment' | null };
}

/**
 * A decimal number as people type it: "4.2", "4,2" (decimal comma), "1 000", "$500", "1,000.50".
 * Returns null when the text is not a number (the form then says what to enter).
 */
export function parseDecimal(text: string): number | null {
  let t = text.trim().replace(/^\$\s*/, '').replace(/[\s\u00a0\u202f_]/g, '');
  if (t === '') return null;
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, ''); // 1,000 or 1,000.50
  else if (/^-?\d*,\d+$/.test(t)) t = t.replace(',', '.'); // 4,2
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}
