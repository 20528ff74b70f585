/**
 * The composition root of the core: runs the constitutional self-test, builds the services and
 * registers every domain's handlers on one HandlerRegistry. The Electron shell and the browser host
 * both call `createCore`, so the UI gets the same behaviour in the app and in Chromium.
 */
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { HandlerRegistry } from './api/registry';
import { registerConstitutionHandlers } from './api/constitution';
import { registerSettingsHandlers } from './api/settings';
import { registerStoreHandlers } from './api/store';
import { registerMonitoringHandlers } from './api/monitoring';
import { registerAlertsHandlers } from './api/alerts';
import { registerWorkspaceHandlers } from './api/workspace';
import { registerTriageHandlers } from './api/triage';
import { registerDeploymentsHandlers } from './api/deployments';
import { registerDiscordBotHandlers } from './api/discord-bot';
import { BotService } from './discord-bot/service';
import { createGateRunner, workspaceGateAdapter } from './discord-bot/gate-runner';
import type { ActionRunner } from './discord-bot/runner';
import { RecentDecisions, registerOperationsHandlers } from './api/operations';
import { registerRunbooksHandlers } from './api/runbooks';
import { RunbookService } from './runbooks/service';
import type { OperationsPort } from './runbooks/operations-port';
import { registerAuditHandlers } from './api/audit';
import { runSelfTest } from './constitution';
import { engineFiringCriticalAlerts, measureDecisionEntropy } from './constitution/decision-entropy';
import { systemClock, type Clock } from './clock';
import type { Caller, CoreContext, Emit, Services } from './context';
import { NoSecretVault, Settings } from './settings/settings';
import { JsonFileBackend } from './settings/json-file-backend';
import { Workspaces } from './workspace';
import { LocalDecisionTrail } from './store/local-trail';
import { cacheFileStem } from './store/paths';
import type { DesktopNotifier } from './notify/in-app';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../shared/monitoring';
import type { PushEventName, PushEvents } from '../../shared/api';

/** What to open at start: the user's choice (profile or sample), nothing, or a given URL. */
export type StartupWorkspace = 'default' | 'none' | { url: string; name?: string; environment?: string };

export interface CoreOptions {
  clock?: Clock;
  /** Where caches, sample data and reports live (the app's userData folder, or ROMAN_DATA_DIR). */
  dataDir: string;
  /**
   * Settings and secrets. The Electron shell passes electron-store + safeStorage; by default a JSON
   * file in dataDir and no secret store (the browser host: it refuses to keep passwords).
   */
  settings?: Settings;
  /** Native desktop notifications (the Electron shell). */
  desktop?: DesktopNotifier;
  workspace?: StartupWorkspace;
  /** Sync cadence of the open workspace (default 30 s). */
  syncIntervalMs?: number;
  /** The Discord bot's way to run approved actions (the operations gate); default: none, nothing runs. */
  discordRunner?: ActionRunner;
  /** Environment for the Discord bot's ROMAN_DISCORD_* fallbacks (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The execution gate for runbooks and emergency protocols (default: fails closed, nothing runs). */
  operations?: OperationsPort;
}

export const BROWSER_HOST_NO_SECRETS =
  'the browser host has no OS secret store, so it keeps no passwords; use the desktop app, or give the password in ROMAN_DB_URL';

export type PushListener = <E extends PushEventName>(event: E, payload: PushEvents[E]) => void;

export interface Core {
  readonly registry: HandlerRegistry;
  readonly services: Services;
  readonly clock: Clock;
  readonly settings: Settings;
  readonly workspaces: Workspaces;
  /** Maintenance runbooks and emergency protocols; the shell calls `runbooks.wake()` on resume. */
  readonly runbooks: RunbookService;
  readonly selfTestLines: string[];
  /** Push an event to every window and browser-host socket. */
  readonly emit: Emit;
  context(caller: Caller): CoreContext;
  subscribe(listener: PushListener): () => void;
  close(): Promise<void>;
}

export class CoreCompromisedError extends Error {
  constructor(readonly lines: string[]) {
    super('Constitutional Core self-test failed: the core is compromised and will not start.');
    this.name = 'CoreCompromisedError';
  }
}

export function defaultRequester(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export async function createCore(options: CoreOptions): Promise<Core> {
  const clock = options.clock ?? systemClock;
  const selfTest = runSelfTest();
  if (!selfTest.passed) throw new CoreCompromisedError(selfTest.lines);

  const listeners = new Set<PushListener>();
  const emit: Emit = (event, payload) => {
    for (const l of listeners) {
      try {
        l(event, payload);
      } catch {
        // A broken window or socket must not stop the others from hearing the event.
      }
    }
  };

  const settings =
    options.settings ?? new Settings(new JsonFileBackend(join(options.dataDir, 'settings.json')), new NoSecretVault(BROWSER_HOST_NO_SECRETS));
  const workspaces = new Workspaces({
    dataDir: options.dataDir,
    clock,
    emit,
    settings,
    desktop: options.desktop,
    syncIntervalMs: options.syncIntervalMs,
  });
  const services: Services = { dataDir: options.dataDir, settings, workspaces };
  const registry = new HandlerRegistry();
  const noWorkspaceTrail = new LocalDecisionTrail(join(options.dataDir, 'cache', `${cacheFileStem()}.sqlite`), clock);

  const decisions = new RecentDecisions();
  registerConstitutionHandlers(registry, {
    liveEntropy: () =>
      workspaces.open
        ? measureDecisionEntropy(workspaces.open.db.pool, clock, { engineAlerts: () => engineFiringCriticalAlerts(workspaces.open?.alerts) })
        : null,
    // Every decision lands in a local hash-chained trail: the open workspace's (and is delivered to
    // its ops.roman_events), else the default cache of this data folder (no database is known).
    record: (decision) => {
      decisions.remember(decision);
      return workspaces.open ? workspaces.open.recordDecision(decision) : noWorkspaceTrail.record(decision);
    },
  });
  registerSettingsHandlers(registry, settings, workspaces);
  registerWorkspaceHandlers(registry, workspaces, settings);
  registerStoreHandlers(registry, { cache: () => workspaces.require().cache });
  registerMonitoringHandlers(registry, {
    pool: async () => workspaces.require().db.pool,
    clock,
    thresholds: () => {
      const prefs = settings.preferences();
      const id = workspaces.open?.spec.id;
      return resolveThresholds(
        DEFAULT_THRESHOLDS,
        { ...prefs.thresholds, aiMonthlyBudgetUsd: prefs.monthlyAiBudgetUsd },
        id ? prefs.connectionThresholds[id] : undefined,
      );
    },
  });
  registerAlertsHandlers(registry, { alerts: () => workspaces.open?.alerts ?? null });
  registerTriageHandlers(registry, {
    cache: () => workspaces.require().cache,
    db: () => workspaces.open?.db.pool ?? null,
    environment: () => workspaces.open?.spec.environment,
  });
  registerDeploymentsHandlers(registry, {
    cache: () => workspaces.require().cache,
    db: () => workspaces.open?.db.pool ?? null,
  });

  // The Discord bot: hosted by this app when configured, a database is open and it wins the election.
  // Run presses go through the operations gate (the same as the app's and the CLI's), unless a test injects a runner.
  const discordRunner =
    options.discordRunner ??
    createGateRunner({
      workspace: () => (workspaces.open ? workspaceGateAdapter(workspaces.open) : null),
      dataDir: options.dataDir,
      clock,
      env: options.env,
      pgDumpPath: () => process.env.ROMAN_PG_DUMP || null,
    });
  const discordBot = new BotService({ settings, workspaces, clock, emit, env: options.env, runner: discordRunner });
  registerDiscordBotHandlers(registry, discordBot);
  discordBot.start();

  // issue 9 (operations): plan + grant + the gate, for decisions made here.
  registerOperationsHandlers(registry, decisions, {
    workspace: () => workspaces.open ?? null,
    dataDir: options.dataDir,
    clock,
    migrationsDir: () => process.env.ROMAN_MIGRATIONS_DIR || null,
    pgDumpPath: () => process.env.ROMAN_PG_DUMP || null,
  });

  const runbooks = new RunbookService({ dataDir: options.dataDir, clock, workspaces, emit, operations: options.operations });
  registerRunbooksHandlers(registry, { service: runbooks, clock });
  registerAuditHandlers(registry, {
    pool: () => workspaces.open?.db.pool ?? null,
    cache: () => workspaces.open?.cache ?? null,
    clock,
    database: () => workspaces.open?.db.description ?? 'unknown',
    projectDir: () => settings.preferences().projectDir,
    monthlyBudgetUsd: () => settings.preferences().monthlyAiBudgetUsd,
  });

  const start = options.workspace ?? 'default';
  if (start !== 'none') {
    const opening = start === 'default' ? workspaces.openDefault() : workspaces.openUrl(start.url, start.name, start.environment);
    // Failures are kept in the workspace status (shown in the UI), never thrown at start-up.
    opening.catch(() => undefined);
  }

  return {
    registry,
    services,
    clock,
    settings,
    workspaces,
    runbooks,
    selfTestLines: selfTest.lines,
    emit,
    context: (caller) => ({ clock, caller, emit, services }),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await discordBot.close();
      await runbooks.close();
      await workspaces.close();
      noWorkspaceTrail.close();
    },
  };
}
