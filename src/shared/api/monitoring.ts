/** API contract of the monitoring domain (handler inputs + outputs + push events). */
import { z } from 'zod';
import {
  healthAreaSchema,
  type EntropyReading,
  type HealthCheckResult,
  type HealthStatus,
  type MonitoringOverview,
} from '../monitoring';

export const monitoringInputs = {
  /** {} → every check; `areas` narrows to some areas. */
  'monitoring.checks': z
    .object({ areas: z.array(healthAreaSchema).min(1, 'name at least one area').max(20).optional() })
    .strict(),
  'monitoring.entropy': z.object({}).strict(),
  'monitoring.overview': z.object({}).strict(),
} satisfies Record<string, z.ZodType>;

export interface MonitoringChecksOutput {
  checkedAt: string;
  /** How many checks ended in each status. */
  summary: Record<HealthStatus, number>;
  checks: HealthCheckResult[];
}

export interface MonitoringOutputs {
  'monitoring.checks': MonitoringChecksOutput;
  'monitoring.entropy': EntropyReading;
  'monitoring.overview': MonitoringOverview;
}

export interface MonitoringUpdatedEvent {
  at: string;
  /** Present after a checks run. */
  summary?: Record<HealthStatus, number>;
  /** 'overview': the reading of a dashboard overview (the dashboard does not reload on its own echo). */
  origin?: 'overview';
  /** Present after an entropy measurement. */
  entropy?: {
    value: number;
    stable: boolean;
    /** When it was measured, over which window, and whether there was anything to measure. */
    measuredAt?: string;
    windowMinutes?: number;
    data?: 'ok' | 'partial' | 'no_data';
  };
}

export interface MonitoringEvents {
  'monitoring.updated': MonitoringUpdatedEvent;
}
