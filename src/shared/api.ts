/**
 * The one typed contract between the UI (renderer) and the core (ARCHITECTURE.md §2).
 *
 * Every handler has a name, a zod schema for its input (here) and an output type (the *Outputs
 * interfaces). Every push event has a name and a payload type. Each domain declares its part in
 * `src/shared/api/<domain>.ts`; this file only merges them. Adding a feature = one schema + one
 * output type + one handler in `src/main/core/api/<domain>.ts`; no new plumbing.
 */
import type { z } from 'zod';
import { constitutionInputs, type ConstitutionOutputs } from './api/constitution';
import { storeInputs, type ExportRequest, type ExportToFileOutput, type StoreOutputs, type StoreEvents } from './api/store';
import { monitoringInputs, type MonitoringOutputs, type MonitoringEvents } from './api/monitoring';
import { alertsInputs, type AlertsOutputs, type AlertsEvents } from './api/alerts';
import { settingsInputs, type SettingsOutputs, type SettingsEvents } from './api/settings';
import { workspaceInputs, type WorkspaceOutputs, type WorkspaceEvents } from './api/workspace';
import { triageInputs, type TriageOutputs, type TriageEvents } from './api/triage';
import { deploymentsInputs, type DeploymentsOutputs } from './api/deployments';
import { discordBotInputs, type DiscordBotOutputs, type DiscordBotEvents } from './api/discord-bot';
import { operationsInputs, type OperationsOutputs, type OperationsEvents } from './api/operations';
import { runbooksInputs, type RunbooksOutputs, type RunbooksEvents } from './api/runbooks';
import { auditInputs, type AuditOutputs } from './api/audit';
import type { Result } from './result';

export const handlerInputs = {
  ...constitutionInputs,
  ...storeInputs,
  ...monitoringInputs,
  ...alertsInputs,
  ...settingsInputs,
  ...workspaceInputs,
  ...triageInputs,
  ...deploymentsInputs,
  ...discordBotInputs,
  ...operationsInputs,
  ...runbooksInputs,
  ...auditInputs,
} as const;

export type HandlerName = keyof typeof handlerInputs & keyof HandlerOutputs;
export type HandlerInput<K extends HandlerName> = z.input<(typeof handlerInputs)[K]>;
export type HandlerParsedInput<K extends HandlerName> = z.output<(typeof handlerInputs)[K]>;

export interface HandlerOutputs
  extends ConstitutionOutputs, StoreOutputs, MonitoringOutputs, AlertsOutputs, SettingsOutputs, WorkspaceOutputs, TriageOutputs,
    DeploymentsOutputs, DiscordBotOutputs, OperationsOutputs, RunbooksOutputs, AuditOutputs {}
export type HandlerOutput<K extends HandlerName> = HandlerOutputs[K];

/** Events the core pushes to every window (and every browser-host socket). */
export interface PushEvents extends StoreEvents, MonitoringEvents, AlertsEvents, SettingsEvents, WorkspaceEvents, TriageEvents,
    DiscordBotEvents, OperationsEvents, RunbooksEvents {
  'core.status': { selfTestPassed: boolean; message: string };
}
export type PushEventName = keyof PushEvents;

export const handlerNames = Object.keys(handlerInputs) as HandlerName[];

export function isHandlerName(name: unknown): name is HandlerName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(handlerInputs, name);
}

/** What the preload exposes as `window.roman`, and what the browser host's client implements. */
export interface RomanApi {
  invoke<K extends HandlerName>(name: K, input: HandlerInput<K>): Promise<Result<HandlerOutput<K>>>;
  on<E extends PushEventName>(event: E, listener: (payload: PushEvents[E]) => void): () => void;
  /**
   * Electron only: a save dialog, then the export streamed to the chosen file in the main process.
   * Absent in the browser host, which downloads instead (POST /api/exports, see export-route.ts).
   */
  exportToFile?(request: ExportRequest): Promise<Result<ExportToFileOutput>>;
}

export { IPC_INVOKE_CHANNEL, IPC_EVENT_CHANNEL } from './ipc';
