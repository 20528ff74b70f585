/** IPC channel names shared by the main process and the preload (kept free of other imports). */
export const IPC_INVOKE_CHANNEL = 'roman:invoke';
export const IPC_EVENT_CHANNEL = 'roman:event';
