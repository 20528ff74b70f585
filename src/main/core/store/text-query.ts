/**
 * The search box's query language, compiled to FTS5 (never passed through: user text is quoted,
 * so FTS5 syntax such as `NEAR(`, `col:`, `^` or `AND` is plain text).
 *
 * - words are combined with AND: `timeout db-primary`
 * - `a OR b` matches either; OR binds tighter than AND: `error timeout OR refused` = error AND (timeout OR refused)
 * - `-word`, `NOT word`, `-"a phrase"` exclude records containing it
 * - `"a phrase"` matches those words in that order, exactly
 * - `conn*` matches words starting with `conn`
 * - a bare identifier-like word (letters with a digit or punctuation, e.g. `req_H3`, `u-42`)
 *   matches identifiers that START with it (`req_H3` finds `req_H3xk9`); quote it for an exact
 *   match. Numbers and addresses (`4242`, `10.0.0.5`) and plain words match whole words only
 *   (`10.0.0.5` does not find `10.0.0.50`; `4242*` asks for the prefix).
 * - a word without letters or digits (`->`, `*`) is matched as a substring of message/source/type
 * Only uppercase OR / NOT are operators. Bad syntax throws CacheInputError in the user's words.
 */
import { CacheInputError } from './query-error';

// unicode61 treats letters, numbers and private-use characters as token characters.
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;
const NON_TOKEN_CHAR = /[^\p{L}\p{N}\p{Co}]/u;
const DIGIT = /\p{N}/u;
const LETTER = /\p{L}/u;

export interface TextQuery {
  /** FTS5 MATCH expression every result must satisfy, or null. */
  match: string | null;
  /** FTS5 MATCH expression no result may satisfy (a query of exclusions only), or null. */
  exclude: string | null;
  /** Terms with no token characters (e.g. `"`, `*`, `->`): matched as plain substrings. */
  substrings: string[];
  /** Substring terms that must NOT occur. */
  notSubstrings: string[];
}

interface Term {
  /** FTS5 phrase (quoted, maybe with a trailing *), or null for a substring term. */
  fts: string | null;
  text: string;
  negated: boolean;
}

type Lexeme = { kind: 'or' } | { kind: 'not' } | { kind: 'term'; term: Term };

function quote(body: string): string {
  return `"${body.replace(/"/g, '""')}"`;
}

function wordTerm(word: string, negated: boolean): Term {
  if (word.length > 1 && word.endsWith('*')) {
    const body = word.slice(0, -1);
    if (TOKEN_CHAR.test(body)) return { fts: `${quote(body)}*`, text: word, negated };
  }
  if (!TOKEN_CHAR.test(word)) return { fts: null, text: word, negated };
  // Numbers and addresses (`4242`, `10.0.0.5`) match exactly; an identifier with letters matches as a prefix.
  const identifier = LETTER.test(word) && (DIGIT.test(word) || NON_TOKEN_CHAR.test(word));
  return { fts: `${quote(word)}${identifier ? '*' : ''}`, text: word, negated };
}

function lex(text: string): Lexeme[] {
  const out: Lexeme[] = [];
  // FTS5 reads its query as a C string: a NUL would end it mid-phrase. It is never meaningful text.
  const s = text.replace(/\0/g, ' ');
  let i = 0;
  while (i < s.length) {
    if (/\s/u.test(s[i])) {
      i++;
      continue;
    }
    let negated = false;
    if (s[i] === '-' && i + 1 < s.length && (s[i + 1] === '"' || TOKEN_CHAR.test(s[i + 1]))) {
      negated = true;
      i++;
    }
    if (s[i] === '"') {
      const close = s.indexOf('"', i + 1);
      if (close < 0) {
        throw new CacheInputError(`unbalanced quote: the phrase starting at ${s.slice(i, i + 20)} has no closing " (a phrase goes between two double quotes)`);
      }
      const body = s.slice(i + 1, close);
      i = close + 1;
      let prefix = false;
      if (s[i] === '*') {
        prefix = true;
        i++;
      }
      if (!body.trim()) throw new CacheInputError('empty phrase "": put the words to find between the quotes');
      const fts = TOKEN_CHAR.test(body) ? `${quote(body)}${prefix ? '*' : ''}` : null;
      out.push({ kind: 'term', term: { fts, text: body, negated } });
      continue;
    }
    let j = i;
    while (j < s.length && !/\s/u.test(s[j])) j++;
    const word = s.slice(i, j);
    i = j;
    if (!negated && word === 'OR') out.push({ kind: 'or' });
    else if (!negated && word === 'NOT') out.push({ kind: 'not' });
    else out.push({ kind: 'term', term: wordTerm(word, negated) });
  }
  return out;
}

/** Parses the search box text; throws CacheInputError (user-facing) on bad syntax. */
export function buildTextQuery(text: string): TextQuery {
  const lexemes = lex(text);
  // Apply NOT to the term after it.
  const items: ({ kind: 'or' } | { kind: 'term'; term: Term })[] = [];
  for (let k = 0; k < lexemes.length; k++) {
    const l = lexemes[k];
    if (l.kind === 'not') {
      const next = lexemes[k + 1];
      if (!next || next.kind !== 'term') throw new CacheInputError('NOT must be followed by a word or "phrase" to exclude (e.g. timeout NOT retry)');
      if (next.term.negated) throw new CacheInputError(`NOT -${next.term.text} excludes twice; write one of them`);
      items.push({ kind: 'term', term: { ...next.term, negated: true } });
      k++;
    } else items.push(l);
  }
  // Group terms joined by OR.
  const groups: Term[][] = [];
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    if (it.kind === 'or') {
      const prev = groups[groups.length - 1];
      const next = items[k + 1];
      if (k === 0 || !prev || !next || next.kind !== 'term') {
        throw new CacheInputError('OR needs a word on each side (e.g. timeout OR refused)');
      }
      prev.push(next.term);
      k++;
    } else groups.push([it.term]);
  }
  const positive: string[] = [];
  const negative: string[] = [];
  const substrings: string[] = [];
  const notSubstrings: string[] = [];
  for (const g of groups) {
    if (g.length === 1) {
      const t = g[0];
      if (t.fts === null) (t.negated ? notSubstrings : substrings).push(t.text);
      else (t.negated ? negative : positive).push(t.fts);
      continue;
    }
    for (const t of g) {
      if (t.negated) throw new CacheInputError(`cannot combine OR with an exclusion (-${t.text}): exclude it separately, e.g. a OR b -${t.text}`);
      if (t.fts === null) throw new CacheInputError(`"${t.text}" has no letters or digits, so it cannot be part of an OR`);
    }
    positive.push(`(${g.map((t) => t.fts).join(' OR ')})`);
  }
  const neg = negative.length ? negative.join(' OR ') : null;
  if (positive.length === 0) return { match: null, exclude: neg, substrings, notSubstrings };
  const pos = positive.join(' AND ');
  return { match: neg ? `(${pos}) NOT (${neg})` : pos, exclude: null, substrings, notSubstrings };
}
