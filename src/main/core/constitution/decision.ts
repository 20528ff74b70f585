/**
 * Decision records in the spirit of OPA decision logs: every evaluation gets an id, the core
 * version, a timestamp from the injected clock, its duration, who asked and from where, the full
 * input and the full per-law result. Recording it (ops.roman_events, local cache) is the caller's job.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { CORE_VERSION, type Decision, type DecisionMeta } from '../../../shared/constitution';
import { DomainError } from '../../../shared/result';
import type { Clock } from '../clock';
import { evaluateLaws, validateInput } from './laws';

const CHANNELS = new Set(['ui', 'cli', 'discord', 'scheduler', 'web']);

function checkMeta(meta: DecisionMeta): void {
  const problems: string[] = [];
  if (typeof meta.requested_by !== 'string' || meta.requested_by.trim() === '') problems.push('requested_by must be a non-empty string');
  if (!CHANNELS.has(meta.channel)) problems.push(`channel must be one of ${[...CHANNELS].join(', ')}`);
  if (meta.entropy_source !== 'manual' && meta.entropy_source !== 'live') problems.push("entropy_source must be 'manual' or 'live'");
  if (meta.critical_alerts !== undefined && !Array.isArray(meta.critical_alerts)) problems.push('critical_alerts must be a list');
  if (problems.length > 0) {
    throw new DomainError('invalid_input', `Invalid decision metadata: ${problems.join('; ')}`, problems.map((m) => ({ path: 'meta', message: m })));
  }
}

/**
 * Validates and evaluates an action and returns the Decision. Throws DomainError('invalid_input')
 * for invalid input (never a verdict).
 */
export function evaluate(action: unknown, systemEntropy: unknown, meta: DecisionMeta, clock: Clock): Decision {
  const started = performance.now();
  checkMeta(meta);
  const input = validateInput(action, systemEntropy);
  const at = clock.now();
  const result = evaluateLaws(input.action, input.systemEntropy, { criticalAlerts: meta.critical_alerts ?? [] });
  const duration_ms = Number((performance.now() - started).toFixed(3));
  const { requested_by, channel, ...rest } = meta;
  const extra = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Omit<DecisionMeta, 'requested_by' | 'channel'>;
  return {
    decision_id: randomUUID(),
    core_version: CORE_VERSION,
    timestamp: at.toISOString(),
    duration_ms,
    requested_by,
    channel,
    input: { action: input.action, system_entropy: input.systemEntropy, requested_by, channel, ...extra },
    result,
  };
}
