/**
 * In-app notifications: what the in-app notifier sends (an alert firing or resolved, or a "Send
 * test") appears as a toast in the corner of every page — the same title and text as the native
 * desktop notification. A click opens the alert; toasts leave by themselves after a while, or when
 * closed.
 */
import { useEffect, useState } from 'react';
import { subscribe } from '../api';
import type { AlertsChangedEvent } from '../../../shared/api/alerts';

type Display = NonNullable<NonNullable<AlertsChangedEvent['notification']>['display']>;

interface Toast extends Display {
  id: number;
  at: string;
}

const SHOW_MS = 12_000;
const MAX_TOASTS = 4;

export function NotificationToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);

  useEffect(() => {
    let next = 1;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const off = subscribe('alerts.changed', (e) => {
      const display = e.reason === 'notification' ? e.notification?.display : undefined;
      if (!display) return;
      const id = next++;
      setToasts((list) => [...list, { ...display, id, at: e.at }].slice(-MAX_TOASTS));
      const timer = setTimeout(() => {
        timers.delete(timer);
        setToasts((list) => list.filter((t) => t.id !== id));
      }, SHOW_MS);
      timers.add(timer);
    });
    return () => {
      off();
      for (const t of timers) clearTimeout(t);
    };
  }, []);

  const close = (id: number) => setToasts((list) => list.filter((t) => t.id !== id));
  const open = (t: Toast) => {
    close(t.id);
    if (t.test) return;
    const params = new URLSearchParams(location.hash.slice(1));
    params.set('page', 'alerts');
    params.set('alert', t.fingerprint);
    window.location.assign('#' + params.toString());
  };

  if (toasts.length === 0) return null;
  return (
    <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.severity}`} data-testid="toast" data-severity={t.severity} data-test={t.test ? 'true' : 'false'}>
          <button type="button" className="toast-body" onClick={() => open(t)} title={t.test ? 'A test notification' : 'Open this alert'}>
            <strong>{t.title}</strong>
            <span>{t.body}</span>
          </button>
          <button type="button" className="toast-close" aria-label="Close notification" onClick={() => close(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
