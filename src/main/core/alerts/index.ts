/**
 * Alerting for one monitored database, assembled: rules → engine → notifiers, driven by the
 * scheduler with its LISTEN/NOTIFY fast path and leader lock. The Electron shell, the browser host
 * and `roman watch` all build it here:
 *
 *   const alerting = createAlerting({ db: romanPool, listen: listenRomanPool, clock, emit, desktop, discord });
 *   await alerting.start();  …  await alerting.stop();
 *
 * Notifiers: in-app ('alerts.changed', when `emit` is given), native desktop (when the shell passes
 * `desktop`), Discord (when a webhook is configured; sent by the leader only). Two connections: the
 * pool's one and the LISTEN client's one (open both RomanPools with max 1).
 */
import type { AlertsChangedEvent } from '../../../shared/api/alerts';
import type { AlertTransition } from '../../../shared/alerts';
import type { Clock } from '../clock';
import type { RomanPool } from '../db/connection';
import { DiscordWebhookProvider, type DiscordWebhookConfig } from '../notify/discord';
import { desktopNotifier, inAppNotifier, type DesktopNotifier } from '../notify/in-app';
import { NotifierRegistry } from '../notify/notifier';
import { MonitorScheduler, type MonitorSchedulerOptions } from '../scheduler';
import type { AlertHistorySink, AlertNotification, AlertStateStore } from './engine';
import type { AlertConfig, AlertRule } from './rule';
import { AlertService } from './service';

export interface AlertingOptions {
  db: RomanPool;
  /** A second RomanPool (max 1) whose one connection LISTENs and holds the leader lock; omit to poll only. */
  listen?: RomanPool;
  clock: Clock;
  emit?: (event: AlertsChangedEvent) => void;
  desktop?: DesktopNotifier;
  discord?: DiscordWebhookConfig;
  config?: Partial<AlertConfig>;
  rules?: readonly AlertRule[];
  sinks?: AlertHistorySink[];
  /** Where silences and acknowledgements outlive a restart (the workspace's cache). */
  stateStore?: AlertStateStore;
  cadenceMs?: MonitorSchedulerOptions['cadenceMs'];
  extraJobs?: MonitorSchedulerOptions['extraJobs'];
  onTransitions?: (transitions: AlertTransition[]) => void;
  onNotification?: (n: AlertNotification) => void;
  onLeaderChange?: (leader: boolean) => void;
  onListenState?: MonitorSchedulerOptions['onListenState'];
  /** Every signal from the LISTEN/NOTIFY fast path (after the signal rules are scheduled). */
  onSignal?: MonitorSchedulerOptions['onSignal'];
  /** Problems worth logging (already free of passwords and webhook tokens). */
  onError?: (err: Error) => void;
}

export interface Alerting {
  service: AlertService;
  scheduler: MonitorScheduler;
  notifiers: NotifierRegistry;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createAlerting(opts: AlertingOptions): Alerting {
  let scheduler: MonitorScheduler | null = null;
  const isLeader = () => scheduler?.isLeader() ?? false;
  const notifiers = new NotifierRegistry(opts.clock);
  if (opts.emit) notifiers.register('in-app', inAppNotifier(opts.emit), null);
  if (opts.desktop) notifiers.register('desktop', desktopNotifier(opts.desktop), null);
  if (opts.discord) notifiers.register('discord', new DiscordWebhookProvider(), opts.discord, isLeader);
  const redact = (err: Error) => {
    const msg = opts.db.redact(err.message);
    if (msg === err.message) return err;
    // Keep what classifies the error (its code) and where it came from (the job), minus the secret.
    const copy = Object.assign(new Error(msg), { name: err.name, code: (err as { code?: string }).code });
    const job = (err as { job?: string }).job;
    if (job) Object.defineProperty(copy, 'job', { value: job, enumerable: false });
    return copy;
  };
  const onError = opts.onError ? (err: Error) => opts.onError!(redact(err)) : undefined;
  const service = new AlertService({
    db: opts.db.pool,
    clock: opts.clock,
    notifiers,
    rules: opts.rules,
    config: opts.config,
    sinks: opts.sinks,
    stateStore: opts.stateStore,
    emit: opts.emit,
    isLeader,
    leadershipKnown: () => !scheduler || scheduler.listenState === 'disabled' || scheduler.listenState === 'listening',
    onTransitions: opts.onTransitions,
    onNotification: opts.onNotification,
    onError,
  });
  const listen = opts.listen;
  scheduler = new MonitorScheduler({
    service,
    cadenceMs: opts.cadenceMs,
    extraJobs: opts.extraJobs,
    ...(listen
      ? {
          listen: {
            connect: () => listen.pool.connect(),
            dispose: (client, err) => {
              if ('release' in client) client.release(err ?? true);
            },
          },
        }
      : {}),
    onLeaderChange: opts.onLeaderChange,
    onListenState: opts.onListenState,
    onSignal: opts.onSignal,
    onError,
  });
  const s = scheduler;
  return { service, scheduler: s, notifiers, start: () => s.start(), stop: () => s.stop() };
}
