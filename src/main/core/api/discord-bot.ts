/** Handlers of the Discord bot: its state (never the token) and its write-only configuration. */
import type { HandlerRegistry } from './registry';
import type { BotService } from '../discord-bot/service';

export function registerDiscordBotHandlers(registry: HandlerRegistry, bot: BotService): void {
  registry.method('discordBot.status', () => bot.view());
  registry.method('discordBot.configure', async (input, ctx) => {
    const view = await bot.configure(input);
    ctx.emit('settings.changed', { reason: 'preferences' });
    return view;
  });
}
