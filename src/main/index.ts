/**
 * Electron main process (the shell). Thin on purpose: single-instance lock, self-test gate, the
 * core, one IPC registration, the window. Everything else lives in src/main/core (plain Node).
 */
import { app, BrowserWindow, dialog, powerMonitor } from 'electron';
import { createCore, CoreCompromisedError, defaultRequester, type Core } from './core/app';
import { registerIpc } from './ipc';
import { registerExportIpc } from './export-ipc';
import { Settings } from './core/settings/settings';
import { electronSettingsBackend, safeStorageVault } from './settings-store';
import { electronDesktopNotifier } from './notifications';
import { createMainWindow, installContentSecurityPolicy, rendererOrigin } from './window';

let mainWindow: BrowserWindow | null = null;
let core: Core | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  void app.whenReady().then(async () => {
    try {
      const settings = new Settings(electronSettingsBackend(), safeStorageVault());
      const desktop = electronDesktopNotifier(
        () => mainWindow,
        () => core!.emit,
      );
      core = await createCore({ dataDir: app.getPath('userData'), settings, desktop });
    } catch (err) {
      const detail = err instanceof CoreCompromisedError ? err.lines.join('\n') : String(err);
      dialog.showErrorBox('R.O.M.A.N. cannot start', `${err instanceof Error ? err.message : String(err)}\n\n${detail}`);
      app.exit(1);
      return;
    }
    installContentSecurityPolicy();
    registerIpc(core, rendererOrigin(), { channel: 'ui', requestedBy: defaultRequester() });
    registerExportIpc(core, rendererOrigin());
    mainWindow = createMainWindow();
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow();
    });
    // A laptop that slept through a runbook window runs it once on wake (the core's timer checks too).
    powerMonitor.on('resume', () => {
      void core?.runbooks.wake().catch(() => undefined);
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('before-quit', () => {
    void core?.close();
  });
}
