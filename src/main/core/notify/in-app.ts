/**
 * In-app notifier: a notification becomes the push event 'alerts.changed' (every window and browser
 * host socket gets it). Native desktop notifications are the Electron shell's job: it implements
 * `DesktopNotifier`, and `desktopNotifier` turns alert notifications into one native notification
 * per group whose click opens the alert (by fingerprint).
 */
import type { AlertsChangedEvent } from '../../../shared/api/alerts';
import type { AlertNotification } from '../alerts/engine';
import { TEST_GROUP_KEY, type NotifierProvider } from './notifier';

export const inAppNotifier = (emit: (payload: AlertsChangedEvent) => void): NotifierProvider<null> => ({
  kind: 'in-app',
  async send(_config, n) {
    emit({
      at: n.at,
      reason: 'notification',
      notification: {
        groupKey: n.groupKey,
        status: n.status,
        firing: n.firing.map((a) => a.fingerprint),
        resolved: n.resolved.map((a) => a.fingerprint),
        repeat: n.repeat,
        ...(n.firing.length > 0 || n.resolved.length > 0 ? { display: { ...desktopNotification(n), test: n.groupKey === TEST_GROUP_KEY } } : {}),
      },
    });
  },
});

export interface DesktopNotification {
  title: string;
  body: string;
  severity: 'critical' | 'warning' | 'resolved';
  /** The alert a click should open. */
  fingerprint: string;
}

/** Implemented by the Electron shell (Notification + focus the alert on click). */
export interface DesktopNotifier {
  show(notification: DesktopNotification): void | Promise<void>;
}

export function desktopNotification(n: AlertNotification): DesktopNotification {
  if (n.firing.length > 0) {
    const first = n.firing[0]!;
    const more = n.firing.length > 1 ? ` (+${n.firing.length - 1} more)` : '';
    return {
      title: `${first.severity === 'critical' ? '🚨' : '⚠️'} ${first.title}${more}`,
      body: `${first.summary}\nAction: ${first.action}`,
      severity: first.severity,
      fingerprint: first.fingerprint,
    };
  }
  const first = n.resolved[0]!;
  const more = n.resolved.length > 1 ? ` (+${n.resolved.length - 1} more)` : '';
  return { title: `✅ Resolved: ${first.title}${more}`, body: first.summary, severity: 'resolved', fingerprint: first.fingerprint };
}

export const desktopNotifier = (desktop: DesktopNotifier): NotifierProvider<null> => ({
  kind: 'desktop',
  async send(_config, n) {
    if (n.firing.length === 0 && n.resolved.length === 0) return;
    await desktop.show(desktopNotification(n));
  },
});
