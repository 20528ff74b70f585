/** API contract of the monitoring domain (handler inputs + outputs + push events). */
import { z } from 'zod';
import {
  healthAreaSchema,
  type EntropyReading,
  type HealthCheckResult,
  type HealthStatus,
  type MonitoringOverview,
} from '../monitoring';
import { MAX_RANGE_MS, MIN_RANGE_MS, RANGE_PRESETS } from '../time-range';

/** The dashboard's range: a preset ending now, or an absolute from/to (ISO; the core also refuses one in the future). */
export const overviewRangeSchema = z.union([
  z.object({ last: z.enum(RANGE_PRESETS) }).strict(),
  z
    .object({ from: z.string().datetime({ offset: true }), to: z.string().datetime({ offset: true }) })
    .strict()
    .refine((r) => Date.parse(r.from) < Date.parse(r.to), { message: 'from must be before to' })
    .refine((r) => Date.parse(r.to) - Date.parse(r.from) >= MIN_RANGE_MS, { message: 'the range must span at least 1 minute' })
    .refine((r) => Date.parse(r.to) - Date.parse(r.from) <= MAX_RANGE_MS, { message: 'the range must span at most 30 days' }),
]);
export type OverviewRange = z.infer<typeof overviewRangeSchema>;

export const monitoringInputs = {
  /** {} → every check; `areas` narrows to some areas. */
  'monitoring.checks': z
    .object({ areas: z.array(healthAreaSchema).min(1, 'name at least one area').max(20).optional() })
    .strict(),
  'monitoring.entropy': z.object({}).strict(),
  /** `range` sets the window of the time-series panels (Performance); default the last 6 hours. */
  'monitoring.overview': z.object({ range: overviewRangeSchema.optional() }).strict(),
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
