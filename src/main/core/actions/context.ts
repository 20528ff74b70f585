/**
 * Purpose and circumstance clauses of a request: "X before Y", "X while Y is ongoing", "X during Y",
 * "X so that Y", "X to stop Y", "During Y, X". X is the action; Y is context and never a second
 * action. A context that names an ongoing incident (outage, incident, breach, the system being
 * down…) never lowers caution: it makes the system count as unstable for the decision, so an action
 * that adds entropy is rejected while fixes and rollbacks stay allowed.
 */

export interface RequestContext {
  /** The connector and the clause as written: "while the outage is ongoing". */
  text: string;
  /** The clause names an incident that is going on now. */
  incident: boolean;
}

/** Connectors that start a context clause after the action. */
const TRAILING = [
  'before', 'ahead of', 'prior to', 'while', 'whilst', 'during', 'so that', 'so we can', 'so it', 'in order to', 'because', 'since', 'as soon as',
  'once', 'until', 'till', 'after', 'when', 'in preparation for', 'in case', 'given that', 'now that', 'amid', 'amidst', 'in the middle of', 'mid',
  'even though', 'even if', 'although', 'though', 'despite', 'in spite of', 'regardless of', 'notwithstanding',
];
/** "to <verb>" purposes: "vacuum the orders table to reclaim space". */
const PURPOSE_VERBS = [
  'reclaim', 'free', 'stop', 'prevent', 'fix', 'reduce', 'speed', 'improve', 'recover', 'protect', 'prepare', 'mitigate', 'contain', 'avoid', 'keep',
  'resolve', 'address', 'help', 'support', 'save', 'cut', 'lower', 'limit', 'ease', 'relieve', 'handle', 'deal', 'make', 'get', 'unblock', 'clear', 'close', 'patch',
  'restore', 'recover', 'secure', 'shore', 'stabilise', 'stabilize', 'calm', 'end', 'finish', 'allow', 'enable', 'let', 'unlock', 'comply', 'satisfy', 'match',
];

const INCIDENT_WORDS = /\b(incidents?|outages?|breach(es)?|attacks?|down|downtime|degraded|degradation|emergency|burning|unstable|unhealthy|firing|alerts?|pag(ed|ing)|overloaded|saturated|time?outs?|timing out|5xx|500s|latency|data loss|losing data|leak(ing|ed)?|hacked|sev[\s-]?[0-2]|p[0-1]|firefight\w*|on fire|meltdown|crash(es|ing|ed)?|failing|broken|spik(e|es|ing)|errors?|ddos|intrusion|compromised?)\b/;
const ONGOING = /\b(ongoing|on-going|still|currently|in progress|underway|active|happening|right now|is down|are down|going on|live|unfolding|continu\w+)\b/;
/** Connectors that place the action inside the clause's time span. */
const SIMULTANEOUS = new Set([
  'while', 'whilst', 'during', 'because', 'since', 'given that', 'now that', 'amid', 'amidst', 'in the middle of', 'mid', 'to',
  'even though', 'even if', 'although', 'though', 'despite', 'in spite of', 'regardless of', 'notwithstanding',
]);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
const TRAILING_RE = new RegExp(`(?<!\\bat\\s+)\\b(${TRAILING.map(escape).join('|')})\\b`, 'i');
const PURPOSE_RE = new RegExp(`\\b(to|in order to)\\s+(${PURPOSE_VERBS.join('|')})\\b`, 'i');

function contextOf(connector: string, clause: string): RequestContext {
  const lower = clause.toLowerCase();
  const c = connector.toLowerCase().replace(/\s+/g, ' ');
  const incidentNamed = INCIDENT_WORDS.test(lower);
  const ongoing = SIMULTANEOUS.has(c) || ONGOING.test(lower);
  return { text: `${connector} ${clause}`.replace(/\s+/g, ' ').trim(), incident: incidentNamed && ongoing };
}

/**
 * A "while/whilst/as/and meanwhile" clause that is itself a request ("while deleting the prod db",
 * "while we drop the table") is a second action, not context. The clause is one when it starts with
 * a verb in -ing form or with a pronoun (we, I, you, they).
 */
export function contextIsSecondAction(context: RequestContext): boolean {
  const m = /^(while|whilst|during|as well as|meanwhile|at the same time as|and)\s+(.*)$/i.exec(context.text);
  if (!m) return false;
  const [first = '', second = ''] = m[2].trim().toLowerCase().split(/\s+/);
  const stateVerb = /^(are|is|am|were|was|have|has|had|still|re|can|cannot|wait)$/.test(second);
  return (/^(we|i|you|they|also|simultaneously)$/.test(first) && !stateVerb) || (/^[a-z]+ing$/.test(first) && !/^(ongoing|during|nothing|something|everything|morning|evening|thing|spring|string)$/.test(first));
}

/**
 * Splits a request into the action part and its context clause (if any). A request that starts with
 * a connector ("During the outage, roll back the release") takes the action after the first comma.
 */
export function splitContext(text: string): { action: string; context: RequestContext | null } {
  const trimmed = text.trim();
  const leading = new RegExp(`^(${TRAILING.map(escape).join('|')})\\b`, 'i').exec(trimmed);
  if (leading) {
    const comma = trimmed.search(/[,;:]/);
    if (comma > 0) {
      return { action: trimmed.slice(comma + 1), context: contextOf(leading[1], trimmed.slice(leading[0].length, comma)) };
    }
    return { action: trimmed, context: null };
  }
  const purpose = PURPOSE_RE.exec(trimmed);
  const trailing = TRAILING_RE.exec(trimmed);
  const candidates = [purpose, trailing].filter((m): m is RegExpExecArray => m !== null && m.index > 0);
  if (candidates.length === 0) return { action: trimmed, context: null };
  const first = candidates.reduce((a, b) => (b.index < a.index ? b : a));
  const connector = first === purpose ? first[1] : first[1];
  const rest = trimmed.slice(first.index + connector.length);
  return { action: trimmed.slice(0, first.index), context: contextOf(connector, rest) };
}

/**
 * An incident named in the action part itself ("deploy to prod (outage ongoing)", "mid-incident
 * deploy", "hotfix, site is down"): any mention of an incident, outage, breach or attack, or of the
 * system being down, counts — caution is never lowered by where the words stand.
 */
export function namesIncident(text: string): boolean {
  return /\b(mid[\s-]?)?(incidents?|outages?|breach(es)?|attacks?|ddos|sev[\s-]?[0-2]|meltdown|(is|are|went|site|system|db|database|prod|production|service|app|api|everything)\s+(down|on\s+fire))\b/i.test(text);
}
