/**
 * The main window: context isolation, sandbox, no Node in the page, a strict CSP, navigation and
 * new windows denied (http/https links open in the system browser, nothing else opens at all).
 */
import { BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_CSP, isAllowedExternalUrl, type AppOrigin } from './security';

export function rendererOrigin(): AppOrigin {
  const dev = process.env.ELECTRON_RENDERER_URL;
  if (dev) return { devServerOrigin: dev };
  return { indexFileUrl: pathToFileURL(join(__dirname, '../renderer/index.html')).toString() };
}

export function installContentSecurityPolicy(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [APP_CSP] } });
  });
  // The app never asks for camera, location, notifications-from-page, …
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
}

export function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'R.O.M.A.N. Desktop',
    backgroundColor: '#0f1117',
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());

  const origin = rendererOrigin();
  if (origin.devServerOrigin) void win.loadURL(origin.devServerOrigin);
  else void win.loadFile(join(__dirname, '../renderer/index.html'));
  return win;
}
