// The fast YAML reader's block structure: one document's block mappings and sequences, plain
// scalars (also folded over lines), and the dispatch to quoted, block and flow scalars. It reads
// lines [from, end) of a stream already cut into lines, and calls `unsupported()` for anything it
// does not know to read exactly as the `yaml` library does (pure).
import { COLON, DASH, DOUBLE_QUOTE, HASH, MAX_DEPTH, NOT_PLAIN_START, OPEN_BRACE, OPEN_BRACKET, SINGLE_QUOTE, SPACE, TAB, unsupported } from './fast-yaml-chars.ts';
import { flowCollection, type ResolvePlain } from './fast-yaml-flow.ts';
import { blockScalar, quoted, quotedEnd, restIsComment } from './fast-yaml-scalars.ts';

/** Keys a plain object already answers to (`__proto__`, `toString` …). */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Reads one document of `lines`, up to line `end`. */
export class BlockReader {
  private readonly lines: readonly string[];
  private readonly end: number;
  private readonly resolvePlain: ResolvePlain;
  /** Whether lines may hold tabs (which the full parser judges). */
  private readonly tabs: boolean;
  /** A line a plain scalar found to end it (not blank, not a comment), and its indentation: nextContent need not scan it again. */
  private peekLine = -1;
  private peekIndent = 0;
  /** Set by every node read: the line after it. */
  private next = 0;
  /** Set by nextContent: the indentation of the line it found. */
  private indent = 0;
  /** Set by key: the column after its `:`. */
  private col = 0;
  /** Collections open around the one being read: deep nesting is left to the full parser. */
  private depth = 0;

  constructor(lines: readonly string[], end: number, resolvePlain: ResolvePlain, tabs: boolean) {
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
        if (line.charCodeAt(c) === TAB) unsupported(); // a tab in indentation
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
    for (;;) {
      const line = this.lines[i]!;
      if (this.tabs && line.includes('\t')) unsupported();
      const key = this.key(line, n);
      const value = this.value(line, this.col, i, n, true);
      // A key given twice: the full parser reports it (or keeps both, when they differ only once stringified).
      if (Object.hasOwn(map, key)) unsupported();
      // `__proto__`, `toString`: an own property, as the library defines it.
      if (PROTOTYPE_NAMES.has(key)) Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
      else map[key] = value;
      i = this.nextContent(this.next);
      if (i >= this.end || this.indent < n) {
        this.next = i;
        this.depth--;
        return map;
      }
      if (this.indent > n) unsupported();
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
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      let p = quotedEnd(line, col);
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
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      const close = quotedEnd(line, col);
      const key = quoted(line, col, close);
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
    if (c === 0x7c /* | */ || c === 0x3e /* > */) {
      const scalar = blockScalar(this.lines, this.end, p, i, n, inMapping);
      this.next = scalar.next;
      return scalar.value;
    }
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      const close = quotedEnd(line, p);
      const value = quoted(line, p, close);
      restIsComment(line, close);
      this.next = i + 1;
      return value;
    }
    if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      const [value, after] = flowCollection(line, p, this.depth, this.resolvePlain);
      restIsComment(line, after);
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
        if (next.charCodeAt(c) !== TAB) {
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
}
