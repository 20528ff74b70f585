/**
 * Preload (sandboxed, context-isolated). Exposes exactly one object, `window.roman`, with a generic
 * typed `invoke(name, input)`, `on(event, listener)` over the contract in src/shared/api.ts, and
 * `exportToFile(request)` (save dialog + streamed export in the main process).
 * No raw ipcRenderer reaches the page; the main process validates every call again.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_EXPORT_CHANNEL, IPC_INVOKE_CHANNEL } from '../shared/ipc';
import type { RomanApi } from '../shared/api';

const api: RomanApi = {
  invoke: (name, input) => ipcRenderer.invoke(IPC_INVOKE_CHANNEL, name, input),
  exportToFile: (request) => ipcRenderer.invoke(IPC_EXPORT_CHANNEL, request),
  on: (event, listener) => {
    const wrapped = (_e: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (name === event) (listener as (p: unknown) => void)(payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('roman', api);
