/**
 * Free-text action requests → catalogued actions. Deterministic and explainable: the text is split
 * into words, synonyms are reduced to one canonical word, the environment and method modifiers are
 * read, and the longest catalogue phrase found in the words picks the kind; leftover words name the
 * target. Every decision is written to `explanation`. Text it does not understand (no phrase, two
 * actions, a negation, two environments, contradicting modifiers) is a DomainError('not_understood')
 * with the closest catalogue phrases as suggestions — never a guess.
 */
import type { ActionKind, CatalogueEntry, Environment, ParsedAction } from '../../../shared/actions';
import { ENVIRONMENTS } from '../../../shared/actions';
import { PRINCIPLE_SACRED_GEOMETRY_RATIO, SCHUMANN_RESONANCE_HZ, actionDataSchema, type ActionData } from '../../../shared/constitution';
import { DomainError } from '../../../shared/result';
import { CATALOGUE, catalogueEntry, describeAction } from './catalogue';
import { contextIsSecondAction, namesIncident, splitContext, type RequestContext } from './context';
import {
  CONTRARY_VERBS,
  ENV_WORDS,
  HARMONIC_WORDS,
  STOPWORDS,
  STRONG_BRUTE_WORDS,
  TARGET_NOUNS,
  WEAK_BRUTE_WORDS,
  tokenize,
  type Token,
} from './vocabulary';

export const MAX_REQUEST_LENGTH = 500;

/** Kinds that are themselves a deploy (a plain "deploy" clause next to one of them is that action). */
const DEPLOY_KINDS = new Set<ActionKind>(['deploy_untested', 'add_feature', 'fix', 'security_patch']);

/** Canonical tokens of a catalogue phrase (stopwords and environment words removed). */
function phraseTokens(phrase: string): string[] {
  const tokens = tokenize(phrase.replace(/\d+(?:\.\d+)?\s*:\s*\d+(?:\.\d+)?/g, ' ')).flat();
  return tokens.map((t) => t.canon).filter((c) => !STOPWORDS.has(c) && !(c in ENV_WORDS));
}

interface CompiledPhrase {
  kind: ActionKind;
  phrase: string;
  tokens: string[];
}

const COMPILED: CompiledPhrase[] = CATALOGUE.flatMap((e) =>
  e.phrases.map((phrase) => ({ kind: e.kind, phrase, tokens: phraseTokens(phrase) })).filter((p) => p.tokens.length > 0),
);

interface PhraseMatch {
  kind: ActionKind;
  phrase: string;
  length: number;
  gaps: number;
  /** Indices (into the content words) the phrase consumed. */
  used: number[];
}

/** Finds the phrase as an ordered subsequence with at most one other word between its words. */
function matchPhrase(words: string[], p: CompiledPhrase): PhraseMatch | null {
  let best: PhraseMatch | null = null;
  for (let start = 0; start < words.length; start++) {
    if (words[start] !== p.tokens[0]) continue;
    const used = [start];
    let gaps = 0;
    let pos = start;
    for (let k = 1; k < p.tokens.length; k++) {
      if (words[pos + 1] === p.tokens[k]) pos += 1;
      else if (words[pos + 2] === p.tokens[k]) {
        pos += 2;
        gaps += 1;
      } else {
        pos = -1;
        break;
      }
      used.push(pos);
    }
    if (pos < 0) continue;
    const m = { kind: p.kind, phrase: p.phrase, length: p.tokens.length, gaps, used };
    if (!best || m.gaps < best.gaps) best = m;
  }
  return best;
}

function bestMatches(words: string[]): PhraseMatch[] {
  const matches = COMPILED.map((p) => matchPhrase(words, p)).filter((m): m is PhraseMatch => m !== null);
  if (matches.length === 0) return [];
  const score = (m: PhraseMatch) => m.length * 10 - m.gaps;
  const top = Math.max(...matches.map(score));
  const winners = matches.filter((m) => score(m) === top);
  const byKind = new Map<ActionKind, PhraseMatch>();
  for (const w of winners) if (!byKind.has(w.kind)) byKind.set(w.kind, w);
  return [...byKind.values()];
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

function close(a: string, b: string): boolean {
  if (a === b) return true;
  const limit = Math.min(a.length, b.length) >= 6 ? 2 : Math.min(a.length, b.length) >= 3 ? 1 : 0;
  if (Math.abs(a.length - b.length) > limit) return false;
  return editDistance(a, b) <= limit;
}

const SUGGESTION_WORDS = new Map<string, { pw: string[]; canon: string[] }>();
function suggestionWords(phrase: string): { pw: string[]; canon: string[] } {
  let w = SUGGESTION_WORDS.get(phrase);
  if (!w) {
    w = { pw: phrase.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean), canon: phraseTokens(phrase) };
    SUGGESTION_WORDS.set(phrase, w);
  }
  return w;
}

/** The catalogue phrases closest to the words of the text (at most `limit`). */
export function suggestPhrases(text: string, limit = 3): string[] {
  const words = tokenize(text).flat().flatMap((t) => (t.raw === t.canon ? [t.raw] : [t.raw, t.canon]));
  const scored = CATALOGUE.flatMap((e) =>
    e.phrases.map((phrase, order) => {
      const { pw, canon } = suggestionWords(phrase);
      const hits = new Set([...pw, ...canon].filter((w) => words.some((x) => close(x, w)))).size;
      return { phrase, hits, order, size: pw.length };
    }),
  ).filter((s) => s.hits > 0);
  scored.sort((a, b) => b.hits - a.hits || a.order - b.order || a.size - b.size);
  const out: string[] = [];
  for (const s of scored) if (!out.includes(s.phrase) && out.length < limit) out.push(s.phrase);
  return out;
}

function notUnderstood(text: string, why: string): DomainError {
  const suggestions = suggestPhrases(text);
  const fallback = ['deploy to staging', 'database backup', 'gradual migration of the billing schema'];
  const list = (suggestions.length > 0 ? suggestions : fallback).map((s) => `"${s}"`).join(', ');
  return new DomainError(
    'not_understood',
    `Not understood: "${text.trim().slice(0, 120)}" — ${why}. Closest requests R.O.M.A.N. knows: ${list}.`,
  );
}

/** Normalizes an environment name or synonym ("prod", "stage", "dev"…); unknown → null. */
export function normalizeEnvironment(value: string): Environment | null {
  const v = value.trim().toLowerCase();
  if ((ENVIRONMENTS as readonly string[]).includes(v)) return v as Environment;
  return ENV_WORDS[v] ?? null;
}

/** `strong`: brute force asked for explicitly ("at once", "brute force", "no throttle"): it applies to every kind. */
type MethodChoice = { method: 'harmonic' | 'brute'; word: string; strong?: boolean } | null;

/**
 * Builds the ActionData of a kind from its profile and the request's words. Exported for requests
 * that name the kind directly (UI, API).
 */
export function buildAction(
  kind: ActionKind,
  environment: Environment,
  target: string | null,
  options: { method?: MethodChoice; ratio?: { value: number; words: string } | null; explanation?: string[]; noBackup?: string | null } = {},
): ParsedAction {
  const entry: CatalogueEntry = catalogueEntry(kind);
  const explanation = [...(options.explanation ?? [])];
  const p = entry.profile;
  const data: ActionData = {
    method_type: p.method_type,
    entropy_increase: p.entropy_increase,
    risk_to_life: p.risk_to_life,
    description: '',
  };
  if (p.target_frequency !== undefined) data.target_frequency = p.target_frequency;
  if (p.geometric_ratio !== undefined) data.geometric_ratio = p.geometric_ratio;

  let methodWord: string | null = null;
  const method = options.method ?? null;
  if (method && (entry.method_adjustable || (method.method === 'brute' && method.strong))) {
    if (method.method === 'harmonic') {
      data.method_type = 'harmonic_resonance';
      data.target_frequency = SCHUMANN_RESONANCE_HZ;
      methodWord = method.word;
      explanation.push(`method_type: "${method.word}" → harmonic_resonance, target_frequency ${SCHUMANN_RESONANCE_HZ} Hz (Schumann lock)`);
    } else {
      data.method_type = 'brute_force';
      delete data.target_frequency;
      methodWord = (kind === 'bulk_delete' || kind === 'bulk_insert') && WEAK_BRUTE_WORDS.has(method.word) ? null : method.word;
      explanation.push(`method_type: "${method.word}" → brute_force (no frequency alignment)`);
    }
  } else {
    if (method) explanation.push(`method: "${method.word}" ignored — ${entry.label.toLowerCase()} is a single operation whose method does not change`);
    explanation.push(`method_type: ${data.method_type} (profile of ${kind})`);
  }
  if (entry.destructive && environment === 'production' && p.production_risk_to_life !== undefined) {
    data.risk_to_life = p.production_risk_to_life;
    explanation.push(`risk_to_life: ${data.risk_to_life} (destructive action against production)`);
  } else if (entry.destructive && options.noBackup) {
    data.risk_to_life = Math.max(data.risk_to_life, p.production_risk_to_life ?? 0.3);
    explanation.push(`risk_to_life: ${data.risk_to_life} (destructive action "${options.noBackup}": no backup to restore from)`);
  } else {
    explanation.push(`risk_to_life: ${data.risk_to_life} (profile of ${kind}${entry.destructive ? `; ${p.production_risk_to_life ?? data.risk_to_life} in production` : ''})`);
  }
  const effect = data.entropy_increase > 0 ? 'adds entropy' : data.entropy_increase < 0 ? 'reduces entropy' : 'leaves entropy unchanged';
  explanation.push(`entropy_increase: ${data.entropy_increase} (profile of ${kind}: ${effect})`);
  if (options.ratio) {
    data.geometric_ratio = options.ratio.value;
    explanation.push(`geometric_ratio: "${options.ratio.words}" → ${Number(options.ratio.value.toPrecision(12))}`);
  } else if (data.geometric_ratio !== undefined) {
    explanation.push(`geometric_ratio: ${data.geometric_ratio} (profile of ${kind})`);
  } else {
    explanation.push('geometric_ratio: not given → Structural Integrity is not evaluated');
  }
  if (options.noBackup && !entry.destructive) explanation.push(`"${options.noBackup}": noted; ${entry.label.toLowerCase()} does not destroy data`);
  data.description = describeAction(kind, environment, target, methodWord);
  const checked = actionDataSchema.parse(data);
  return { kind, label: entry.label, environment, target, destructive: entry.destructive, data: checked, explanation };
}

function extractRatio(text: string): { value: number; words: string; rest: string } | null {
  const lower = text.toLowerCase();
  const m = /(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)/.exec(lower);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (!(b > 0) || !Number.isFinite(a / b)) return null;
    return { value: a / b, words: m[0], rest: lower.replace(m[0], ' ') };
  }
  const g = /\bgolden\s+ratio\b|\bphi\b|φ/.exec(lower);
  if (g) return { value: PRINCIPLE_SACRED_GEOMETRY_RATIO, words: g[0], rest: lower.replace(g[0], ' ') };
  return null;
}

/** Parses a free-text request. Throws DomainError('invalid_input' | 'not_understood'). */
export function parseActionRequest(text: string, options: { environment?: Environment } = {}): ParsedAction {
  if (typeof text !== 'string' || text.trim() === '') throw new DomainError('invalid_input', 'The request text is empty: say what should be done, e.g. "deploy to staging".');
  if (text.length > MAX_REQUEST_LENGTH) throw new DomainError('invalid_input', `The request text is longer than ${MAX_REQUEST_LENGTH} characters.`);

  const split = splitContext(text);
  const actionText = split.action;
  const context: RequestContext | null =
    split.context && (split.context.incident || !namesIncident(actionText))
      ? split.context
      : namesIncident(actionText)
        ? { text: actionText.trim(), incident: true }
        : split.context;
  if (split.context && contextIsSecondAction(split.context)) {
    throw notUnderstood(text, `"${split.context.text}" asks for a second action at the same time; request one action at a time`);
  }
  const ratio = extractRatio(actionText);
  const tokenized = tokenize(ratio ? ratio.rest : actionText);
  const all = tokenized.flat();
  if (all.length === 0) throw notUnderstood(text, 'it has no words R.O.M.A.N. can read');
  const notEnv = all.filter((t) => t.negation === 'not_env');
  const positiveEnv = all.some((t) => t.canon in ENV_WORDS);
  const blocked = all.find((t) => t.negation === 'blocked') ?? (notEnv.length > 0 && !positiveEnv ? notEnv[0] : undefined);
  if (blocked) {
    throw notUnderstood(text, `it contains a negation ("${blocked.raw}") that does not name an action to do; ask for the action you want done`);
  }
  const noBackup = all.find((t) => t.negation === 'no_backup');
  const flipped = all.filter((t) => t.negation === 'flipped');
  const clauses = tokenized.map((c) => c.filter((t) => t.negation !== 'no_backup' && t.negation !== 'not_env')).filter((c) => c.length > 0);

  // Kind: per clause, the best catalogue phrase; one action per request.
  type ClauseResult = { clause: Token[]; content: Token[]; match: PhraseMatch };
  const found: ClauseResult[] = [];
  const unmatched: Token[][] = [];
  const isModifier = (t: Token) => HARMONIC_WORDS.has(t.canon) || STRONG_BRUTE_WORDS.has(t.canon) || WEAK_BRUTE_WORDS.has(t.canon);
  const contentOf = (clause: Token[]) => clause.filter((t) => !STOPWORDS.has(t.canon) && !(t.canon in ENV_WORDS));
  for (const clause of clauses) {
    const content = contentOf(clause);
    const matches = bestMatches(content.map((t) => t.canon));
    if (matches.length > 1) {
      throw notUnderstood(text, `it could mean ${matches.map((m) => `${catalogueEntry(m.kind).label.toLowerCase()} ("${m.phrase}")`).join(' or ')}`);
    }
    if (matches.length === 1) found.push({ clause, content, match: matches[0] });
    else if (content.some((t) => !isModifier(t))) unmatched.push(clause);
  }
  if (found.length === 0) throw notUnderstood(text, 'no catalogued action matches it');
  if (unmatched.length > 0) {
    throw notUnderstood(text, `part of it is not understood ("${unmatched[0].map((t) => t.raw).join(' ')}")`);
  }
  // "deploy to staging and skip the tests": a plain deploy clause next to a kind that is itself a
  // kind of deploy (untested code, a feature, a fix, a security patch) is that one action.
  if (found.length === 2 && found.some((f) => f.match.kind === 'deploy')) {
    const specific = found.find((f) => DEPLOY_KINDS.has(f.match.kind));
    const plain = found.find((f) => f.match.kind === 'deploy');
    if (specific && plain) {
      found.splice(0, found.length, { clause: [...plain.clause, ...specific.clause], content: specific.content, match: specific.match });
      const envOnly = plain.content.filter((t, i) => !plain.match.used.includes(i) && !HARMONIC_WORDS.has(t.canon) && !STRONG_BRUTE_WORDS.has(t.canon) && !WEAK_BRUTE_WORDS.has(t.canon));
      if (envOnly.length > 0) throw notUnderstood(text, `part of it is not understood ("${envOnly.map((t) => t.raw).join(' ')}")`);
    }
  }
  const kinds = [...new Set(found.map((f) => f.match.kind))];
  if (kinds.length > 1 || found.length > 1) {
    throw notUnderstood(text, `it asks for more than one action (${kinds.map((k) => catalogueEntry(k).label.toLowerCase()).join(', ')}); request one action at a time`);
  }
  const { content, match } = found[0];
  const leftover = content.filter((_, i) => !match.used.includes(i)).map((t) => t.canon);
  const other = bestMatches(leftover).find((m) => m.kind !== match.kind);
  if (other) {
    throw notUnderstood(
      text,
      `it asks for more than one action (${catalogueEntry(match.kind).label.toLowerCase()}, ${catalogueEntry(other.kind).label.toLowerCase()}); request one action at a time`,
    );
  }
  const contrary = content.find((t, i) => CONTRARY_VERBS.has(t.canon) && !match.used.includes(i));
  if (contrary) {
    throw notUnderstood(text, `"${contrary.raw}" does not fit ${catalogueEntry(match.kind).label.toLowerCase()} ("${match.phrase}")`);
  }
  const kindWords = match.used.map((i) => content[i].raw).join(' ');
  const explanation = [`kind: "${kindWords}" → ${match.kind} (${catalogueEntry(match.kind).label})`];
  for (const e of notEnv) explanation.push(`negation: "${e.raw}" excludes an environment`);
  for (const f of flipped) explanation.push(`negation: "${f.raw}" → ${f.canon === 'unthrottled' ? 'unthrottled (brute force)' : f.canon === 'gradual' ? 'gradual (not brute force)' : f.canon}`);
  if (context) {
    explanation.push(
      `context: "${context.text}"${context.incident ? ' → an incident is going on: the system counts as unstable for this decision' : ' (not part of the action)'}`,
    );
  }

  // Environment.
  const envTokens: { token: Token; env: Exclude<Environment, 'unspecified'>; afterFrom: boolean }[] = [];
  all.forEach((t, i) => {
    const env = ENV_WORDS[t.canon];
    if (env) envTokens.push({ token: t, env, afterFrom: all[i - 1]?.canon === 'from' });
  });
  let environment: Environment = 'unspecified';
  const distinct = [...new Set(envTokens.map((e) => e.env))];
  if (distinct.length === 1) {
    environment = distinct[0];
    explanation.push(`environment: "${envTokens[0].token.raw}" → ${environment}`);
  } else if (distinct.length > 1) {
    const destinations = [...new Set(envTokens.filter((e) => !e.afterFrom).map((e) => e.env))];
    if (destinations.length !== 1) throw notUnderstood(text, `it names more than one environment (${distinct.join(', ')})`);
    environment = destinations[0];
    const word = envTokens.find((e) => e.env === environment)!.token.raw;
    explanation.push(`environment: "${word}" → ${environment} (the environment after "from" is the source)`);
  } else if (options.environment && options.environment !== 'unspecified') {
    environment = options.environment;
    explanation.push(`environment: not named in the text → ${environment} (given with the request)`);
  } else {
    explanation.push('environment: not named → unspecified');
  }
  if (options.environment && options.environment !== 'unspecified' && environment !== options.environment) {
    throw new DomainError('invalid_input', `The text names ${environment} but the request says environment ${options.environment}.`, [
      { path: 'environment', message: 'does not match the text' },
    ]);
  }

  // Method modifiers.
  const harmonic = all.find((t) => HARMONIC_WORDS.has(t.canon));
  const strong = all.find((t) => STRONG_BRUTE_WORDS.has(t.canon));
  const weak = all.find((t) => WEAK_BRUTE_WORDS.has(t.canon));
  if (harmonic && strong) throw notUnderstood(text, `"${harmonic.raw}" and "${strong.raw}" contradict each other`);
  const method: MethodChoice = harmonic
    ? { method: 'harmonic', word: harmonic.negation === 'flipped' ? harmonic.canon : harmonic.raw.replace(/_/g, '-') }
    : strong
      ? { method: 'brute', word: strong.negation === 'flipped' ? strong.canon : strong.raw.replace(/_/g, ' '), strong: true }
      : weak
        ? { method: 'brute', word: weak.raw }
        : null;

  // Target: words of the clause that are not the kind, the environment, a modifier or a type noun.
  const used = new Set(match.used);
  const targetWords = content
    .filter((t, i) => !used.has(i))
    .filter((t) => !isModifier(t))
    .filter((t) => !(match.kind === 'read_write_ratio' && (t.canon === 'read' || t.canon === 'write')));
  const named = targetWords.filter((t) => !TARGET_NOUNS.has(t.canon));
  const target = named.length > 0 ? named.map((t) => t.raw).join(' ') : null;
  if (target) explanation.push(`target: "${targetWords.map((t) => t.raw).join(' ')}" → ${target}`);

  const built = buildAction(match.kind, environment, target, {
    method,
    ratio: ratio ? { value: ratio.value, words: ratio.words } : null,
    explanation,
    noBackup: noBackup ? noBackup.raw : null,
  });
  return context ? { ...built, context } : built;
}
