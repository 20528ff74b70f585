/**
 * The sample workspace's row shapes and time units, shared by the 30-day generator (seed.ts), the
 * live traffic generator (live.ts) and the writer (writer.ts).
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const SAMPLE_SPAN_DAYS = 30;
/** The PRNG seed of the shipped sample workspace. */
export const DEFAULT_SAMPLE_SEED = 0x5eed_0001;

export type Severity = 'debug' | 'info' | 'warning' | 'error' | 'critical';

export interface SampleLogRow {
  timestamp: Date;
  severity: Severity;
  source: string;
  message: string;
  userId: string | null;
  correlationId: string | null;
  metadata: Record<string, unknown>;
}

export interface SampleAiUsageRow {
  createdAt: Date;
  provider: string;
  model: string;
  feature: string;
  userId: string;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: number;
  latencyMs: number;
  success: boolean;
  metadata: Record<string, unknown>;
}

export interface SampleSubscriptionRow {
  id: string;
  userId: string;
  status: 'active' | 'canceled' | 'past_due';
  plan: 'starter' | 'professional' | 'enterprise';
  createdAt: Date;
}

export interface SampleEventRow {
  timestamp: Date;
  eventType: string;
  severity: Severity;
  message: string;
  metadata: Record<string, unknown>;
  idempotencyKey: string | null;
}

export interface SampleHealthRow {
  timestamp: Date;
  entropy: number;
  errorRate: number;
  failureRate: number;
  latencySpikes: number;
  activeConnections: number;
  metrics: Record<string, unknown>;
}

export interface SampleDataset {
  now: Date;
  logs: SampleLogRow[];
  aiUsage: SampleAiUsageRow[];
  subscriptions: SampleSubscriptionRow[];
  events: SampleEventRow[];
  health: SampleHealthRow[];
  /** Facts about the generated incidents, for labels and for tests that check what a user sees. */
  facts: {
    ongoingIncidentStart: Date;
    bruteForceIp: string;
    bruteForceAt: Date;
    latestDeployment: string;
  };
}
