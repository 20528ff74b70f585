/** Handlers of the settings domain: profiles, preferences and the secret store's status. */
import type { HandlerRegistry } from './registry';
import { DISCORD_WEBHOOK_SECRET, type Settings } from '../settings/settings';
import { discordWebhookFromEnv, validateWebhookUrl } from '../notify/discord';
import { DomainError } from '../../../shared/result';
import type { NotifierSettingsView } from '../../../shared/settings';
import type { Workspaces } from '../workspace';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../../shared/monitoring';
import { testConnection } from '../db/test-connection';

export function notifierView(settings: Settings, env: NodeJS.ProcessEnv = process.env): NotifierSettingsView {
  const fromSettings = settings.hasSecret(DISCORD_WEBHOOK_SECRET);
  const fromEnv = discordWebhookFromEnv(env) !== undefined;
  return { discord: { configured: fromSettings || fromEnv, source: fromSettings ? 'settings' : fromEnv ? 'environment' : null } };
}

export function registerSettingsHandlers(registry: HandlerRegistry, settings: Settings, workspaces?: Workspaces): void {
  registry.method('settings.get', () => ({
    profiles: settings.profiles(),
    preferences: settings.preferences(),
    secretStore: settings.secretStore(),
    notifiers: notifierView(settings),
  }));

  registry.method('settings.setDiscordWebhook', async (input, ctx) => {
    if (input.url === null) {
      settings.deleteSecret(DISCORD_WEBHOOK_SECRET);
    } else {
      try {
        validateWebhookUrl(input.url);
      } catch (err) {
        throw new DomainError('invalid_input', (err as Error).message, [{ path: 'url', message: (err as Error).message }]);
      }
      const store = settings.secretStore();
      if (!store.available) {
        // Name the way that works here, not the database password's.
        throw new DomainError(
          'unavailable',
          `Not stored: ${store.reason?.startsWith('the browser host') ? 'the browser host has no OS secret store, so it keeps no secrets' : (store.reason ?? 'this system offers no secret store')}. ` +
            'Set ROMAN_DISCORD_WEBHOOK_URL in the environment (or start it with npm run web -- --discord-webhook URL), or use the desktop app.',
          [{ path: 'url', message: 'not stored: no OS secret store here; set ROMAN_DISCORD_WEBHOOK_URL instead' }],
        );
      }
      settings.setSecret(DISCORD_WEBHOOK_SECRET, input.url); // refused (nothing stored) without a secret store
    }
    ctx.emit('settings.changed', { reason: 'preferences' });
    // The open workspace's notifiers are built when it opens: open it again to use the new webhook.
    await workspaces?.reopen()?.catch(() => undefined);
    return notifierView(settings);
  });
  registry.method('settings.saveProfile', async (input, ctx) => {
    const saved = settings.saveProfile(input.profile, input.password);
    ctx.emit('settings.changed', { reason: 'profiles' });
    // The watched profile changed (host, TLS, password…): open it again with what was saved.
    const open = workspaces?.open;
    if (open?.spec.kind === 'profile' && open.spec.id === saved.id) await workspaces!.openProfile(saved.id).catch(() => undefined);
    return saved;
  });
  registry.method('settings.testConnection', async (input) => {
    const target = settings.draftTarget(input.profile, input.password);
    return testConnection(target);
  });
  registry.method('settings.deleteProfile', (input, ctx) => {
    settings.deleteProfile(input.id);
    ctx.emit('settings.changed', { reason: 'profiles' });
    // The deleted profile's database must not stay watched: fall back to the default (sample).
    if (workspaces?.open?.spec.kind === 'profile' && workspaces.open.spec.id === input.id) void workspaces.openDefault().catch(() => undefined);
    return { deleted: input.id };
  });
  registry.method('settings.setPreferences', (input, ctx) => {
    // Thresholds are checked as the monitoring will layer them, before anything is stored.
    const next = { ...settings.preferences(), ...input.patch };
    resolveThresholds(DEFAULT_THRESHOLDS, next.thresholds);
    for (const overrides of Object.values(next.connectionThresholds)) resolveThresholds(DEFAULT_THRESHOLDS, next.thresholds, overrides);
    const prefs = settings.setPreferences(input.patch);
    ctx.emit('settings.changed', { reason: 'preferences' });
    // Budget, thresholds, retention and notifications take effect at once in the open workspace.
    workspaces?.applyPreferences();
    return prefs;
  });
}
