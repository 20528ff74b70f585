/**
 * The fingerprinter: one generic template miner for every source (see miner.ts and tokens.ts).
 *
 * `fingerprintBatch` is what `roman triage fingerprint` runs on a file: the same online miner
 * learns from every line first, consolidates, and only then answers, so every line of one pattern
 * gets the pattern's final id — a line that arrived first is not left behind with an id its later
 * siblings no longer have.
 */
import { TemplateMiner, type MatchResult, type MinerOptions } from './miner';

export { TemplateMiner, templateId } from './miner';
export type { MatchResult, MergeRecord, MinerSnapshot, TemplateRecord, MinerOptions } from './miner';
export { maskMessage, WILDCARD } from './tokens';

export interface Fingerprint {
  fingerprint: string;
  template: string;
}

export function fingerprintBatch(messages: readonly string[], options: MinerOptions = {}, miner = new TemplateMiner(options)): Fingerprint[] {
  for (const m of messages) miner.learn(m);
  miner.consolidate();
  return messages.map((m) => {
    const r: MatchResult | undefined = miner.match(m);
    // every message was learnt above, so its shape is known; the guard keeps the type honest
    return r ? { fingerprint: r.id, template: r.template } : { fingerprint: miner.learn(m).id, template: miner.learn(m).template };
  });
}

/**
 * Grouping accuracy (Zhu et al., "Tools and Benchmarks for Automated Log Parsing", 2019): a message
 * counts as correct when the set of messages sharing its fingerprint is exactly the set of messages
 * sharing its true template.
 */
export function groupingAccuracy(predicted: readonly string[], truth: readonly string[]): number {
  if (predicted.length !== truth.length) throw new Error('predicted and truth differ in length');
  if (predicted.length === 0) return 1;
  const byPred = new Map<string, number[]>();
  predicted.forEach((p, i) => {
    const g = byPred.get(p);
    if (g) g.push(i);
    else byPred.set(p, [i]);
  });
  const truthSize = new Map<string, number>();
  for (const t of truth) truthSize.set(t, (truthSize.get(t) ?? 0) + 1);
  let correct = 0;
  for (const members of byPred.values()) {
    const t0 = truth[members[0]!]!;
    if (members.every((i) => truth[i] === t0) && truthSize.get(t0) === members.length) correct += members.length;
  }
  return correct / predicted.length;
}
