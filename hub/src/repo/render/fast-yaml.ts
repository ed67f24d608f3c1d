// A fast reader for the plain block YAML that tools print (helm template, kustomize build): block
// mappings and sequences, plain scalars (also folded over lines), single-line quoted scalars and
// flow collections, literal and folded block scalars. It reads a document into the same value the
// `yaml` library's parse and toJS give, resolving plain scalars with that library's own schema
// tags (so YAML 1.1 octals and booleans, and no timestamps, come out alike), and answers
// UNSUPPORTED for anything else it meets (anchors, aliases, tags, complex keys, duplicate keys,
// multi-line quoted or flow scalars, anything it does not know to be valid): the caller then
// parses that document with the full parser, which also says what is wrong with it. It exists
// because the full parser, which keeps a node tree with ranges and comments, takes 1.3 s of the
// event loop for a 4,000-object chart; this reads the same output in a few dozen milliseconds.
import { isScalar, parseDocument, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';

/** What the fast reader answers for a document it leaves to the full parser. */
export const UNSUPPORTED: unique symbol = Symbol('unsupported');

/** A text cut into lines, and the documents in it as line ranges (`---` lines between them). */
export interface SplitDocuments {
  lines: string[];
  /** The offset in the text where each line starts. */
  lineStart: number[];
  /** Documents as [from, to) line ranges, the first one from line 0 (maybe empty), each other from its `---` line. */
  documents: { from: number; to: number }[];
  /** Whether any line holds a tab (when none does, lines need not be checked for them). */
  tabs: boolean;
}

/** Reads documents of one YAML dialect (the options given to the `yaml` library). */
export interface FastYaml {
  /** The value of the document in lines [from, to), or UNSUPPORTED; `undefined` when it holds no content. */
  read(lines: string[], from: number, to: number, tabs?: boolean): { value: unknown; line: number } | undefined | typeof UNSUPPORTED;
}

type Tag = { test: RegExp; resolve: (value: string, onError: (message: string) => void, options: object) => unknown };

/** Thrown inside the reader when a document needs the full parser. */
class Unsupported extends Error {}
const unsupported = (): never => {
  throw new Unsupported();
};

/**
 * Cuts a stream into documents at lines that are exactly `---`; undefined when the stream holds
 * what the cut would get wrong (directives, `...` or `--- content` lines, carriage returns, a
 * byte order mark), so it goes to the full parser whole (pure).
 */
export function splitDocuments(text: string): SplitDocuments | undefined {
  if (text.includes('\r') || text.startsWith('\uFEFF')) return undefined;
  const lines = text.split('\n');
  const lineStart = new Array<number>(lines.length);
  const documents: { from: number; to: number }[] = [];
  let offset = 0;
  let from = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    lineStart[i] = offset;
    offset += line.length + 1;
    const c = line.charCodeAt(0);
    if (c === 0x2d /* - */ && line.startsWith('---')) {
      if (line.length !== 3) return undefined;
      documents.push({ from, to: i });
      from = i;
    } else if ((c === 0x2e /* . */ && line.startsWith('...')) || c === 0x25 /* % */) return undefined;
  }
  documents.push({ from, to: lines.length });
  return { lines, lineStart, documents, tabs: text.includes('\t') };
}

/** A fast reader whose plain scalars resolve as the `yaml` library does with these options. */
export function createFastYaml(options: ParseOptions & DocumentOptions & SchemaOptions): FastYaml {
  const schema = parseDocument('', options).schema;
  // As the library's composer: the first default tag (in schema order) whose test matches.
  const tags = (schema.tags as unknown as (Tag & { default?: unknown; collection?: unknown })[])
    .filter((t) => t.default === true && !t.collection && t.test instanceof RegExp);
  const anyTag = new RegExp(tags.map((t) => `(?:${t.test.source})`).join('|'));
  const resolveOptions = { intAsBigInt: options.intAsBigInt ?? false };
  const onError = () => unsupported();
  const resolvePlain = (s: string): unknown => {
    if (!anyTag.test(s)) return s;
    for (const tag of tags) {
      if (!tag.test.test(s)) continue;
      const value = tag.resolve(s, onError, resolveOptions);
      return isScalar(value) ? value.value : value;
    }
    return s;
  };
  return {
    read(lines, from, to, tabs = true) {
      try {
        return new Reader(lines, to, resolvePlain, tabs).document(from);
      } catch (error) {
        if (error instanceof Unsupported) return UNSUPPORTED;
        throw error;
      }
    },
  };
}

const SPACE = 0x20;
const HASH = 0x23;
const DASH = 0x2d;
const COLON = 0x3a;
/** Characters a plain scalar (or plain key) may not start with here: indicators, quotes handled elsewhere. */
const NOT_PLAIN_START = new Set([...'[]{},#&*!|>\'"%@`?:-'].map((c) => c.charCodeAt(0)));
const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', '/': '/', '\\': '\\',
  N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};
const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };
/** Nesting deeper than this goes to the full parser (no stack overflow here). */
const MAX_DEPTH = 100;
/** Keys a plain object already answers to (`__proto__`, `toString` …). */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

function countKeys(map: object): number {
  let count = 0;
  for (const key in map) if (Object.hasOwn(map, key)) count++;
  return count;
}

class Reader {
  private readonly lines: string[];
  private readonly end: number;
  private readonly resolvePlain: (s: string) => unknown;
  /** Whether lines may hold tabs (which the full parser judges). */
  private readonly tabs: boolean;
  /** A line a plain scalar found to end it (not blank, not a comment), and its indentation: nextContent need not scan it again. */
  private peekLine = -1;
  private peekIndent = 0;
  /** Set by every node read: the line after it. */
  private next = 0;
  /** Set by nextContent: the indentation of the line it found. */
  private indent = 0;
  /** Set by key and flow: the column after what they read. */
  private col = 0;
  /** Collections open around the one being read: deep nesting is left to the full parser. */
  private depth = 0;

  constructor(lines: string[], end: number, resolvePlain: (s: string) => unknown, tabs: boolean) {
    this.lines = lines;
    this.end = end;
    this.resolvePlain = resolvePlain;
    this.tabs = tabs;
  }

  /** The document starting at line `from` (its `---` line or the stream's first line). */
  document(from: number): { value: unknown; line: number } | undefined {
    let i = from;
    if (this.lines[i] === '---') i++;
    i = this.nextContent(i);
    if (i >= this.end) return undefined;
    const value = this.block(i, this.indent);
    if (this.nextContent(this.next) < this.end) unsupported();
    return { value, line: i };
  }

  /** The first line at or after i that is neither blank nor a comment (its indentation in `indent`). */
  private nextContent(i: number): number {
    if (i === this.peekLine) {
      this.indent = this.peekIndent;
      return i;
    }
    const lines = this.lines;
    for (; i < this.end; i++) {
      const line = lines[i]!;
      let c = 0;
      while (line.charCodeAt(c) === SPACE) c++;
      if (c < line.length && line.charCodeAt(c) !== HASH) {
        if (line.charCodeAt(c) === 0x09) unsupported(); // a tab in indentation
        this.indent = c;
        return i;
      }
    }
    return i;
  }

  private isDash(line: string, col: number): boolean {
    return line.charCodeAt(col) === DASH && (col + 1 === line.length || line.charCodeAt(col + 1) === SPACE);
  }

  /** A block node whose first line is i, its content starting at column col. */
  private block(i: number, col: number): unknown {
    return this.isDash(this.lines[i]!, col) ? this.sequence(i, col) : this.mapping(i, col);
  }

  private mapping(i: number, n: number): unknown {
    if (++this.depth > MAX_DEPTH) unsupported();
    const map: Record<string, unknown> = {};
    let col = n;
    let entries = 0;
    for (;;) {
      const line = this.lines[i]!;
      if (this.tabs && line.includes('\t')) unsupported();
      const key = this.key(line, col);
      const value = this.value(line, this.col, i, n, true);
      // `__proto__`, `toString`: an own property, as the library defines it.
      if (PROTOTYPE_NAMES.has(key)) {
        if (Object.hasOwn(map, key)) unsupported();
        Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
      } else map[key] = value;
      entries++;
      i = this.nextContent(this.next);
      if (i >= this.end || this.indent < n) {
        this.next = i;
        // A key given twice: the full parser reports it (or keeps both, when they differ only once stringified).
        if (entries > 8 ? Object.keys(map).length !== entries : countKeys(map) !== entries) unsupported();
        this.depth--;
        return map;
      }
      if (this.indent > n) unsupported();
      col = n;
    }
  }

  private sequence(i: number, n: number): unknown {
    if (++this.depth > MAX_DEPTH) unsupported();
    const seq: unknown[] = [];
    for (;;) {
      const line = this.lines[i]!;
      if (this.tabs && line.includes('\t')) unsupported();
      let p = n + 1;
      while (p < line.length && line.charCodeAt(p) === SPACE) p++;
      if (p >= line.length || line.charCodeAt(p) === HASH) seq.push(this.nested(i + 1, n, false));
      else if (this.isDash(line, p)) seq.push(this.sequence(i, p));
      else if (this.isKeyLine(line, p)) seq.push(this.mapping(i, p));
      else seq.push(this.value(line, p, i, n, false));
      i = this.nextContent(this.next);
      // Past the end, less indented, or a key of the mapping this sequence is the value of: done.
      if (i >= this.end || this.indent < n || (this.indent === n && !this.isDash(this.lines[i]!, n))) {
        this.next = i;
        this.depth--;
        return seq;
      }
      if (this.indent > n) unsupported();
    }
  }

  /** Whether the text at col starts an implicit key (`key: …`, `key:`, `"key": …`). */
  private isKeyLine(line: string, col: number): boolean {
    const c = line.charCodeAt(col);
    if (c === 0x22 || c === 0x27) {
      let p = this.quotedEnd(line, col);
      while (p < line.length && line.charCodeAt(p) === SPACE) p++;
      return line.charCodeAt(p) === COLON;
    }
    if (NOT_PLAIN_START.has(c)) return false;
    return this.colonOf(line, col) !== -1;
  }

  /** The `:` ending a plain implicit key at col (followed by a space or the line's end, before any comment), or -1. */
  private colonOf(line: string, col: number): number {
    for (let p = line.indexOf(':', col); p !== -1; p = line.indexOf(':', p + 1)) {
      if (p + 1 === line.length || line.charCodeAt(p + 1) === SPACE) {
        const hash = p > col ? line.lastIndexOf(' #', p - 1) : -1;
        return hash >= col ? -1 : p;
      }
    }
    return -1;
  }

  /** A mapping key at col: its string as the library's toJS keys it (the column after its `:` in `col`). */
  private key(line: string, col: number): string {
    const c = line.charCodeAt(col);
    if (c === 0x22 || c === 0x27) {
      const close = this.quotedEnd(line, col);
      const key = this.quoted(line, col, close);
      let p = close;
      while (p < line.length && line.charCodeAt(p) === SPACE) p++;
      if (line.charCodeAt(p) !== COLON) unsupported();
      this.col = p + 1;
      return key;
    }
    if (NOT_PLAIN_START.has(c)) unsupported();
    const colon = this.colonOf(line, col);
    if (colon === -1 || colon - col > 1000) unsupported();
    let e = colon;
    while (line.charCodeAt(e - 1) === SPACE) e--;
    const text = line.slice(col, e);
    if (text === '<<' || text.includes('"') || text.includes("'")) unsupported();
    const value = this.resolvePlain(text);
    this.col = colon + 1;
    return typeof value === 'string' ? value : value === null ? '' : String(value);
  }

  /**
   * The value after a key's `:` (or a sequence dash) at column p of line i, in a collection at
   * indentation n; `inMapping` lets a sequence at the key's own indentation be the value.
   */
  private value(line: string, p: number, i: number, n: number, inMapping: boolean): unknown {
    while (p < line.length && line.charCodeAt(p) === SPACE) p++;
    if (p >= line.length || line.charCodeAt(p) === HASH) {
      if (p < line.length && line.charCodeAt(p - 1) !== SPACE) unsupported();
      return this.nested(i + 1, n, inMapping);
    }
    if (inMapping && line.charCodeAt(p - 1) !== SPACE) unsupported();
    const c = line.charCodeAt(p);
    if (c === 0x7c /* | */ || c === 0x3e /* > */) return this.blockScalar(line, p, i, n, inMapping);
    if (c === 0x22 || c === 0x27) {
      const close = this.quotedEnd(line, p);
      const value = this.quoted(line, p, close);
      this.restIsComment(line, close);
      this.next = i + 1;
      return value;
    }
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      const value = this.flow(line, p);
      this.restIsComment(line, this.col);
      this.next = i + 1;
      return value;
    }
    if (NOT_PLAIN_START.has(c) && !(c === DASH && p + 1 < line.length && line.charCodeAt(p + 1) !== SPACE)) unsupported();
    return this.plain(line, p, i, n);
  }

  /** The node on the lines after a key or dash with nothing after it (null when none is indented below). */
  private nested(i: number, n: number, inMapping: boolean): unknown {
    const j = this.nextContent(i);
    if (j < this.end) {
      if (this.indent > n) return this.block(j, this.indent);
      if (inMapping && this.indent === n && this.isDash(this.lines[j]!, n)) return this.sequence(j, n);
    }
    this.next = j;
    return null;
  }

  /** A plain scalar from column p, folded over more-indented lines below, resolved by the schema. */
  private plain(line: string, p: number, i: number, n: number): unknown {
    let text = this.plainLine(line, p);
    let j = i + 1;
    let empty = 0;
    for (; j < this.end; j++) {
      const next = this.lines[j]!;
      let c = 0;
      while (c < next.length && next.charCodeAt(c) === SPACE) c++;
      if (c === next.length) {
        empty++;
        continue;
      }
      if (next.charCodeAt(c) === HASH) break;
      if (c <= n) {
        if (next.charCodeAt(c) !== 0x09) {
          this.peekLine = j;
          this.peekIndent = c;
        }
        break;
      }
      if ((this.tabs && next.includes('\t')) || NOT_PLAIN_START.has(next.charCodeAt(c))) unsupported();
      text += (empty === 0 ? ' ' : '\n'.repeat(empty)) + this.plainLine(next, c);
      empty = 0;
    }
    this.next = j - empty;
    return this.resolvePlain(text);
  }

  /** One line's part of a plain scalar: to a comment or the end, trimmed; no `: ` (an implicit key) in it. */
  private plainLine(line: string, p: number): string {
    const hash = line.indexOf(' #', p);
    const text = (hash === -1 ? line.slice(p) : line.slice(p, hash)).trimEnd();
    if (text.includes(': ') || text.endsWith(':')) unsupported();
    return text;
  }

  /** After a quoted scalar or flow collection, only spaces and a comment may follow on the line. */
  private restIsComment(line: string, p: number): void {
    if (p === line.length) return;
    if (line.charCodeAt(p) !== SPACE) unsupported();
    while (p < line.length && line.charCodeAt(p) === SPACE) p++;
    if (p < line.length && line.charCodeAt(p) !== HASH) unsupported();
  }

  /** The column after the closing quote of a quoted scalar opening at p (it must close on this line). */
  private quotedEnd(line: string, p: number): number {
    const quote = line[p];
    for (let q = p + 1; q < line.length; q++) {
      const c = line[q];
      if (quote === '"' && c === '\\') q++;
      else if (c === quote) {
        if (quote === "'" && line[q + 1] === "'") q++;
        else return q + 1;
      }
    }
    return unsupported();
  }

  /** A quoted scalar's value, line[p] its opening quote and close the column after its closing one. */
  private quoted(line: string, p: number, close: number): string {
    const body = line.slice(p + 1, close - 1);
    if (line[p] === "'") return body.includes("''") ? body.replaceAll("''", "'") : body;
    if (!body.includes('\\')) return body;
    let out = '';
    for (let q = 0; q < body.length; q++) {
      const c = body[q]!;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = body[++q]!;
      const simple = ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        continue;
      }
      const length = HEX_LENGTH[e];
      const hex = length === undefined ? '' : body.slice(q + 1, q + 1 + length);
      if (length === undefined || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== length) unsupported();
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) unsupported();
      out += String.fromCodePoint(code);
      q += length!;
    }
    return out;
  }

  /** A single-line flow collection opening at p: its value (the column after it in `col`). */
  private flow(line: string, p: number): unknown {
    const [value, after] = this.flowAt(line, p);
    this.col = after;
    return value;
  }

  private flowAt(line: string, p: number): [unknown, number] {
    if (++this.depth > MAX_DEPTH) unsupported();
    const result = this.flowItems(line, p);
    this.depth--;
    return result;
  }

  private flowItems(line: string, p: number): [unknown, number] {
    const open = line.charCodeAt(p);
    const closer = open === 0x5b ? ']' : '}';
    const items: unknown[] = [];
    const map: Record<string, unknown> = {};
    let q = this.skipSpaces(line, p + 1);
    if (line[q] === closer) return [open === 0x5b ? items : map, q + 1];
    for (;;) {
      if (open === 0x5b) {
        const [item, after] = this.flowScalar(line, q);
        items.push(item);
        q = this.skipSpaces(line, after);
      } else {
        const [key, afterKey] = this.flowScalar(line, q, true);
        q = this.skipSpaces(line, afterKey);
        if (line[q] !== ':') unsupported();
        q = this.skipSpaces(line, q + 1);
        const [value, after] = this.flowScalar(line, q);
        const name = key === null ? '' : String(key);
        if (typeof key === 'object' || Object.hasOwn(map, name) || name === '<<' || name in map) unsupported();
        map[name] = value;
        q = this.skipSpaces(line, after);
      }
      if (line[q] === ',') {
        q = this.skipSpaces(line, q + 1);
        if (line[q] === closer) return [open === 0x5b ? items : map, q + 1];
        continue;
      }
      if (line[q] === closer) return [open === 0x5b ? items : map, q + 1];
      return unsupported();
    }
  }

  private skipSpaces(line: string, q: number): number {
    while (q < line.length && line.charCodeAt(q) === SPACE) q++;
    return q;
  }

  /** In a flow collection: a nested collection, a quoted scalar, or a plain one (no `:` in it). */
  private flowScalar(line: string, q: number, asKey = false): [unknown, number] {
    const c = line.charCodeAt(q);
    if (c === 0x5b || c === 0x7b) {
      if (asKey) unsupported();
      return this.flowAt(line, q);
    }
    if (c === 0x22 || c === 0x27) {
      const close = this.quotedEnd(line, q);
      return [this.quoted(line, q, close), close];
    }
    if (Number.isNaN(c) || (NOT_PLAIN_START.has(c) && !(c === DASH && line.charCodeAt(q + 1) !== SPACE && q + 1 < line.length))) unsupported();
    let e = q;
    while (e < line.length && !',[]{}:#'.includes(line[e]!)) e++;
    // A plain key ends at `: `; anything else with `:` or `#` in it is left to the full parser.
    if (line[e] === '#' || (line[e] === ':' && !(asKey && line[e + 1] === ' '))) unsupported();
    const text = line.slice(q, e).trimEnd();
    if (text === '' || (asKey && text === '<<')) unsupported();
    return [this.resolvePlain(text), e];
  }

  /**
   * A literal (`|`) or folded (`>`) block scalar whose header is at column p of line i, in a
   * collection at indentation n. Content is indented more than n (by the indentation indicator
   * when given, in a mapping only); a folded scalar with more-indented lines is left to the full parser.
   */
  private blockScalar(line: string, p: number, i: number, n: number, inMapping: boolean): unknown {
    const folded = line[p] === '>';
    let chomp = '';
    let explicit = 0;
    let q = p + 1;
    for (; q < line.length && line[q] !== ' '; q++) {
      const h = line[q]!;
      if ((h === '-' || h === '+') && !chomp) chomp = h;
      else if (h >= '1' && h <= '9' && !explicit) explicit = Number(h);
      else unsupported();
    }
    this.restIsComment(line, q);
    if (explicit && !inMapping) unsupported();
    let j = i + 1;
    let indent = explicit ? n + explicit : -1;
    const content: string[] = [];
    let leadingBlank = 0;
    for (; j < this.end; j++) {
      const text = this.lines[j]!;
      let c = 0;
      while (c < text.length && text.charCodeAt(c) === SPACE) c++;
      if (c === text.length) {
        // A blank line; spaces beyond the indentation would be content the full parser judges.
        if (indent === -1) {
          leadingBlank = Math.max(leadingBlank, c);
          content.push('');
          continue;
        }
        if (c > indent) unsupported();
        content.push('');
        continue;
      }
      if (indent === -1) {
        if (c <= n || leadingBlank > c) unsupported();
        indent = c;
      }
      if (c < indent) break;
      content.push(text.slice(indent));
    }
    let trailing = 0;
    while (content.length > 0 && content[content.length - 1] === '') {
      content.pop();
      trailing++;
    }
    if (content.length === 0 || (chomp === '+' && j >= this.end)) unsupported();
    let body: string;
    if (!folded) body = content.join('\n');
    else {
      body = '';
      let empty = 0;
      let started = false;
      for (const text of content) {
        if (text === '') {
          empty++;
          continue;
        }
        if (text.charCodeAt(0) === SPACE || text.charCodeAt(0) === 0x09) unsupported();
        body += started ? (empty === 0 ? ' ' : '\n'.repeat(empty)) + text : '\n'.repeat(empty) + text;
        started = true;
        empty = 0;
      }
    }
    const value = chomp === '-' ? body : chomp === '+' ? `${body}\n${'\n'.repeat(trailing)}` : `${body}\n`;
    this.next = j - trailing;
    return value;
  }
}
