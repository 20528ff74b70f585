/** Handlers of the settings domain: profiles, preferences and the secret store's status. */
import type { HandlerRegistry } from './registry';
import type { Settings } from '../settings/settings';
import type { Workspaces } from '../workspace';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../../shared/monitoring';

export function registerSettingsHandlers(registry: HandlerRegistry, settings: Settings, workspaces?: Workspaces): void {
  registry.method('settings.get', () => ({
    profiles: settings.profiles(),
    preferences: settings.preferences(),
    secretStore: settings.secretStore(),
  }));
  registry.method('settings.saveProfile', (input, ctx) => {
    const saved = settings.saveProfile(input.profile, input.password);
    ctx.emit('settings.changed', { reason: 'profiles' });
    return saved;
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
    return prefs;
  });
}
