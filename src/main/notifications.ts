/**
 * Native desktop notifications for alerts (the core's DesktopNotifier, implemented with Electron's
 * Notification). Clicking one brings the window forward and opens the alert on the Alerts page.
 */
import { BrowserWindow, Notification } from 'electron';
import type { DesktopNotifier } from './core/notify/in-app';
import type { Emit } from './core/context';

export function electronDesktopNotifier(getWindow: () => BrowserWindow | null, emit: () => Emit): DesktopNotifier {
  return {
    show(n) {
      if (!Notification.isSupported()) return;
      const notification = new Notification({
        title: n.title,
        body: n.body,
        urgency: n.severity === 'critical' ? 'critical' : 'normal',
        silent: n.severity === 'resolved',
      });
      notification.on('click', () => {
        const win = getWindow();
        if (win) {
          if (win.isMinimized()) win.restore();
          win.show();
          win.focus();
        }
        emit()('ui.navigate', { page: 'alerts', fingerprint: n.fingerprint });
      });
      notification.show();
    },
  };
}
