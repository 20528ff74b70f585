/**
 * Tokens of a log message, with their variable parts masked — the first, generic stage of the
 * fingerprinter (no per-system regular expressions: the same rules for every source).
 *
 * A message is split on whitespace. Each token keeps what is constant and masks what is a value:
 *  - a segment (between delimiters such as `:`, `=`, `/`, `(`, `[`, `,`) that holds a digit is a
 *    value: numbers, ids, hex, IPs, ports, versions, durations (`5012ms`), UUIDs, timestamps;
 *    `blk_-1608` → `<*>`, `onExtend:1514038530000` → `onExtend:<*>`, `(uid=0)` → `(uid=<*>)`;
 *  - the value of `key=value` is a value (`user=root` → `user=<*>`), and a quoted value with
 *    spaces (`tag="View Lock",`) is one value;
 *  - a unit after a number joins it (`5.2 KB` → `<*>`, `waited 30 s` → `waited <*>`), so a size
 *    printed with and without its unit is the same pattern;
 *  - day and month names, long hex strings, e-mail addresses and URLs are values.
 * Everything else — including a word that is sometimes a value (a user name) — stays a word here;
 * the template miner decides from evidence (the word before it, how many different values appear
 * there and how often) whether that position is variable.
 */

export const WILDCARD = '<*>';

const HAS_DIGIT = /[0-9]/;
const UNITS = new Set([
  'b', 'kb', 'mb', 'gb', 'tb', 'kib', 'mib', 'gib', 'tib',
  'ms', 'us', 'µs', 'ns', 's', 'sec', 'secs', 'second', 'seconds', 'min', 'mins', 'minute', 'minutes',
  'h', 'hr', 'hrs', 'hour', 'hours', 'day', 'days', '%', 'kbps', 'mbps', 'gbps', 'rpm', 'ops', 'rps',
]);
const DAY_MONTH = new Set([
  'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  'jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
  'january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
]);
const LONG_HEX = /^(0x)?[0-9a-f]{8,}$/i;
/** `req_x8Kq2`, `cus_NffrFeUfNV2Hib`, `sess_abcdefgh`: a short lowercase prefix and an opaque id. */
const PREFIXED_ID = /^[a-z]{2,6}_[A-Za-z0-9]{8,}$/;
/** IPv6 (and MAC) addresses, also without a digit: `fe80::abcd`, `accd:beef::1`. */
const IPV6 = /^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}(%\w+)?$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;
const QUOTED_VALUE = /^([\w.$-]+)=(["'])(.*)\2([,;)\]}]*)$/;
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** True when a token is (or holds) a masked value. */
export function hasWildcard(token: string): boolean {
  return token.includes(WILDCARD);
}

/** Letters of a token without its masked parts: two tokens with equal letters differ only in values. */
export function letters(token: string): string {
  return token.replaceAll(WILDCARD, '').replace(/[^A-Za-z]/g, '').toLowerCase();
}

function stripPunct(token: string): string {
  return token.replace(/^[^A-Za-z0-9%µ]+|[^A-Za-z0-9%µ]+$/g, '');
}

function isUnit(token: string): boolean {
  const core = stripPunct(token).toLowerCase();
  if (!core) return false;
  if (core === 'bytes' || core === 'byte') return false; // "N bytes sent": the word is part of the sentence
  return UNITS.has(core);
}

/**
 * A number that is part of a word is not a value: `ipv6`, `utf8`, `http2`, `x86_64`, `eth0`, `s3`,
 * `md5`, `t761` (letters, some lowercase, with a short number), unlike `cn142a7`, `blk_123456`,
 * `bglio559`, or the upper-case indexes `IRQ0`, `CPU3`, `U11`.
 */
const WORD_WITH_NUMBER = /^(?=[^a-z]*[a-z])(?:[A-Za-z]{2,}\d{1,2}|[A-Za-z]\d{1,3}(?:_\d{1,2})?|[A-Za-z]{2,}\d[A-Za-z]{1,3}\d?)$/;
const EMPTY_BRACKETS = /^(\(\)|\[\]|\{\}|''|"")([,;:.]*)$/;

const DELIMITERS = new Uint8Array(128);
for (const c of ' \t:=,;()[]{}<>"\'|/\\@#&?!*+') DELIMITERS[c.charCodeAt(0)] = 1;

function isHexLetterRun(token: string, from: number, to: number): boolean {
  if (to - from < 8) return false;
  for (let i = from; i < to; i++) {
    const c = token.charCodeAt(i) | 0x20;
    if (!((c >= 0x61 && c <= 0x66) || (c >= 0x30 && c <= 0x39))) return false;
  }
  return true;
}

/** Masks the digit-holding segments of a token (and the value of key=value). */
function maskSegments(token: string): string {
  let out = '';
  let afterEquals = false;
  let i = 0;
  const n = token.length;
  while (i < n) {
    const code = token.charCodeAt(i);
    if (code < 128 && DELIMITERS[code] === 1) {
      out += token[i];
      afterEquals = code === 61; // '='
      i++;
      continue;
    }
    let j = i;
    let digit = false;
    while (j < n) {
      const c = token.charCodeAt(j);
      if (c < 128 && DELIMITERS[c] === 1) break;
      if (c >= 48 && c <= 57) digit = true;
      j++;
    }
    if (afterEquals || (digit && !WORD_WITH_NUMBER.test(token.slice(i, j))) || isHexLetterRun(token, i, j)) {
      // collapse "<*>:<*>" / "<*>,<*>" / "<*>.<*>" runs into one value (ip:port, lists of values)
      if (out.endsWith(WILDCARD)) {
        /* a value right before: this segment joins it */
      } else if (out.length > 3 && out.endsWith('>', out.length - 1) && /<\*>[:,.]$/.test(out)) {
        out = out.slice(0, -1);
      } else {
        out += WILDCARD;
      }
    } else {
      out += token.slice(i, j);
    }
    afterEquals = false;
    i = j;
  }
  return out;
}

/** The masked form of one raw token (before unit joining). */
let coreStart = 0;
let coreEnd = 0;

/**
 * Is the token a plain word — letters and hyphens, maybe wrapped in punctuation — with no digit,
 * `=`, `@`, `_` or `:` inside? Leaves the bounds of its letters in coreStart/coreEnd.
 */
function isPlainWord(token: string): boolean {
  const n = token.length;
  let i = 0;
  // leading punctuation: ( " ' [
  while (i < n) {
    const c = token.charCodeAt(i);
    if (c === 40 || c === 34 || c === 39 || c === 91) i++;
    else break;
  }
  if (i > 1 || i >= n) return false;
  let c = token.charCodeAt(i) | 0x20;
  if (c < 97 || c > 122) return false;
  let j = i + 1;
  for (; j < n; j++) {
    const d = token.charCodeAt(j);
    const l = d | 0x20;
    if ((l >= 97 && l <= 122) || d === 45) continue;
    break;
  }
  coreStart = i;
  coreEnd = j;
  // trailing punctuation: ) " ' ] , . ; : ! ?
  for (; j < n; j++) {
    c = token.charCodeAt(j);
    if (c === 41 || c === 34 || c === 39 || c === 93 || c === 44 || c === 46 || c === 59 || c === 58 || c === 33 || c === 63) continue;
    return false;
  }
  return true;
}

export function maskToken(token: string): string {
  if (isPlainWord(token)) {
    // the common case: a plain word, a value only when it is a day or month name or long hex
    const len = coreEnd - coreStart;
    if (len >= 3 && len <= 9) {
      const core = token.slice(coreStart, coreEnd);
      if (DAY_MONTH.has(core.toLowerCase())) return token.slice(0, coreStart) + WILDCARD + token.slice(coreEnd);
    } else if (len >= 8 && LONG_HEX.test(token.slice(coreStart, coreEnd))) {
      return token.slice(0, coreStart) + WILDCARD + token.slice(coreEnd);
    }
    return token;
  }
  if (token.length <= 4) {
    const empty = EMPTY_BRACKETS.exec(token);
    if (empty) return `${empty[1]![0]}${WILDCARD}${empty[1]![1]}${empty[2]}`; // "()" is an empty value
  }
  if (token.includes('="') || token.includes("='")) {
    const quoted = QUOTED_VALUE.exec(token);
    if (quoted) return `${quoted[1]}=${WILDCARD}${quoted[4]}`;
  }
  const hasDigit = HAS_DIGIT.test(token);
  if (!hasDigit && !token.includes('=') && !token.includes('@') && !token.includes('://')) {
    const core = stripPunct(token);
    if (core && (DAY_MONTH.has(core.toLowerCase()) || LONG_HEX.test(core) || PREFIXED_ID.test(core) || (core.includes('::') && IPV6.test(core)))) {
      return token.replace(core, WILDCARD);
    }
    return token;
  }
  if (token.includes('://') || token.includes('@') || token.includes('::') || (token.match(/:/g)?.length ?? 0) >= 5) {
    const core = stripPunct(token);
    if (URL_LIKE.test(core) || EMAIL.test(core) || IPV6.test(core)) return token.replace(core, WILDCARD);
  }
  return maskSegments(token);
}

/**
 * Splits on whitespace, joining a `key="quoted value with spaces"` back into one token.
 * At most `maxTokens` tokens are kept; the rest of a very long message is one trailing value.
 */
export function splitTokens(message: string, maxTokens = 120): string[] {
  const raw = message.trim().split(/\s+/);
  if (raw.length === 1 && raw[0] === '') return [];
  if (raw.length <= maxTokens && !message.includes('="')) return raw;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    let t = raw[i]!;
    if (t.includes('="') && /^[\w.-]+="[^"]*$/.test(t)) {
      let j = i + 1;
      while (j < raw.length && j - i <= 8 && !raw[j]!.includes('"')) j++;
      if (j < raw.length && j - i <= 8) {
        t = raw.slice(i, j + 1).join(' ');
        i = j;
      }
    }
    out.push(t);
  }
  if (out.length > maxTokens) {
    const head = out.slice(0, maxTokens - 1);
    head.push(out.slice(maxTokens - 1).join(' '));
    return head;
  }
  return out;
}

/** The masked tokens of a message; units following a value are folded into it. */
export function maskMessage(message: string): string[] {
  const raw = splitTokens(message);
  const out: string[] = [];
  const words: string[] = [];
  for (const token of raw) {
    const masked = maskToken(token);
    const prev = out.length > 0 ? out[out.length - 1]! : undefined;
    if (prev !== undefined && prev.endsWith(WILDCARD) && !HAS_DIGIT.test(token) && isUnit(token)) {
      // "5.2 KB," → the value absorbs its unit, keeping the punctuation that follows it
      const trailing = /[^A-Za-z0-9%µ]*$/.exec(token)?.[0] ?? '';
      out[out.length - 1] = prev + trailing;
      continue;
    }
    out.push(masked);
    words.push(token);
  }
  return collapseRuns(out, words);
}

/** Only masked values and spaces: `<*>`, `<*> <*>` (the joined tail of a very long message). */
const ONLY_VALUES = /^<\*>( <\*>)*$/;

/**
 * Variable-length lists are one value: consecutive masked values collapse into one (`1 2 3 … 161`,
 * a date `Fri Jun 17 07:07:00 2005`), and so do runs of words with a number sharing their letters
 * (`cn14 cn15 cn16`, `dadmin2 dadmin3`), which alone would stay words (`eth0`).
 */
/** The letters of a word with a number kept as a word (`cn14` → `cn`), else null. */
function numberedShape(tokens: string[], raw: string[], i: number): string | null {
  const t = raw[i];
  if (t === undefined || tokens[i] !== t || !HAS_DIGIT.test(t)) return null;
  const l = t.replace(/[^A-Za-z]/g, '');
  return l ? l.toLowerCase() : null;
}

function collapseRuns(tokens: string[], raw: string[]): string[] {
  const n = tokens.length;
  if (n < 2) return tokens;
  // the common case: nothing to collapse (no two values in a row, no joined tail, no numbered words)
  let work = false;
  for (let i = 0; i < n && !work; i++) {
    const t = tokens[i]!;
    if (t === WILDCARD) work = i > 0 && tokens[i - 1] === WILDCARD;
    else if (t.charCodeAt(0) === 60) work = t.startsWith(WILDCARD + ' ');
    else if (t === raw[i]) work = HAS_DIGIT.test(t);
  }
  if (!work) return tokens;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let t = tokens[i]!;
    if (t !== WILDCARD && t.charCodeAt(0) === 60 && ONLY_VALUES.test(t)) t = WILDCARD;
    else if (t === raw[i] && HAS_DIGIT.test(t)) {
      const s = numberedShape(tokens, raw, i);
      if (s !== null && (numberedShape(tokens, raw, i - 1) === s || numberedShape(tokens, raw, i + 1) === s)) t = WILDCARD;
    }
    if (t === WILDCARD && out.length > 0 && out[out.length - 1] === WILDCARD) continue;
    out.push(t);
  }
  return out;
}

/** A dotted name ending in an ALL_CAPS constant (`android.intent.action.SCREEN_ON`): an enum value, not a variable. */
export function isEnumConstant(token: string): boolean {
  return /\.[A-Z][A-Z0-9]*_[A-Z0-9_]+\W*$|\.[A-Z]{2,}\W*$/.test(token);
}

/** The punctuation around a token's letters and values: `(vdb):` and `(<*>):` share the frame `(_):`. */
export function frameOf(token: string): string {
  return token.replaceAll(WILDCARD, '_').replace(/[A-Za-z0-9_.-]+/g, '_');
}

/** Is this token a value by its look alone (a path, a dotted name, a quoted string, a masked value)? */
export function looksVariable(token: string): boolean {
  if (token === WILDCARD) return true;
  if (/^\/[^\s/]|[^\s/]\/[^\s/]|\\|:\/\//.test(token)) return true; // paths and URLs
  const core = stripPunct(token);
  if (!core) return false;
  if (/^["'].*["']$/.test(token.replace(/[,;:.)\]]+$/, '')) && token.length > 2) return true; // "quoted"
  if (/^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*){2,}$/.test(core)) return true; // dotted names a.b.c
  if (/^[\w-]+(\.[\w-]+)+\.[a-z]{2,}$/i.test(core)) return true; // host names
  return false;
}
