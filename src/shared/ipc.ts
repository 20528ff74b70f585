/** IPC channel names shared by the main process and the preload (kept free of other imports). */
export const IPC_INVOKE_CHANNEL = 'roman:invoke';
export const IPC_EVENT_CHANNEL = 'roman:event';
/** A streamed export to a file chosen in the main process's save dialog (store.ts: exportRequestSchema). */
export const IPC_EXPORT_CHANNEL = 'roman:export-to-file';
