/**
 * The narrow port through which runbooks and emergency protocols ask for anything that changes a
 * database (VACUUM, backups, freezing writes, blocking IPs, …). The execution gate of the
 * operations feature implements it (grants, constitutional decision, backup first, recording);
 * this module never executes changing SQL itself.
 *
 * The default implementation fails closed: nothing runs, every step is reported as not run.
 */
export type OperationOutcome = 'succeeded' | 'failed' | 'cancelled' | 'refused';

export interface OperationRequest {
  /** Action kind of the catalogue, e.g. 'vacuum', 'backup', 'freeze_writes', 'block_ip'. */
  action: string;
  params: Record<string, unknown>;
  requestedBy: string;
  /** An enabled schedule's standing approval (non-destructive steps only). */
  standing?: boolean;
}

export interface OperationResult {
  outcome: OperationOutcome;
  detail: string;
}

export interface OperationsPort {
  run(request: OperationRequest): Promise<OperationResult>;
}

export const GATE_UNAVAILABLE = 'the operations gate is not available in this build';

/** Fails closed: nothing runs. */
export const unavailableOperations: OperationsPort = {
  run: () => Promise.resolve({ outcome: 'refused', detail: GATE_UNAVAILABLE }),
};

/** Asks the port, turning a thrown error into a 'failed' result (never an unhandled rejection). */
export async function runOperation(port: OperationsPort, request: OperationRequest): Promise<OperationResult> {
  try {
    const r = await port.run(request);
    if (!r || !['succeeded', 'failed', 'cancelled', 'refused'].includes(r.outcome)) {
      return { outcome: 'failed', detail: 'the operations gate gave an answer this build does not understand' };
    }
    return { outcome: r.outcome, detail: typeof r.detail === 'string' ? r.detail : '' };
  } catch (err) {
    return { outcome: 'failed', detail: err instanceof Error ? err.message : String(err) };
  }
}
