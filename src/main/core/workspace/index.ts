/**
 * Which workspace is open: the sample workspace (an embedded Postgres started on first use), a
 * saved connection profile, or a URL from the command line. Opening one closes the previous one.
 * Handlers reach the open workspace through `require()`, which answers 'unavailable' with the
 * reason while nothing is open or the sample is still starting.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../../../shared/result';
import { CLOSED_WORKSPACE, type WorkspaceStatus } from '../../../shared/workspace';
import type { Clock } from '../clock';
import type { Emit } from '../context';
import type { DesktopNotifier } from '../notify/in-app';
import { startSampleWorkspace, type SampleWorkspace } from '../sample/workspace';
import { discordWebhookFromEnv } from '../notify/discord';
import { DISCORD_WEBHOOK_SECRET, type Settings } from '../settings/settings';
import { Workspace, type WorkspaceSpec } from './workspace';
import { DEFAULT_THRESHOLDS, resolveThresholds, type MonitoringThresholds } from '../../../shared/monitoring';
import { cacheFileStem } from '../store/paths';

export { Workspace } from './workspace';

export interface WorkspacesDeps {
  dataDir: string;
  clock: Clock;
  emit: Emit;
  settings: Settings;
  desktop?: DesktopNotifier;
  env?: NodeJS.ProcessEnv;
  syncIntervalMs?: number;
}

export class Workspaces {
  private current: Workspace | null = null;
  private sample: SampleWorkspace | null = null;
  private opening: { name: string; kind: WorkspaceStatus['kind']; promise: Promise<Workspace> } | null = null;
  private openError: string | null = null;
  private generation = 0;
  /** How to open the current workspace again (after its notifier settings changed). */
  private lastOpen: (() => Promise<Workspace>) | null = null;

  constructor(private readonly deps: WorkspacesDeps) {}

  get open(): Workspace | null {
    return this.current;
  }

  status(): WorkspaceStatus {
    if (this.current) return this.current.status();
    if (this.opening) return { ...CLOSED_WORKSPACE, opening: true, kind: this.opening.kind, name: this.opening.name };
    return { ...CLOSED_WORKSPACE, openError: this.openError };
  }

  require(): Workspace {
    if (this.current) return this.current;
    if (this.opening) throw new DomainError('unavailable', `The ${this.opening.name} is starting; try again in a moment.`);
    throw new DomainError('unavailable', this.openError ? `No database is open: ${this.openError}` : 'No database is open. Choose a connection in Settings.');
  }

  /** Opens what the preferences name: a saved profile, else the sample workspace. */
  openDefault(): Promise<Workspace> {
    const id = this.deps.settings.preferences().activeProfileId;
    return id ? this.openProfile(id) : this.openSample();
  }

  /** Opens the current workspace again, e.g. to pick up a new Discord webhook. */
  reopen(): Promise<Workspace> | null {
    return this.lastOpen ? this.lastOpen() : null;
  }

  openSample(): Promise<Workspace> {
    this.lastOpen = () => this.openSample();
    return this.switchTo('sample', 'Sample workspace', async () => {
      if (!this.sample) {
        const sample = await startSampleWorkspace({ dataDir: join(this.deps.dataDir, 'sample'), clock: this.deps.clock });
        this.sample = sample;
        void sample.exited.then(() => {
          if (this.sample === sample) this.sample = null;
        });
        // Freshly generated rows reuse the ids of the rows the cache holds from an earlier build:
        // the sample's cache (sample data only) starts again with them, so there is one timeline.
        if (sample.seeded) resetSampleCache(this.deps.dataDir);
      }
      return { kind: 'sample', id: 'sample', name: 'Sample workspace', environment: 'sample', connection: this.sample.url, cacheKey: SAMPLE_CACHE_KEY };
    });
  }

  openProfile(id: string): Promise<Workspace> {
    const profile = this.deps.settings.profile(id);
    this.lastOpen = () => this.openProfile(id);
    return this.switchTo('profile', profile.name, async () => ({
      kind: 'profile',
      id: profile.id,
      name: profile.name,
      environment: profile.environment,
      connection: this.deps.settings.resolveTarget(profile.id),
      cacheKey: profile.id,
    }));
  }

  openUrl(url: string, name = 'Command-line database', environment = 'other'): Promise<Workspace> {
    this.lastOpen = () => this.openUrl(url, name, environment);
    return this.switchTo('url', name, async () => ({ kind: 'url', id: 'url', name, environment, connection: url, cacheKey: url }));
  }

  private async switchTo(kind: WorkspaceStatus['kind'], name: string, spec: () => Promise<WorkspaceSpec>): Promise<Workspace> {
    const generation = ++this.generation;
    const previous = this.current;
    this.current = null;
    this.openError = null;
    const promise = (async () => {
      await previous?.close();
      if (kind !== 'sample' && this.sample) {
        await this.sample.stop().catch(() => undefined);
        this.sample = null;
      }
      const s = await spec();
      const env = this.deps.env ?? process.env;
      const prefs = this.deps.settings.preferences();
      const desktop = this.deps.desktop;
      return new Workspace(s, {
        dataDir: this.deps.dataDir,
        clock: this.deps.clock,
        emit: this.deps.emit,
        // Read at each notification: switching desktop notifications off or on applies at once.
        desktop: desktop ? { show: (n) => (this.deps.settings.preferences().desktopNotifications ? desktop.show(n) : undefined) } : undefined,
        thresholds: this.thresholdsFor(s.kind === 'profile' ? s.id : null),
        discordWebhook: this.deps.settings.getSecret(DISCORD_WEBHOOK_SECRET) ?? discordWebhookFromEnv(env),
        monthlyAiBudgetUsd: prefs.monthlyAiBudgetUsd,
        logsStoppedMinutes: logsStoppedMinutes(env, prefs.logsStoppedMinutes),
        retentionDays: prefs.retentionDays,
        retentionMaxMb: prefs.retentionMaxMb,
        syncIntervalMs: this.deps.syncIntervalMs,
      });
    })();
    this.opening = { name, kind, promise };
    this.deps.emit('workspace.changed', this.status());
    try {
      const ws = await promise;
      if (generation !== this.generation) {
        await ws.close();
        throw new DomainError('conflict', `Opening ${name} was superseded by another workspace.`);
      }
      this.current = ws;
      ws.start();
      return ws;
    } catch (err) {
      if (generation === this.generation) this.openError = err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      if (generation === this.generation) {
        this.opening = null;
        this.deps.emit('workspace.changed', this.status());
      }
    }
  }

  /** Thresholds for a workspace: defaults < global preferences (and the AI budget) < that profile's overrides. */
  thresholdsFor(profileId: string | null): MonitoringThresholds {
    const prefs = this.deps.settings.preferences();
    const global = { ...prefs.thresholds, aiMonthlyBudgetUsd: prefs.monthlyAiBudgetUsd };
    try {
      return resolveThresholds(DEFAULT_THRESHOLDS, global, profileId ? prefs.connectionThresholds[profileId] : undefined);
    } catch {
      // Stored values that no longer validate (checked when saved): the defaults, never a half-applied mix.
      return { ...DEFAULT_THRESHOLDS, aiMonthlyBudgetUsd: prefs.monthlyAiBudgetUsd };
    }
  }

  /** Preferences changed: the open workspace uses the new budget, thresholds and retention at once. */
  applyPreferences(): void {
    const ws = this.current;
    if (!ws) return;
    const prefs = this.deps.settings.preferences();
    ws.applyPreferences({
      monthlyAiBudgetUsd: prefs.monthlyAiBudgetUsd,
      thresholds: this.thresholdsFor(ws.spec.kind === 'profile' ? ws.spec.id : null),
      retentionDays: prefs.retentionDays,
      retentionMaxMb: prefs.retentionMaxMb,
    });
  }

  async close(): Promise<void> {
    this.generation++;
    await this.current?.close();
    this.current = null;
    await this.sample?.stop().catch(() => undefined);
    this.sample = null;
  }
}

/** The sample workspace's cache key ('sample' is refused as a profile id, so no profile shares its cache). */
export const SAMPLE_CACHE_KEY = 'sample';

/** The sample workspace's cache file (under the app's data folder). */
export function sampleCachePath(dataDir: string): string {
  return join(dataDir, 'cache', `${cacheFileStem(SAMPLE_CACHE_KEY)}.sqlite`);
}

/** Removes the sample workspace's cache (and its SQLite side files); never any other cache. */
export function resetSampleCache(dataDir: string): void {
  const path = sampleCachePath(dataDir);
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
}

/**
 * Minutes without logs before "Logs Stopped Arriving" fires: ROMAN_LOGS_STOPPED_MINUTES (a whole
 * number 1..1440) overrides the preference; anything else in it is ignored.
 */
export function logsStoppedMinutes(env: NodeJS.ProcessEnv, preference: number | undefined): number | undefined {
  const raw = env.ROMAN_LOGS_STOPPED_MINUTES;
  const n = raw !== undefined && /^\d{1,4}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 1440 ? n : preference;
}
