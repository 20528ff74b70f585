/**
 * What the bot needs from the operations gate to run an approved action — and nothing more. The
 * gate (src/main/core/operations) turns a recorded approval into a grant (who, what hash, which
 * target, until when), shows the plan, and executes exactly that plan once, consuming the grant
 * atomically. The bot never executes anything itself: it only calls this interface.
 *
 * The default `UNAVAILABLE_RUNNER` fails closed: the Run button says execution is not available in
 * this build, and a crafted press runs nothing.
 */
import type { ParsedAction } from '../../../shared/actions';
import type { Decision } from '../../../shared/constitution';
import type { BotTarget } from './commands';

export interface RunnableAction {
  kind: ParsedAction['kind'];
  environment: ParsedAction['environment'];
  data: ParsedAction['data'];
  description: string;
}

export interface RunPlan {
  grantId: string;
  /** Human summary of the steps (shown before "Executing…"). */
  plan: string[];
}

export interface RunOutcome {
  ok: boolean;
  /** "Deployment complete. Staging updated to commit abc123." / why it failed. */
  message: string;
}

export interface RunRequest {
  /** Discord user id of the person who pressed Run (and confirmed, for production). */
  confirmedBy: string;
  /** What the person typed in the production confirmation (the database name), if asked. */
  typedConfirmation?: string;
  onProgress?: (line: string) => void;
}

export interface ActionRunner {
  /** Whether this build can execute the action at all (no → a disabled button with the reason). */
  supports(action: RunnableAction): { executable: true } | { executable: false; reason: string };
  /** Turns the recorded approval into a grant and a plan. Throws when the decision cannot be run. */
  prepare(decision: Decision, action: RunnableAction, target: BotTarget): Promise<RunPlan>;
  /** Consumes the grant and executes the plan; a used or expired grant is refused (throws). */
  execute(grantId: string, request: RunRequest): Promise<RunOutcome>;
}

export const EXECUTION_UNAVAILABLE = 'execution is not available in this build';

/** The default: nothing is executable, nothing runs. */
export const UNAVAILABLE_RUNNER: ActionRunner = {
  supports: () => ({ executable: false, reason: EXECUTION_UNAVAILABLE }),
  prepare: () => Promise.reject(new Error(EXECUTION_UNAVAILABLE)),
  execute: () => Promise.reject(new Error(EXECUTION_UNAVAILABLE)),
};
