/**
 * What every handler receives: who is asking, from where, a clock, a way to push events, and the
 * services the domains registered. Side effects stay at the edges: the shell (Electron), the browser
 * host and the CLI each build a context from real parts; tests build one from real parts too.
 */
import type { Clock } from './clock';
import type { PushEventName, PushEvents } from '../../shared/api';

export type Channel = 'ui' | 'cli' | 'discord' | 'scheduler' | 'web';

export interface Caller {
  channel: Channel;
  /** OS user, Discord user id, … */
  requestedBy: string;
}

export type Emit = <E extends PushEventName>(event: E, payload: PushEvents[E]) => void;

/**
 * Services shared by the domains. Each domain adds its own optional field here and builds it in
 * `createServices` (src/main/core/services.ts).
 */
export interface Services {
  [name: string]: unknown;
}

export interface CoreContext {
  readonly clock: Clock;
  readonly caller: Caller;
  readonly emit: Emit;
  readonly services: Services;
}
