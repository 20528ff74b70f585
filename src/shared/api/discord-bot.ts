/**
 * API contract of the Discord bot hosted by the app: its state as the renderer sees it (never the
 * token: only whether one is stored and where it comes from) and its write-only configuration.
 */
import { z } from 'zod';

export const DISCORD_SNOWFLAKE = /^\d{5,25}$/;

export const DISCORD_BOT_STATES = [
  'not_configured',
  'no_database',
  'standby',
  'stopped',
  'connecting',
  'online',
  'reconnecting',
  'token_rejected',
  'missing_intent',
  'error',
] as const;
export type DiscordBotState = (typeof DISCORD_BOT_STATES)[number];

export interface DiscordBotView {
  state: DiscordBotState;
  /** Words for the user (why, what to do); never the token. */
  detail: string | null;
  token: { stored: boolean; source: 'settings' | 'environment' | null };
  channelId: string | null;
  approvers: string[];
  /** The bot's Discord user once logged in. */
  user: { id: string; name: string } | null;
  /** Who hosts the bot for the open database: this app, another one (label), or unknown. */
  host: { thisApp: boolean; other: string | null };
  since: string;
}

export const discordBotInputs = {
  'discordBot.status': z.object({}).strict(),
  /** Write-only token (null removes it, absent keeps it), channel id and approvers (user or role ids). */
  'discordBot.configure': z
    .object({
      token: z.string().trim().min(20).max(200).nullable().optional(),
      channelId: z.string().trim().regex(DISCORD_SNOWFLAKE, 'must be a Discord channel id (digits)').nullable().optional(),
      approvers: z.array(z.string().trim().regex(DISCORD_SNOWFLAKE, 'must be a Discord user or role id (digits)')).max(100).optional(),
    })
    .strict(),
} satisfies Record<string, z.ZodType>;

export interface DiscordBotOutputs {
  'discordBot.status': DiscordBotView;
  'discordBot.configure': DiscordBotView;
}

export interface DiscordBotEvents {
  'discordBot.changed': DiscordBotView;
}
