/**
 * One remediation playbook of the manual ("Automatic Remediation Workflows"): its detection query,
 * the automated checks the app can really run against the database, the actions it can take
 * through the operations gate, and the manual steps as a checklist. One file per playbook.
 */
import type { Queryable } from '../../alerts/rule';
import type { PlaybookActionInfo, PlaybookCheckResult, PlaybookDetection, PlaybookName } from '../../../../shared/triage';

export interface PlaybookContext {
  db: Queryable;
  /** Evaluation time (the injected clock): every window ends here. */
  now: Date;
  /** Environment of the watched database ('production', 'staging', 'sample', …). */
  environment?: string;
}

export interface ProposedAction extends PlaybookActionInfo {
  /** Parameters for the operations gate (e.g. { ip } for block_ip, { pid } for cancel_query). */
  params: Record<string, unknown>;
}

export interface Playbook {
  name: PlaybookName;
  title: string;
  description: string;
  /** The manual's "Auto-Fix Success Rate" (a claim, shown next to the measured rate). */
  claimedRate: number;
  /** The manual's remediation steps, as a checklist. */
  manualSteps: string[];
  detect(ctx: PlaybookContext): Promise<PlaybookDetection>;
  check(ctx: PlaybookContext): Promise<PlaybookCheckResult[]>;
  /** What the playbook could do now, given its checks (each through the operations gate). */
  actions(ctx: PlaybookContext, checks: PlaybookCheckResult[]): Promise<ProposedAction[]>;
}
