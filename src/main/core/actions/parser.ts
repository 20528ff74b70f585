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

export const MAX_REQUEST_LENGTH = 500;

/** Multi-word expressions reduced to one canonical word before anything else. */
const PHRASE_SYNONYMS: [RegExp, string][] = [
  [/\brow[\s-]+level[\s-]+security\b/g, ' rls '],
  [/\brate[\s-]+limit(ed|ing)?\b/g, ' rate_limited '],
  [/\bbrute[\s-]+force\b/g, ' brute_force '],
  [/\b(all\s+)?at\s+once\b/g, ' at_once '],
  [/\bin\s+(small\s+)?batch(es)?\b/g, ' batched '],
  [/\bback(ing)?[\s-]+up\b/g, ' backup '],
  [/\broll(ing)?[\s-]+back\b/g, ' rollback '],
  [/\broll(ing)?[\s-]+out\b/g, ' rollout '],
  [/\bturn(ing)?[\s-]+off\b/g, ' disable '],
  [/\bswitch(ing)?[\s-]+off\b/g, ' disable '],
  [/\bread[\s-]+only\b/g, ' read_only '],
  [/\bclean[\s-]+up\b/g, ' cleanup '],
  [/\bhot[\s-]+fix\b/g, ' hotfix '],
  [/\bip[\s-]+address(es)?\b/g, ' ip '],
  [/\bpg[\s_-]?dump\b/g, ' backup '],
  [/\b(\w+)n't\b/g, ' $1 not '],
  [/\bcannot\b/g, ' can not '],
];

/** Single words → canonical word. */
const WORD_SYNONYMS: Record<string, string> = {
  db: 'database', dbs: 'database', databases: 'database',
  drop: 'delete', dropping: 'delete', remove: 'delete', removing: 'delete', destroy: 'delete', erase: 'delete', wipe: 'delete', nuke: 'delete', purge: 'delete', deleting: 'delete', deletes: 'delete', deleted: 'delete', prune: 'delete', cleanup: 'delete',
  deploying: 'deploy', deployment: 'deploy', deployments: 'deploy', deployed: 'deploy', deploys: 'deploy', ship: 'deploy', shipping: 'deploy', release: 'deploy', releases: 'deploy', rollout: 'deploy', push: 'deploy',
  migrate: 'migration', migrating: 'migration', migrations: 'migration', migrated: 'migration',
  backups: 'backup', snapshot: 'backup', dump: 'backup',
  revert: 'rollback', rollbacks: 'rollback', undo: 'rollback',
  patches: 'patch', patching: 'patch', update: 'patch', updates: 'patch',
  hotfix: 'fix', fixes: 'fix', fixing: 'fix', repair: 'fix',
  vacuuming: 'vacuum', analyse: 'analyze',
  freezing: 'freeze', revoke: 'freeze', revoking: 'freeze', read_only: 'freeze',
  writes: 'write', writing: 'write',
  unfreeze: 'restore', grant: 'restore', reenable: 'restore', restoring: 'restore',
  inserts: 'insert', inserting: 'insert', backfilling: 'backfill', load: 'backfill', loading: 'backfill', import: 'backfill', importing: 'backfill',
  disabling: 'disable', deactivate: 'disable', bypass: 'disable', bypassing: 'disable',
  authentication: 'auth', authn: 'auth', login: 'auth', logins: 'auth',
  features: 'feature', complexity: 'feature',
  indexes: 'index', indices: 'index', build: 'create', add: 'create', adding: 'create', creating: 'create',
  kill: 'cancel', terminate: 'cancel', halting: 'halt', stopping: 'stop',
  queries: 'query',
  ban: 'block', blocking: 'block', ips: 'ip',
  calls: 'call', requests: 'call', request: 'call',
  records: 'rows', row: 'rows',
  sessions: 'session', tables: 'table', schemas: 'schema',
  expired: 'old', stale: 'old', outdated: 'old',
  truncating: 'truncate',
  tests: 'tested', test: 'tested', testing: 'tested',
  layout: 'spacing', layouts: 'spacing',
  reads: 'read',
};

const ENV_WORDS: Record<string, Exclude<Environment, 'unspecified'>> = {
  production: 'production', prod: 'production', prd: 'production',
  staging: 'staging', stage: 'staging', stg: 'staging', preprod: 'staging',
  development: 'development', dev: 'development', local: 'development',
  sample: 'sample', demo: 'sample',
};

const HARMONIC_WORDS = new Set(['throttled', 'throttle', 'throttling', 'gradual', 'gradually', 'rate_limited', 'ratelimited', 'batched', 'batch', 'incremental', 'incrementally', 'phased', 'chunked', 'slowly']);
const STRONG_BRUTE_WORDS = new Set(['unthrottled', 'brute_force', 'at_once', 'unlimited', 'unbatched']);
const WEAK_BRUTE_WORDS = new Set(['mass', 'bulk', 'all', 'everything']);
const NEGATIONS = new Set(['not', 'never', 'dont']);
/** Verbs that change what is asked when the chosen phrase did not consume them ("delete the backup"). */
const CONTRARY_VERBS = new Set(['stop', 'halt', 'abort', 'pause', 'prevent', 'cancel', 'disable', 'skip', 'block', 'freeze', 'restore', 'delete', 'truncate', 'rollback']);
const CLAUSE_BREAKS = new Set(['and', 'then', 'also', 'plus', 'afterwards', ',', ';', '&']);

/** Words that carry no meaning for the kind or the target. */
const STOPWORDS = new Set([
  'a', 'an', 'the', 'to', 'on', 'of', 'in', 'into', 'for', 'from', 'at', 'with', 'by', 'our', 'my', 'this', 'that', 'these', 'those', 'its', 'it',
  'please', 'approve', 'roman', 'r.o.m.a.n', 'r.o.m.a.n.', 'can', 'you', 'i', 'we', 'want', 'would', 'like', 'lets', 'let', 's', 'go', 'do', 'run', 'now', 'immediately', 'asap', 'right', 'away',
  'entire', 'whole', 'operation', 'operations', 'system', 'environment', 'env', 'server', 'failed', 'failing', 'broken', 'last', 'previous', 'latest', 'recent',
  'during', 'incident', 'outage', 'emergency', 'ratio', 'following', 'golden', 'phi', 'proportions', 'job', 'task', 'some', 'any', 'mode',
]);

/** Words of a target that name its type rather than the object itself. */
const TARGET_NOUNS = new Set(['schema', 'table', 'column']);

interface Token {
  raw: string;
  canon: string;
}

function tokenize(text: string): Token[][] {
  let s = ` ${text.toLowerCase()} `;
  for (const [re, replacement] of PHRASE_SYNONYMS) s = s.replace(re, replacement);
  const clauses: Token[][] = [[]];
  for (const m of s.matchAll(/[a-z0-9_]+(?:\.[a-z0-9_]+)*|[,;&]/g)) {
    const raw = m[0];
    if (CLAUSE_BREAKS.has(raw)) {
      clauses.push([]);
      continue;
    }
    const canon = WORD_SYNONYMS[raw] ?? raw;
    clauses[clauses.length - 1].push({ raw, canon });
  }
  return clauses.filter((c) => c.length > 0);
}

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
  return editDistance(a, b) <= limit;
}

/** The catalogue phrases closest to the words of the text (at most `limit`). */
export function suggestPhrases(text: string, limit = 3): string[] {
  const words = tokenize(text).flat().flatMap((t) => (t.raw === t.canon ? [t.raw] : [t.raw, t.canon]));
  const scored = CATALOGUE.flatMap((e) =>
    e.phrases.map((phrase, order) => {
      const pw = phrase.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
      const canon = phraseTokens(phrase);
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

type MethodChoice = { method: 'harmonic' | 'brute'; word: string } | null;

/**
 * Builds the ActionData of a kind from its profile and the request's words. Exported for requests
 * that name the kind directly (UI, API).
 */
export function buildAction(
  kind: ActionKind,
  environment: Environment,
  target: string | null,
  options: { method?: MethodChoice; ratio?: { value: number; words: string } | null; explanation?: string[] } = {},
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
  if (method && entry.method_adjustable) {
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

  const ratio = extractRatio(text);
  const clauses = tokenize(ratio ? ratio.rest : text);
  const all = clauses.flat();
  if (all.length === 0) throw notUnderstood(text, 'it has no words R.O.M.A.N. can read');
  const negation = all.find((t) => NEGATIONS.has(t.canon));
  if (negation) throw notUnderstood(text, `it contains a negation ("${negation.raw}"); ask for the action you want done`);

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
    ? { method: 'harmonic', word: harmonic.raw.replace(/_/g, '-') }
    : strong
      ? { method: 'brute', word: strong.raw.replace(/_/g, ' ') }
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

  return buildAction(match.kind, environment, target, {
    method,
    ratio: ratio ? { value: ratio.value, words: ratio.words } : null,
    explanation,
  });
}
