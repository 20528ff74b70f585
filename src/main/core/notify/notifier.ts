/**
 * Notifiers (Uptime Kuma's provider shape): a provider has a `kind` and `send(config, notification)`
 * that throws on failure. The registry holds configured notifiers keyed by a unique name, delivers a
 * notification to all of them (one failing never stops the others), keeps each one's status
 * (ok / rate limited / failing / disabled — what the UI shows) and offers the "send test" path.
 */
import type { AlertInstance, NotifierHealth, NotifierStatus } from '../../../shared/alerts';
import type { AlertNotification } from '../alerts/engine';
import type { Clock } from '../clock';

export interface NotifierProvider<C> {
  readonly kind: string;
  send(config: C, notification: AlertNotification): Promise<void>;
  /** Current health of this config (e.g. a webhook disabled after a 404). */
  health?(config: C): { health: NotifierHealth; detail: string | null };
}

export interface DeliveryResult {
  name: string;
  ok: boolean;
  error: string | null;
}

export class NotifierNotFoundError extends Error {
  constructor(name: string) {
    super(`no notifier named "${name}"`);
    this.name = 'NotifierNotFoundError';
  }
}

interface Entry {
  name: string;
  provider: NotifierProvider<unknown>;
  config: unknown;
  /** Only deliver notifications this filter accepts (e.g. Discord only from the leader). */
  accepts: (n: AlertNotification) => boolean;
  lastSentAt: string | null;
  lastError: string | null;
}

export class NotifierRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  register<C>(name: string, provider: NotifierProvider<C>, config: C, accepts: (n: AlertNotification) => boolean = () => true): void {
    if (!name.trim()) throw new Error('a notifier needs a name');
    if (this.entries.has(name)) throw new Error(`notifier "${name}" is registered twice`);
    this.entries.set(name, {
      name,
      provider: provider as NotifierProvider<unknown>,
      config,
      accepts,
      lastSentAt: null,
      lastError: null,
    });
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  statuses(): NotifierStatus[] {
    return [...this.entries.values()].map((e) => {
      const h = e.provider.health?.(e.config) ?? { health: 'ok' as NotifierHealth, detail: null };
      const failing = h.health === 'ok' && e.lastError !== null;
      return {
        name: e.name,
        kind: e.provider.kind,
        health: failing ? 'failing' : h.health,
        detail: failing ? e.lastError : h.detail,
        lastSentAt: e.lastSentAt,
      };
    });
  }

  /** Sends to every notifier that accepts it; never throws. */
  async notify(notification: AlertNotification): Promise<DeliveryResult[]> {
    const targets = [...this.entries.values()].filter((e) => e.accepts(notification));
    return Promise.all(targets.map((e) => this.deliver(e, notification)));
  }

  /** The "send test" path: a synthetic firing alert to one notifier; throws what the provider throws. */
  async sendTest(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) throw new NotifierNotFoundError(name);
    const result = await this.deliver(entry, testNotification(this.clock.now()));
    if (!result.ok) throw new Error(result.error ?? 'test notification failed');
  }

  private async deliver(entry: Entry, notification: AlertNotification): Promise<DeliveryResult> {
    try {
      await entry.provider.send(entry.config, notification);
      entry.lastSentAt = this.clock.now().toISOString();
      entry.lastError = null;
      return { name: entry.name, ok: true, error: null };
    } catch (err) {
      entry.lastError = err instanceof Error ? err.message : String(err);
      return { name: entry.name, ok: false, error: entry.lastError };
    }
  }
}

/** The group key of the "send test" notification. */
export const TEST_GROUP_KEY = 'test';

/** A synthetic notification used by "send test": clearly labelled, never an incident. */
export function testNotification(at: Date): AlertNotification {
  const iso = at.toISOString();
  const alert: AlertInstance = {
    fingerprint: 'test',
    rule: 'notifier_test',
    title: 'Test notification',
    severity: 'warning',
    state: 'firing',
    labels: {},
    value: null,
    summary: 'R.O.M.A.N. Desktop test notification — if you can read this, alerts reach this channel.',
    trigger: 'Send test',
    action: 'No action needed',
    activeAt: iso,
    startsAt: iso,
    endsAt: null,
    lastActiveAt: iso,
    acknowledged: null,
    silencedBy: [],
    inhibitedBy: [],
  };
  return { groupKey: TEST_GROUP_KEY, status: 'firing', firing: [alert], resolved: [], repeat: false, at: iso };
}
