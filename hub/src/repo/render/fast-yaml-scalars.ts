// The fast YAML reader's scalars that are more than a plain word: single-line quoted scalars
// (with the double-quoted escapes) and literal or folded block scalars. Each answers the value
// the `yaml` library gives, or calls `unsupported()` for anything it does not know (pure).
import { SPACE, TAB, HASH, unsupported } from './fast-yaml-chars.ts';

const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', '/': '/', '\\': '\\',
  N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};
const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

/** After a quoted scalar or flow collection at column p, only spaces and a comment may follow on the line. */
export function restIsComment(line: string, p: number): void {
  if (p === line.length) return;
  if (line.charCodeAt(p) !== SPACE) unsupported();
  while (p < line.length && line.charCodeAt(p) === SPACE) p++;
  if (p < line.length && line.charCodeAt(p) !== HASH) unsupported();
}

/** The column after the closing quote of a quoted scalar opening at p (it must close on this line). */
export function quotedEnd(line: string, p: number): number {
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
export function quoted(line: string, p: number, close: number): string {
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

/**
 * A literal (`|`) or folded (`>`) block scalar whose header is at column p of line i (lines read
 * up to `end`), in a collection at indentation n: its value and the line after it. Content is
 * indented more than n (by the indentation indicator when given, in a mapping only); a folded
 * scalar with more-indented lines is left to the full parser.
 */
export function blockScalar(lines: readonly string[], end: number, p: number, i: number, n: number, inMapping: boolean): { value: string; next: number } {
  const line = lines[i]!;
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
  restIsComment(line, q);
  if (explicit && !inMapping) unsupported();
  let j = i + 1;
  let indent = explicit ? n + explicit : -1;
  const content: string[] = [];
  let leadingBlank = 0;
  for (; j < end; j++) {
    const text = lines[j]!;
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
  if (content.length === 0 || (chomp === '+' && j >= end)) unsupported();
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
      if (text.charCodeAt(0) === SPACE || text.charCodeAt(0) === TAB) unsupported();
      body += started ? (empty === 0 ? ' ' : '\n'.repeat(empty)) + text : '\n'.repeat(empty) + text;
      started = true;
      empty = 0;
    }
  }
  const value = chomp === '-' ? body : chomp === '+' ? `${body}\n${'\n'.repeat(trailing)}` : `${body}\n`;
  return { value, next: j - trailing };
}
