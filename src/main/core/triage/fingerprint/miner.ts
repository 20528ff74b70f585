/**
 * The template miner: an online log-template learner of the Drain family (He et al. 2017), with
 * generic evidence instead of per-source tuning.
 *
 *  1. Masking (tokens.ts) turns a message into a shape: its tokens with values masked.
 *  2. Shapes are cached: a shape seen before maps to its template in O(1).
 *  3. A new shape is compared with the templates of its length (Drain's first layer). It joins the
 *     closest template when every differing position is a value — both sides masked, a path, a
 *     dotted name, a quoted string, or a word right after a word that introduces a value ("user",
 *     "host", "table", …). Two different plain words never merge online: "VM Started" and
 *     "VM Paused" are two events.
 *  4. `consolidate()` (run after a batch, and by the app after each sync) merges with statistics
 *     what online evidence could not decide:
 *       - templates that differ only in one word position whose values are many and mostly seen
 *         once (a user name, a table name): that position is a value;
 *       - templates of different lengths whose constant words are the same sequence (an optional
 *         "(18.4 KB)", a value printed as two tokens): one event.
 *
 * Identity: a template's id is derived from the shape that founded it, so the same founding
 * message gives the same id on every machine. A merge never re-keys: the merged template keeps its
 * id as an alias of the survivor (the older one) and the merge is recorded in `merges`.
 */
import { createHash } from 'node:crypto';
import { WILDCARD, frameOf, hasWildcard, isEnumConstant, letters, looksVariable, maskMessage } from './tokens';

/** Words after which the next word is a value ("for user root", "table customers"). */
const VALUE_CUES = new Set([
  'user', 'users', 'username', 'account', 'login', 'host', 'hostname', 'domain', 'client', 'peer', 'instance',
  'node', 'server', 'file', 'filename', 'path', 'dir', 'directory', 'folder', 'table', 'database', 'db', 'schema',
  'name', 'column', 'role', 'queue', 'topic', 'bucket', 'container', 'pod', 'namespace', 'uid', 'pid', 'url', 'uri', 'ip',
  'address', 'addr', 'email', 'tenant', 'org', 'organization', 'project', 'device', 'port', 'channel',
  'provider', 'endpoint', 'customer', 'relation', 'index', 'function', 'extension', 'policy', 'constraint', 'branch',
  'commit', 'image', 'volume', 'region', 'zone', 'cluster', 'package', 'module',
]);

export interface TemplateRecord {
  id: string;
  seq: number;
  tokens: string[];
  /** Positions generalised from words (they accept a plain word). */
  wordVar: number[];
  count: number;
  /** Set when this template was merged into another: its survivor. */
  mergedInto?: string;
  createdAt: number;
}

export interface MergeRecord {
  from: string;
  into: string;
  reason: 'word-position' | 'lengths';
  at: number;
}

export interface MinerSnapshot {
  version: 1;
  seq: number;
  templates: TemplateRecord[];
  shapes: Array<[string, string]>;
  merges: MergeRecord[];
}

export interface MatchResult {
  /** The id of the pattern (the survivor after merges). */
  id: string;
  /** The readable template of the pattern. */
  template: string;
  /** The masked tokens of this message. */
  tokens: string[];
  /** True when the message created a new template. */
  created: boolean;
}

interface Template {
  id: string;
  seq: number;
  tokens: string[];
  /** tokens.join(' '), kept while the tokens do not change. */
  text?: string;
  wordVar: Set<number>;
  count: number;
  mergedInto?: string;
  createdAt: number;
}

type Diff = 'eq' | 'var' | 'word';

const SHAPE_SEP = '\u0001';
const SNAPSHOT_SHAPES = 20_000;
const KEY_OF = /^[([{"']?([A-Za-z_][\w.-]*)=/;
/** A dictionary word, maybe hyphenated and wrapped in punctuation: "(run-parts", "Started,". */
const PLAIN_WORD = /^[(["']?[A-Za-z][a-z]*(-[a-z]+)*[)\]"',.:;]*$/;
const KEBAB_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/;

function stripPunct(token: string): string {
  return token.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '').toLowerCase();
}

function stripPunctKeepCase(token: string): string {
  return token.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** Only values and punctuation: `<*>`, `(<*>)`, `[<*>]`, `<*>,`. */
function isPureValue(token: string): boolean {
  return hasWildcard(token) && letters(token) === '';
}

/** A value for the skeleton of a template: masked, or a path / dotted name (`(/var/lib/a`, `com.x.Y.run:<*>`). */
function isValueLike(token: string): boolean {
  if (isPureValue(token)) return true;
  // `key=value` keeps its key (`typ=<*>/vnd.x`), an enum names a state (`action.SCREEN_ON`)
  if (token.includes('=') || isEnumConstant(token)) return false;
  return looksVariable(token.replaceAll(WILDCARD, '')) || looksVariable(token.replaceAll(WILDCARD, 'x'));
}

function sameLengthWordDifference(group: Template[]): boolean {
  for (let i = 0; i < group.length; i++) {
    for (let j = i + 1; j < group.length; j++) {
      const a = group[i]!.tokens;
      const b = group[j]!.tokens;
      if (a.length !== b.length) continue;
      for (let p = 0; p < a.length; p++) if (a[p] !== b[p] && !isPureValue(a[p]!) && !isPureValue(b[p]!)) return true;
    }
  }
  return false;
}

function textOf(t: Template): string {
  return (t.text ??= t.tokens.join(' '));
}

export function templateId(tokens: string[]): string {
  return 'p' + createHash('sha1').update(`${tokens.length}${SHAPE_SEP}${tokens.join(SHAPE_SEP)}`).digest('hex').slice(0, 15);
}

export interface MinerOptions {
  /** Minimum share of equal tokens for a shape to join a template of its length. */
  minSimilarity?: number;
  /** Shapes kept in the exact-match cache (oldest dropped first). */
  maxShapes?: number;
  clock?: () => number;
}

export class TemplateMiner {
  private readonly byId = new Map<string, Template>();
  private readonly byLength = new Map<number, Template[]>();
  private readonly shapes = new Map<string, string>();
  private readonly mergeLog: MergeRecord[] = [];
  private seq = 0;
  private readonly minSimilarity: number;
  private readonly maxShapes: number;
  private readonly clock: () => number;

  constructor(options: MinerOptions = {}) {
    this.minSimilarity = options.minSimilarity ?? 0.3;
    this.maxShapes = options.maxShapes ?? 200_000;
    this.clock = options.clock ?? Date.now;
  }

  /** Learns from one message and returns its pattern. */
  learn(message: string): MatchResult {
    const tokens = maskMessage(message);
    const key = tokens.join(SHAPE_SEP);
    const known = this.shapes.get(key);
    if (known !== undefined) {
      const root = this.root(known);
      root.count++;
      return { id: root.id, template: textOf(root), tokens, created: false };
    }
    const best = this.bestCandidate(tokens);
    let created = false;
    let target: Template;
    if (best) {
      target = best.template;
      this.generalise(target, tokens, best.diffs);
    } else {
      target = this.create(tokens);
      created = true;
    }
    this.rememberShape(key, target.id);
    const root = this.root(target.id);
    root.count++;
    return { id: root.id, template: textOf(root), tokens, created };
  }

  /** The pattern of a message without learning from it (undefined when no template fits). */
  match(message: string): MatchResult | undefined {
    const tokens = maskMessage(message);
    const known = this.shapes.get(tokens.join(SHAPE_SEP));
    if (known !== undefined) {
      const root = this.root(known);
      return { id: root.id, template: textOf(root), tokens, created: false };
    }
    const best = this.bestCandidate(tokens);
    if (!best) return undefined;
    const root = this.root(best.template.id);
    return { id: root.id, template: textOf(root), tokens, created: false };
  }

  /** Resolves an id (possibly merged away) to the id of its surviving pattern. */
  resolve(id: string): string | undefined {
    return this.byId.has(id) ? this.root(id).id : undefined;
  }

  templateOf(id: string): string | undefined {
    return this.byId.has(id) ? this.root(id).tokens.join(' ') : undefined;
  }

  get merges(): readonly MergeRecord[] {
    return this.mergeLog;
  }

  /** The surviving patterns, most frequent first. */
  patterns(): Array<{ id: string; template: string; count: number; aliases: string[] }> {
    const aliases = new Map<string, string[]>();
    for (const t of this.byId.values()) {
      if (t.mergedInto) {
        const r = this.root(t.id).id;
        aliases.set(r, [...(aliases.get(r) ?? []), t.id]);
      }
    }
    return [...this.byId.values()]
      .filter((t) => !t.mergedInto)
      .sort((a, b) => b.count - a.count || a.seq - b.seq)
      .map((t) => ({ id: t.id, template: t.tokens.join(' '), count: t.count, aliases: aliases.get(t.id) ?? [] }));
  }

  /**
   * Statistical merges over everything learnt so far. Returns the merges it made (also kept in
   * `merges`). Deterministic: the same messages in the same order give the same merges.
   */
  consolidate(): MergeRecord[] {
    const made: MergeRecord[] = [];
    made.push(...this.mergeWordPositions());
    made.push(...this.mergeAcrossLengths());
    return made;
  }

  snapshot(): MinerSnapshot {
    return {
      version: 1,
      seq: this.seq,
      templates: [...this.byId.values()].map((t) => ({
        id: t.id,
        seq: t.seq,
        tokens: [...t.tokens],
        wordVar: [...t.wordVar].sort((a, b) => a - b),
        count: t.count,
        ...(t.mergedInto ? { mergedInto: t.mergedInto } : {}),
        createdAt: t.createdAt,
      })),
      // the newest shapes only: a shape not kept is matched again by comparison (same result)
      shapes: [...this.shapes.entries()].slice(-SNAPSHOT_SHAPES),
      merges: [...this.mergeLog],
    };
  }

  static restore(snapshot: MinerSnapshot, options: MinerOptions = {}): TemplateMiner {
    if (!snapshot || snapshot.version !== 1 || !Array.isArray(snapshot.templates)) {
      throw new Error('not a template snapshot of version 1');
    }
    const miner = new TemplateMiner(options);
    miner.seq = snapshot.seq;
    for (const r of [...snapshot.templates].sort((a, b) => a.seq - b.seq)) {
      const t: Template = {
        id: r.id,
        seq: r.seq,
        tokens: [...r.tokens],
        wordVar: new Set(r.wordVar),
        count: r.count,
        ...(r.mergedInto ? { mergedInto: r.mergedInto } : {}),
        createdAt: r.createdAt,
      };
      miner.byId.set(t.id, t);
      miner.bucket(t.tokens.length).push(t);
    }
    for (const [shape, id] of snapshot.shapes) if (miner.byId.has(id)) miner.shapes.set(shape, id);
    miner.mergeLog.push(...snapshot.merges);
    return miner;
  }

  // ---- internals ----

  private bucket(length: number): Template[] {
    let b = this.byLength.get(length);
    if (!b) {
      b = [];
      this.byLength.set(length, b);
    }
    return b;
  }

  private root(id: string): Template {
    let t = this.byId.get(id)!;
    if (!t.mergedInto) return t;
    let guard = 0;
    while (t.mergedInto && guard++ < 1000) t = this.byId.get(t.mergedInto)!;
    return t;
  }

  private create(tokens: string[]): Template {
    let id = templateId(tokens);
    while (this.byId.has(id)) id = templateId([...tokens, String(this.seq)]);
    const t: Template = { id, seq: this.seq++, tokens: [...tokens], wordVar: new Set(), count: 0, createdAt: this.clock() };
    this.byId.set(id, t);
    this.bucket(tokens.length).push(t);
    return t;
  }

  private rememberShape(key: string, id: string): void {
    if (this.shapes.size >= this.maxShapes) {
      const oldest = this.shapes.keys().next().value;
      if (oldest !== undefined) this.shapes.delete(oldest);
    }
    this.shapes.set(key, id);
  }

  private isCue(tokens: string[], p: number): boolean {
    if (p === 0) return false;
    const prev = tokens[p - 1]!;
    if (hasWildcard(prev)) return false;
    return VALUE_CUES.has(stripPunct(prev));
  }

  private diff(t: Template, tokens: string[], p: number): Diff {
    const a = t.tokens[p]!;
    const b = tokens[p]!;
    if (a === b) return 'eq';
    // `num=<*>,flags=<*>` and `topActivity=<*>` name different fields: the key is constant
    if (a.indexOf('=') > 0 && b.indexOf('=') > 0) {
      const ka = KEY_OF.exec(a);
      const kb = ka ? KEY_OF.exec(b) : null;
      if (ka && kb && ka[1] !== kb[1]) return 'word';
    }
    if (a === WILDCARD) {
      if (t.wordVar.has(p)) return 'var';
      // a slot that holds values also takes a name-like word there ("db-primary" among "web-1", "web-2")
      return hasWildcard(b) || looksVariable(b) || KEBAB_NAME.test(stripPunct(b)) || /[0-9]/.test(b) ? 'var' : 'word';
    }
    const aw = hasWildcard(a);
    const bw = hasWildcard(b);
    if (aw && bw) return letters(a) === letters(b) || looksVariable(a) || looksVariable(b) ? 'var' : 'word';
    if (aw || bw) {
      const plain = aw ? b : a;
      const masked = aw ? a : b;
      if (looksVariable(plain)) return 'var';
      // a word with a number ("bglio46") where others have values ("bglio559" → <*>)
      if (isPureValue(masked) && /[0-9]/.test(plain)) return 'var';
      if (isPureValue(masked) && (this.isCue(t.tokens, p) || (frameOf(masked) !== '_' && frameOf(masked) === frameOf(plain)))) return 'var';
      return 'word';
    }
    if (isEnumConstant(a) && isEnumConstant(b)) return 'word';
    // a path or dotted name is a value, but not in place of a plain dictionary word: that is another
    // event ("(root) CMD (run-parts /etc/cron.hourly)" / "(root) CMD (/projects/tbird/temps/get_temps a)")
    if ((looksVariable(a) && !PLAIN_WORD.test(b)) || (looksVariable(b) && !PLAIN_WORD.test(a))) return 'var';
    if (this.isCue(t.tokens, p)) return 'var';
    return 'word';
  }

  private bestCandidate(tokens: string[]): { template: Template; diffs: Diff[] } | undefined {
    const n = tokens.length;
    const bucket = this.byLength.get(n);
    if (!bucket) return undefined;
    let best: { template: Template; diffs: Diff[]; eq: number; vars: number } | undefined;
    for (const t of bucket) {
      const diffs: Diff[] = new Array(n);
      let eq = 0;
      let vars = 0;
      let ok = true;
      for (let p = 0; p < n; p++) {
        const d = this.diff(t, tokens, p);
        if (d === 'word') {
          ok = false;
          break;
        }
        diffs[p] = d;
        if (d === 'eq') eq++;
        else vars++;
      }
      if (!ok) continue;
      if (n > 2 && eq / n < this.minSimilarity) continue;
      if (!best || eq > best.eq || (eq === best.eq && (vars < best.vars || (vars === best.vars && t.seq < best.template.seq)))) {
        best = { template: t, diffs, eq, vars };
      }
    }
    return best;
  }

  private generalise(t: Template, tokens: string[], diffs: Diff[]): void {
    for (let p = 0; p < tokens.length; p++) {
      if (diffs[p] !== 'var') continue;
      const a = t.tokens[p]!;
      const b = tokens[p]!;
      if (a === WILDCARD) continue;
      if (!hasWildcard(a) || !hasWildcard(b)) t.wordVar.add(p);
      t.tokens[p] = WILDCARD;
      t.text = undefined;
    }
  }

  private merge(into: Template, from: Template, reason: MergeRecord['reason']): MergeRecord {
    from.mergedInto = into.id;
    into.count += from.count;
    from.count = 0;
    const record: MergeRecord = { from: from.id, into: into.id, reason, at: this.clock() };
    this.mergeLog.push(record);
    return record;
  }

  /** Templates of one length that differ in a single word position with many rare values. */
  private mergeWordPositions(): MergeRecord[] {
    const made: MergeRecord[] = [];
    for (const [n, bucket] of [...this.byLength.entries()].sort((a, b) => a[0] - b[0])) {
      // a one-word message is its event's name ("cancelAutohide", "closeQs"): never a value
      if (n < 2) continue;
      const active = bucket.filter((t) => !t.mergedInto);
      if (active.length < 3) continue;
      for (let p = 0; p < n; p++) {
        const groups = new Map<string, Template[]>();
        for (const t of active) {
          if (t.mergedInto) continue;
          const w = t.tokens[p]!;
          if (w === WILDCARD || isPureValue(w)) continue;
          const key = t.tokens.map((x, i) => (i === p ? '' : x)).join(SHAPE_SEP);
          const g = groups.get(key);
          if (g) g.push(t);
          else groups.set(key, [t]);
        }
        for (const group of groups.values()) {
          if (group.length < 2) continue;
          if (!this.positionIsValue(group, p)) continue;
          group.sort((a, b) => a.seq - b.seq);
          const survivor = group[0]!;
          survivor.tokens[p] = WILDCARD;
          survivor.text = undefined;
          survivor.wordVar.add(p);
          for (const other of group.slice(1)) made.push(this.merge(survivor, other, 'word-position'));
        }
      }
    }
    return made;
  }

  /**
   * Whether a word position shared by several otherwise equal templates holds values:
   *  - the word before it introduces a value ("user", "table", …);
   *  - three or more different words, mostly lowercase names (user, service, process names), not in
   *    the first position (which names the event: "boot (command 12)" / "halt (command 12)") —
   *    Capitalised and UPPER-CASE words are kept apart: they name states and verbs
   *    ("VM Started" / "VM Stopped", "GET" / "POST", "NEW to INITED");
   *  - four or more different words, at least half of them seen at most twice (a long tail).
   */
  private positionIsValue(group: Template[], p: number): boolean {
    if (this.isCue(group[0]!.tokens, p)) return true;
    const values = group.map((t) => letters(t.tokens[p]!) === '' ? t.tokens[p]! : t.tokens[p]!.replaceAll(WILDCARD, ''));
    const distinct = new Set(values).size;
    if (distinct < 3) return false;
    // the first word of a message names the event (Drain's first layer): lowercase or not, it is
    // a value only with a long tail of rare words (below)
    const lowerish = values.filter((v) => /^[^A-Za-z]*[a-z]/.test(v) || /[._-]/.test(stripPunct(v))).length;
    // …unless the first words are framed like names ("nginx.service:", "(root)", "[worker-3]")
    const named = p > 0 || values.every((v) => /[.:_-]|^[([{]|[)\]}]:?$/.test(v));
    if (named && lowerish * 3 >= values.length * 2 && !values.some((v) => isEnumConstant(v))) return true;
    // the first word names the event ("cupsd startup succeeded" / "syslogd startup succeeded"), and
    // Capitalised or UPPER-CASE words name states ("VM Started" / "VM Paused"): never a long tail
    if (p === 0) return false;
    if (values.every((v) => /^[A-Z][A-Za-z]*$/.test(stripPunctKeepCase(v)))) return false;
    const rare = group.filter((t) => t.count <= 2).length;
    return distinct >= 4 && rare * 2 >= group.length;
  }

  /** Templates whose constant words are the same sequence, whatever their lengths. */
  private mergeAcrossLengths(): MergeRecord[] {
    const made: MergeRecord[] = [];
    const groups = new Map<string, Template[]>();
    for (const t of this.byId.values()) {
      if (t.mergedInto) continue;
      const skeleton = t.tokens.filter((x) => !isValueLike(x));
      if (skeleton.length < 2 || skeleton.length === t.tokens.length) continue;
      const key = skeleton.join(SHAPE_SEP);
      const g = groups.get(key);
      if (g) g.push(t);
      else groups.set(key, [t]);
    }
    for (const group of groups.values()) {
      if (group.length < 2) continue;
      // two of one length that differ in words (quoted, dotted, paths) were compared word by word and
      // kept apart: the skeleton does not decide for them
      if (sameLengthWordDifference(group)) continue;
      group.sort((a, b) => a.seq - b.seq);
      for (const other of group.slice(1)) made.push(this.merge(group[0]!, other, 'lengths'));
    }
    return made;
  }
}
