/**
 * Exports of any size in the Electron app: the renderer asks (`window.roman.exportToFile`), the
 * main process shows the save dialog, then streams the filtered records from the cache worker into
 * the chosen file with the core's runExport (the same function the browser host's download uses),
 * which reports rows written as 'store.exportProgress' push events. A failed export leaves no
 * partial file behind. Typechecked only in CI (no Electron binary there); see README.
 */
import { BrowserWindow, dialog, ipcMain } from 'electron';
import { createWriteStream, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { IPC_EXPORT_CHANNEL } from '../shared/ipc';
import { exportFileName, exportRequestSchema, type ExportToFileOutput } from '../shared/api/store';
import type { ErrorCode, Result } from '../shared/result';
import type { RecordFilter } from '../shared/store';
import type { Core } from './core/app';
import { runExport } from './core/export-job';
import { isTrustedSender, type AppOrigin } from './security';

function failure(code: ErrorCode, message: string): Result<ExportToFileOutput> {
  return { ok: false, error: { code, message } };
}

export function registerExportIpc(core: Core, appOrigin: AppOrigin): () => void {
  ipcMain.handle(IPC_EXPORT_CHANNEL, async (event, request: unknown): Promise<Result<ExportToFileOutput>> => {
    const frame = event.senderFrame;
    const isMain = frame !== null && frame === event.sender.mainFrame;
    if (!isTrustedSender(frame?.url, isMain, appOrigin)) return failure('forbidden', 'Calls are accepted only from the app window.');
    const parsed = exportRequestSchema.safeParse(request);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return failure('invalid_input', `Invalid export request: ${issue.path.join('.') || 'request'}: ${issue.message}`);
    }
    const { format } = parsed.data;
    let cache;
    try {
      cache = core.workspaces.require().cache;
    } catch (err) {
      return failure('unavailable', err instanceof Error ? err.message : String(err));
    }
    const fileName = exportFileName(format, new Date());
    const win = BrowserWindow.fromWebContents(event.sender);
    const options = {
      title: 'Export the audit log',
      defaultPath: fileName,
      filters: format === 'csv' ? [{ name: 'CSV', extensions: ['csv'] }] : [{ name: 'JSON lines', extensions: ['jsonl'] }],
    };
    const choice = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    if (choice.canceled || !choice.filePath) return { ok: true, value: { canceled: true } };
    const path = choice.filePath;
    const exportId = parsed.data.exportId ?? randomBytes(16).toString('hex');
    const out = createWriteStream(path, { flags: 'w' });
    try {
      const result = await runExport(cache, { exportId, format, filter: parsed.data.filter as RecordFilter, fileName }, out, core.emit);
      return { ok: true, value: { canceled: false, path, format, rows: result.rows, bytes: result.bytes } };
    } catch (err) {
      rmSync(path, { force: true });
      return failure('internal', `The export to ${path} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return () => ipcMain.removeHandler(IPC_EXPORT_CHANNEL);
}
