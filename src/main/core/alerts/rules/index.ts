/** The alert rule catalogue: the manual's six alerts plus the measurable rows of its thresholds table. */
import type { AlertRule } from '../rule';
import { apiQuota } from './api-quota';
import { dataLossRisk } from './data-loss-risk';
import { deploymentRegression } from './deployment-regression';
import { errorRateSpike } from './error-rate-spike';
import { performanceDegradation } from './performance-degradation';
import { securityBreach } from './security-breach';
import { systemDown } from './system-down';
import { logsStopped } from './logs-stopped';
import { apiSuccessRate, databaseConnections, responseTime, unmeasurableThresholds } from './thresholds';

export const manualAlertRules: readonly AlertRule[] = [
  systemDown,
  dataLossRisk,
  securityBreach,
  performanceDegradation,
  errorRateSpike,
  apiQuota,
];

export const thresholdRules: readonly AlertRule[] = [responseTime, databaseConnections, apiSuccessRate];

/** Rules of the manual's procedures (deployments). */
export const procedureRules: readonly AlertRule[] = [deploymentRegression];

/** Rules that make silence visible (no data is not health). */
export const silenceRules: readonly AlertRule[] = [logsStopped];

export const allAlertRules: readonly AlertRule[] = [...manualAlertRules, ...thresholdRules, ...procedureRules, ...silenceRules];

export { unmeasurableThresholds };
export { apiQuota, dataLossRisk, errorRateSpike, performanceDegradation, securityBreach, systemDown };
export { apiSuccessRate, databaseConnections, responseTime };
export { deploymentRegression };
export { logsStopped };
