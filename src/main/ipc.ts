/**
 * The one IPC registration of the shell: every call arrives on one channel, is checked for its
 * sender (main frame, app origin), and goes to HandlerRegistry.dispatch, which validates the input
 * against the contract and turns errors into typed results. Push events go to every window.
 */
import { BrowserWindow, ipcMain } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../shared/ipc';
import type { Result } from '../shared/result';
import type { Core } from './core/app';
import type { Caller } from './core/context';
import { isTrustedSender, type AppOrigin } from './security';

export function registerIpc(core: Core, appOrigin: AppOrigin, caller: Caller): () => void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, name: unknown, input: unknown): Promise<Result<unknown>> => {
    const frame = event.senderFrame;
    const isMain = frame !== null && frame === event.sender.mainFrame;
    if (!isTrustedSender(frame?.url, isMain, appOrigin)) {
      return { ok: false, error: { code: 'forbidden', message: 'Calls are accepted only from the app window.' } };
    }
    return core.registry.dispatch(name, input, core.context(caller));
  });
  const unsubscribe = core.subscribe((eventName, payload) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, eventName, payload);
    }
  });
  return () => {
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
    unsubscribe();
  };
}
