/**
 * API contract of deployments: markers (from the local cache, so they work offline) with their
 * latest pre-deployment check and, when the database is open, the post-deployment watch outcome.
 */
import { z } from 'zod';
import type { DeploymentCheckReport, DeploymentMarker, WatchReport } from '../deployments';

export interface DeploymentListItem extends DeploymentMarker {
  /** The latest pre-deployment checklist of this environment recorded before the deployment. */
  check: Pick<DeploymentCheckReport, 'passed' | 'checkedAt' | 'checkedBy' | 'items'> | null;
  /** The watch of the 10 minutes after it (null when the database is not open: unknown, not healthy). */
  watch: Pick<WatchReport, 'outcome' | 'summary' | 'measures'> | null;
  watchUnavailable: string | null;
}

export const deploymentsInputs = {
  'deployments.list': z
    .object({
      /** Only deployments at or after this time: ISO, or a span back from now such as 6h, 24h, 7d. */
      since: z.string().trim().max(64).optional(),
      limit: z.number().int().min(1).max(500).default(50),
      /** Compute the watch outcome of each (needs the database). */
      withWatch: z.boolean().default(false),
    })
    .strict(),
};

export interface DeploymentsOutputs {
  'deployments.list': { deployments: DeploymentListItem[] };
}
