/**
 * The request parser's vocabulary and tokenizer: multi-word expressions and single words reduced to
 * one canonical word, environments, method modifiers, stopwords — and negation.
 *
 * Negation is never ignored. A negator ("no", "not", "never", "without", "n't", "skip", "nor", …)
 * governs the next meaningful word (articles and "any/more/proper…" are skipped; "X or Y" after a
 * negator negates both), and a prefix "un-"/"non-" on a known word negates that word. The governed
 * word is then
 * - flipped when its opposite is known: a harmonic modifier becomes brute force ("with no
 *   throttle", "non-batched" → unthrottled), a brute-force modifier becomes harmonic ("not all at
 *   once"), "tests" becomes "untested" ("without tests");
 * - recorded when it only qualifies the action: "without a backup" (a destructive action then
 *   counts as the production one), "no downtime" (harmless);
 * - an environment is excluded ("to staging, not production", "non-prod"): fine when another
 *   environment is named, otherwise the request is not understood;
 * - otherwise blocked: "don't delete …", "never deploy" → the request is not understood.
 * Two negators in a row cancel ("don't skip tests").
 */
import type { Environment } from '../../../shared/actions';

export interface Token {
  raw: string;
  canon: string;
  /** How negation changed this token, when it did. */
  negation?: 'flipped' | 'blocked' | 'no_backup' | 'not_env';
}

/** Multi-word expressions reduced to one canonical word before anything else. */
const PHRASE_SYNONYMS: [RegExp, string][] = [
  [/\b(\w+)n['’]t\b/g, ' $1 not '],
  [/\bcannot\b/g, ' can not '],
  [/\bw\/o\b/g, ' without '],
  [/\b(all\s+)?(the\s+)?(tests?|ci|checks?|builds?)\s+(are\s+|is\s+|have\s+)?(green|passing|passed|pass|ok|fine)\b/g, ' '],
  [/\blong[\s-]+running\b/g, ' runaway '],
  [/\bre-?(index|indexing|indexed)\b/g, ' create index '],
  [/\bre-?enabl(e|es|ed|ing)\b/g, ' reenable '],
  // "drop the sessions table": the table itself, not rows of it.
  [/\b(drop|delete|remove|truncate|wipe|purge|nuke|destroy|erase)\s+(the\s+)?((?:[a-z0-9_.]+\s+)?[a-z0-9_.]+)\s+table\b/g, ' $1 table $3 '],
  [/(?<!\bip\s)\b(\d{1,3}(?:\.\d{1,3}){3})\b/g, ' ip $1 '],
  [/\b\d+\s+(rows\s+|records\s+)?(at\s+a\s+time|per\s+(batch|second|minute))\b/g, ' batched '],
  [/\bpersonal\s+(data|information)\b/g, ' data '],
  [/\bnon[\s-]+(?=[a-z])/g, ' non'],
  [/\bun-(?=[a-z])/g, ' un'],
  [/\brow[\s-]+level[\s-]+security\b/g, ' rls '],
  [/\bsign[\s-]+in(s)?\b/g, ' auth '],
  [/\blog[\s-]+in(s)?\b/g, ' auth '],
  [/\b(multi[\s-]+factor|two[\s-]+factor)(\s+auth\w*)?\b/g, ' auth '],
  [/\brate[\s-]+limit(s|ed|ing|er)?\b/g, ' rate_limited '],
  [/\bbrute[\s-]*forc(e|ed|es|ing)\b/g, ' brute_force '],
  [/\b(all\s+)?in\s+(one|a\s+single)\s+(go|shot|pass|batch|transaction|statement|query|sweep|hit)\b/g, ' at_once '],
  [/\b(all\s+)?at\s+(once|one\s+time|the\s+same\s+time)\b/g, ' at_once '],
  [/\bin\s+one\s+go\b/g, ' at_once '],
  [/\bsingle[\s-]+(shot|pass|batch|transaction|statement)\b/g, ' at_once '],
  [/\b(as\s+(fast|quickly)\s+as\s+(possible|it\s+can|we\s+can)|(at\s+)?full[\s-]+(speed|throttle|blast|tilt)|flat[\s-]+out|(at\s+)?(max|maximum|top)\s+(speed|throughput|rate|concurrency)|no\s+limits?|without\s+(any\s+)?limits?|un(capped|restricted|bounded))\b/g, ' unthrottled '],
  [/\bin\s+(small\s+|smaller\s+|several\s+|multiple\s+)?(batch(es)?|chunks?|waves?|phases?|stages?|steps?|increments?)\b/g, ' batched '],
  [/\b(step|bit|chunk|piece|batch)\s+by\s+(step|bit|chunk|piece|batch)\b/g, ' batched '],
  [/\bone\s+(batch|chunk|table|step)\s+at\s+a\s+time\b/g, ' batched '],
  [/\b(every|each|all(\s+of)?(\s+the)?)\s+(single\s+)?(rows?|records?|entries|data)\b/g, ' everything '],
  [/\bback(ing|ed|s)?[\s-]+up\b/g, ' backup '],
  [/\broll(ing|ed|s)?[\s-]+back\b/g, ' rollback '],
  [/\broll(ing|ed|s)?[\s-]+out\b/g, ' rollout '],
  [/\bturn(ing|ed|s)?[\s-]+off\b/g, ' disable '],
  [/\bswitch(ing|ed|es)?[\s-]+off\b/g, ' disable '],
  [/\bshut(ting)?[\s-]+off\b/g, ' disable '],
  [/\bturn(ing|ed|s)?[\s-]+on\b/g, ' enable '],
  [/\bread[\s-]+only\b/g, ' read_only '],
  [/\bclean(ing|ed|s)?[\s-]+up\b/g, ' cleanup '],
  [/\bclear(ing|ed|s)?[\s-]+out\b/g, ' cleanup '],
  [/\bhot[\s-]+fix(es|ed|ing)?\b/g, ' hotfix '],
  [/\bip[\s-]+address(es)?\b/g, ' ip '],
  [/\bpg[\s_-]?dump(all)?\b/g, ' backup '],
  [/\bsecurity[\s-]+(fix(es)?|update(s)?)\b/g, ' security patch '],
  [/\bcve[\s-]*\d{4}[\s-]*\d+\b/g, ' security patch '],
  // "throttling disabled", "rate limit: off", "batching = false": the modifier is switched off.
  [/\b(throttled|throttle|throttling|rate_limited|batched|batching|gradual)\s*(is\s+|are\s+|set\s+to\s+|[:=]\s*)?(disabled|disable|off|removed|bypassed|false|none|0)\b/g, ' unthrottled '],
];

/** Single words → canonical word. */
const WORD_SYNONYMS: Record<string, string> = {
  db: 'database', dbs: 'database', databases: 'database', postgres: 'database', postgresql: 'database', pg: 'database',
  drop: 'delete', dropping: 'delete', drops: 'delete', dropped: 'delete', remove: 'delete', removing: 'delete', destroy: 'delete', erase: 'delete', wipe: 'delete', wiping: 'delete', nuke: 'delete', purge: 'delete', purging: 'delete', deleting: 'delete', deletes: 'delete', deleted: 'delete', prune: 'delete', pruning: 'delete', clear: 'delete', clearing: 'delete', cleanup: 'delete', trim: 'delete', expire: 'delete',
  deploying: 'deploy', deployment: 'deploy', deployments: 'deploy', deployed: 'deploy', deploys: 'deploy', ship: 'deploy', shipping: 'deploy', release: 'deploy', releases: 'deploy', releasing: 'deploy', rollout: 'deploy', push: 'deploy', pushing: 'deploy', promote: 'deploy', promoting: 'deploy',
  migrate: 'migration', migrating: 'migration', migrations: 'migration', migrated: 'migration',
  backups: 'backup', snapshot: 'backup', snapshots: 'backup', dump: 'backup',
  revert: 'rollback', reverting: 'rollback', rollbacks: 'rollback', undo: 'rollback', downgrade: 'rollback',
  patches: 'patch', patching: 'patch', patched: 'patch',
  hotfix: 'fix', fixes: 'fix', fixing: 'fix', repair: 'fix', repairing: 'fix',
  vacuuming: 'vacuum', analyse: 'analyze',
  freezing: 'freeze', revoke: 'freeze', revoking: 'freeze', read_only: 'freeze',
  writes: 'write', writing: 'write',
  unfreeze: 'restore', grant: 'restore', reenable: 'restore', restoring: 'restore',
  inserts: 'insert', inserting: 'insert', backfilling: 'backfill', load: 'backfill', loading: 'backfill', import: 'backfill', importing: 'backfill', seed: 'backfill', seeding: 'backfill', ingest: 'backfill',
  disabling: 'disable', deactivate: 'disable', bypass: 'disable', bypassing: 'disable', kill: 'cancel',
  authentication: 'auth', authn: 'auth', login: 'auth', logins: 'auth', signin: 'auth', sso: 'auth', mfa: 'auth', '2fa': 'auth', password: 'auth', passwords: 'auth',
  features: 'feature', complexity: 'feature',
  indexes: 'index', indices: 'index', build: 'create', add: 'create', adding: 'create', creating: 'create',
  terminate: 'cancel', halting: 'halt', stopping: 'stop',
  queries: 'query',
  ban: 'block', blacklist: 'block', denylist: 'block', ips: 'ip',
  calls: 'call', requests: 'call', request: 'call',
  records: 'rows', row: 'rows',
  sessions: 'session', tables: 'table', schemas: 'schema',
  expired: 'old', stale: 'old', outdated: 'old', older: 'old',
  truncating: 'truncate',
  tests: 'tested', test: 'tested', testing: 'tested', ci: 'tested', qa: 'tested',
  pii: 'data',
  layout: 'spacing', layouts: 'spacing',
  reads: 'read',
};

export const ENV_WORDS: Record<string, Exclude<Environment, 'unspecified'>> = {
  production: 'production', prod: 'production', prd: 'production', live: 'production',
  staging: 'staging', stage: 'staging', stg: 'staging', preprod: 'staging',
  development: 'development', dev: 'development', local: 'development',
  sample: 'sample', demo: 'sample',
};

export const HARMONIC_WORDS = new Set(['limit', 'limits', 'limited', 'capped', 'throttled', 'throttle', 'throttling', 'gradual', 'gradually', 'rate_limited', 'ratelimited', 'batched', 'batch', 'batching', 'incremental', 'incrementally', 'phased', 'chunked', 'slowly', 'paced']);
export const STRONG_BRUTE_WORDS = new Set(['unthrottled', 'brute_force', 'at_once', 'unlimited', 'unbatched']);
export const WEAK_BRUTE_WORDS = new Set(['mass', 'bulk', 'all', 'everything']);
/** Verbs that change what is asked when the chosen phrase did not consume them ("delete the backup"). */
export const CONTRARY_VERBS = new Set(['stop', 'halt', 'abort', 'pause', 'prevent', 'cancel', 'disable', 'skip', 'block', 'freeze', 'restore', 'delete', 'truncate', 'rollback', 'enable']);
export const CLAUSE_BREAKS = new Set(['and', 'then', 'also', 'plus', 'afterwards', ',', ';', '&']);

/** Words that carry no meaning for the kind or the target. */
export const STOPWORDS = new Set([
  'a', 'an', 'the', 'to', 'on', 'of', 'in', 'into', 'for', 'from', 'at', 'with', 'by', 'our', 'my', 'this', 'that', 'these', 'those', 'its', 'it',
  'please', 'approve', 'roman', 'r.o.m.a.n', 'r.o.m.a.n.', 'can', 'could', 'you', 'i', 'we', 'want', 'would', 'like', 'lets', 'let', 's', 'go', 'do', 'run', 'now', 'immediately', 'asap', 'right', 'away',
  'entire', 'whole', 'operation', 'operations', 'system', 'environment', 'env', 'server', 'failed', 'failing', 'broken', 'last', 'previous', 'latest', 'recent',
  'during', 'incident', 'outage', 'emergency', 'ratio', 'following', 'golden', 'phi', 'proportions', 'job', 'task', 'some', 'any', 'mode',
  'need', 'needs', 'needed', 'should', 'will', 'shall', 'may', 'might', 'must', 'is', 'are', 'be', 'been', 'being', 'was', 'were', 'am',
  'kindly', 'just', 'quickly', 'straight', 'directly', 'today', 'tonight', 'ok', 'okay', 'hey', 'hi', 'pls', 'plz', 'me', 'us', 'them', 'their', 'your', 'his', 'her',
  'perform', 'performing', 'execute', 'executing', 'start', 'kick', 'off', 'trigger', 'make', 'take', 'taking', 'carry', 'out', 'have', 'get', 'new',
  'tested', 'requesting', 'request_approval', 'permission', 'approval', 'ask', 'asking', 'going', 'gonna', 'wanna', 'about', 'up', 'over', 'there', 'here', 'so', 'safely', 'safe',
]);

/** Words of a target that name its type rather than the object itself. */
export const TARGET_NOUNS = new Set(['schema', 'table', 'column', 'service', 'app', 'api', 'cluster', 'instance']);

/** Negators: they govern the next meaningful word. */
const NEGATORS = new Set(['no', 'not', 'never', 'without', 'nor', 'neither', 'none', 'zero', 'skip', 'skipping', 'skipped', 'omit', 'omitting', 'dont', 'cant', 'wont']);
/** Words a negator may skip before the word it governs. */
const NEGATION_SKIP = new Set(['a', 'an', 'the', 'any', 'more', 'proper', 'further', 'real', 'actual', 'kind', 'sort', 'of', 'form', 'type', 'prior', 'first', 'be', 'being', 'been', 'do', 'does', 'did', 'is', 'are', 'to', 'at', 'even', 'ever', 'using', 'use', 'with', 'doing', 'having', 'have', 'running', 'applying', 'need', 'needing', 'taking', 'making', 'fresh', 'recent', 'current', 'some', 'all']);
/** Negated, these qualify the action harmlessly ("no downtime"): recorded, nothing changes. */
const NEUTRAL_WHEN_NEGATED = new Set(['rush', 'hurry', 'pressure', 'worries', 'problem', 'downtime', 'interruption', 'interruptions', 'disruption', 'impact', 'outage', 'locking', 'lock', 'locks', 'blocking', 'errors', 'data_loss']);

function flipOf(canon: string): { canon: string; kind: 'flipped' | 'no_backup' } | null {
  if (HARMONIC_WORDS.has(canon)) return { canon: 'unthrottled', kind: 'flipped' };
  if (STRONG_BRUTE_WORDS.has(canon)) return { canon: 'gradual', kind: 'flipped' };
  if (canon === 'tested') return { canon: 'untested', kind: 'flipped' };
  if (canon === 'backup') return { canon: '__no_backup__', kind: 'no_backup' };
  if (canon === 'auth') return { canon: 'noauth', kind: 'flipped' };
  if (canon === 'rls') return { canon: 'norls', kind: 'flipped' };
  return null;
}

/** A word the vocabulary knows (so "un"/"non" in front of it is a negation, not a different word). */
function known(canon: string): boolean {
  return (
    HARMONIC_WORDS.has(canon) ||
    STRONG_BRUTE_WORDS.has(canon) ||
    WEAK_BRUTE_WORDS.has(canon) ||
    canon in ENV_WORDS ||
    CONTRARY_VERBS.has(canon) ||
    canon === 'tested' ||
    canon === 'backup' ||
    canon === 'deploy' ||
    canon === 'migration' ||
    canon === 'auth' ||
    canon === 'rls' ||
    canon === 'insert' ||
    canon === 'backfill' ||
    canon === 'patch' ||
    canon === 'fix'
  );
}

const canonOf = (w: string): string => WORD_SYNONYMS[w] ?? w;

/** "un"/"non" + a known word → a negated token; null when the word is just a word ("unique"). */
/** Verbs that begin with "un" but name an action of their own (the catalogue's unblock_ip, restore_writes). */
const UN_VERBS = new Set(['unblock', 'unban', 'unfreeze', 'unlock']);

function prefixNegation(raw: string): Token | null {
  if (raw in WORD_SYNONYMS || STRONG_BRUTE_WORDS.has(raw) || raw === 'untested' || UN_VERBS.has(raw)) return null;
  const m = /^(un|non)(.{3,})$/.exec(raw);
  if (!m) return null;
  const stem = canonOf(m[2]);
  if (!known(stem)) return null;
  if (stem in ENV_WORDS) return { raw, canon: '__not_env__', negation: 'not_env' };
  const flip = flipOf(stem);
  if (flip) return { raw, canon: flip.canon, negation: flip.kind };
  return { raw, canon: `__negated__`, negation: 'blocked' };
}

function applyNegators(words: Token[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < words.length) {
    const w = words[i];
    if (!NEGATORS.has(w.canon)) {
      out.push(w);
      i++;
      continue;
    }
    // Find the governed word.
    let j = i + 1;
    let skipped = 0;
    while (j < words.length && NEGATION_SKIP.has(words[j].canon) && skipped < 3) {
      j++;
      skipped++;
    }
    if (j >= words.length || CLAUSE_BREAKS.has(words[j].canon)) {
      out.push({ raw: words.slice(i, j).map((t) => t.raw).join(' ') || w.raw, canon: '__negated__', negation: 'blocked' });
      i = j;
      continue;
    }
    const governed = words[j];
    if (NEGATORS.has(governed.canon)) {
      // Two negators cancel: "don't skip tests" asks for the tests.
      i = j + 1;
      continue;
    }
    const phrase = words.slice(i, j + 1).map((t) => t.raw).join(' ');
    const govern = (t: Token, raw: string): Token => {
      if (t.negation) return { raw, canon: '__negated__', negation: 'blocked' };
      if (t.canon in ENV_WORDS) return { raw, canon: '__not_env__', negation: 'not_env' };
      const flip = flipOf(t.canon);
      if (flip) return { raw, canon: flip.canon, negation: flip.kind };
      if (NEUTRAL_WHEN_NEGATED.has(t.canon)) return { raw, canon: '__neutral__' };
      return { raw, canon: '__negated__', negation: 'blocked' };
    };
    out.push(govern(governed, phrase));
    i = j + 1;
    // "no throttling or batching": the negation carries over "or"/"nor".
    while (i + 1 < words.length && (words[i].canon === 'or' || words[i].canon === 'nor')) {
      out.push(govern(words[i + 1], `${words[i].raw} ${words[i + 1].raw}`));
      i += 2;
    }
  }
  return out.filter((t) => t.canon !== '__neutral__');
}

/**
 * Words of the text in clauses (split at "and", "then", commas…), each reduced to its canonical
 * word, with negation applied (see the module comment).
 */
export function tokenize(text: string): Token[][] {
  // A sentence end ("Deploy to staging. Drop the prod db.") separates clauses like a comma.
  let s = ` ${text.toLowerCase()} `.replace(/[.!?]+(?=\s)/g, ' , ');
  for (const [re, replacement] of PHRASE_SYNONYMS) s = s.replace(re, replacement);
  const clauses: Token[][] = [[]];
  for (const m of s.matchAll(/[a-z0-9_]+(?:\.[a-z0-9_]+)*|[,;&]/g)) {
    const raw = m[0];
    if (CLAUSE_BREAKS.has(raw) && raw !== 'and') {
      clauses.push([]);
      continue;
    }
    if (raw === 'and') {
      clauses[clauses.length - 1].push({ raw, canon: 'and' });
      continue;
    }
    const negated = prefixNegation(raw);
    clauses[clauses.length - 1].push(negated ?? { raw, canon: canonOf(raw) });
  }
  // Negation runs over the whole text so "no throttling and no batching" works, then "and" splits.
  const out: Token[][] = [];
  for (const clause of clauses) {
    const negatedClause = applyNegators(clause);
    let current: Token[] = [];
    for (const t of negatedClause) {
      if (t.canon === 'and') {
        out.push(current);
        current = [];
      } else current.push(t);
    }
    out.push(current);
  }
  return out.filter((c) => c.length > 0);
}
