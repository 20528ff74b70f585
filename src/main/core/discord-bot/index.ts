/**
 * The Discord bot of the manual (status, approve, audit, metrics), hosted by the desktop app or by
 * `roman bot`. Core: no Electron. The stand-in for Discord used by its tests lives in tests/support.
 */
export { DiscordBot, BOT_INTENTS, MISSING_INTENT, type BotState, type BotStatus, type DiscordBotOptions } from './bot';
export {
  BOT_COMMANDS,
  HELP_TEXT,
  parseCommand,
  stripMention,
  databaseBackend,
  notAvailable,
  actionOfDecision,
  type BotBackend,
  type BotTarget,
  type ReportProvider,
  type DatabaseBackendOptions,
} from './commands';
export { UNAVAILABLE_RUNNER, EXECUTION_UNAVAILABLE, type ActionRunner, type RunOutcome, type RunPlan, type RunRequest, type RunnableAction } from './runner';
export { splitMessage, DISCORD_MESSAGE_LIMIT } from './split';
