// The fast YAML reader's flow collections: `[a, b]` and `{k: v}` on a single line, nested ones
// included, with quoted and plain scalars in them (a plain one holds no `:` or `#`). Anything
// else, a flow collection over several lines among them, is left to the full parser (pure).
import { DASH, DOUBLE_QUOTE, MAX_DEPTH, NOT_PLAIN_START, OPEN_BRACE, OPEN_BRACKET, SINGLE_QUOTE, SPACE, skipSpaces, unsupported } from './fast-yaml-chars.ts';
import { quoted, quotedEnd } from './fast-yaml-scalars.ts';

/** How plain scalars resolve (the schema's tags). */
export type ResolvePlain = (s: string) => unknown;

/**
 * The flow collection opening at column p, inside `depth` collections already: its value and the
 * column after it.
 */
export function flowCollection(line: string, p: number, depth: number, resolvePlain: ResolvePlain): [unknown, number] {
  if (depth + 1 > MAX_DEPTH) unsupported();
  const open = line.charCodeAt(p);
  const closer = open === OPEN_BRACKET ? ']' : '}';
  const items: unknown[] = [];
  const map: Record<string, unknown> = {};
  let q = skipSpaces(line, p + 1);
  if (line[q] === closer) return [open === OPEN_BRACKET ? items : map, q + 1];
  for (;;) {
    if (open === OPEN_BRACKET) {
      const [item, after] = flowScalar(line, q, depth + 1, resolvePlain, false);
      items.push(item);
      q = skipSpaces(line, after);
    } else {
      const [key, afterKey] = flowScalar(line, q, depth + 1, resolvePlain, true);
      q = skipSpaces(line, afterKey);
      if (line[q] !== ':') unsupported();
      q = skipSpaces(line, q + 1);
      const [value, after] = flowScalar(line, q, depth + 1, resolvePlain, false);
      const name = key === null ? '' : String(key);
      if (typeof key === 'object' || Object.hasOwn(map, name) || name === '<<' || name in map) unsupported();
      map[name] = value;
      q = skipSpaces(line, after);
    }
    if (line[q] === ',') {
      q = skipSpaces(line, q + 1);
      if (line[q] === closer) return [open === OPEN_BRACKET ? items : map, q + 1];
      continue;
    }
    if (line[q] === closer) return [open === OPEN_BRACKET ? items : map, q + 1];
    return unsupported();
  }
}

/** In a flow collection: a nested collection, a quoted scalar, or a plain one (no `:` in it). */
function flowScalar(line: string, q: number, depth: number, resolvePlain: ResolvePlain, asKey: boolean): [unknown, number] {
  const c = line.charCodeAt(q);
  if (c === OPEN_BRACKET || c === OPEN_BRACE) {
    if (asKey) unsupported();
    return flowCollection(line, q, depth, resolvePlain);
  }
  if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
    const close = quotedEnd(line, q);
    return [quoted(line, q, close), close];
  }
  if (Number.isNaN(c) || (NOT_PLAIN_START.has(c) && !(c === DASH && line.charCodeAt(q + 1) !== SPACE && q + 1 < line.length))) unsupported();
  let e = q;
  while (e < line.length && !',[]{}:#'.includes(line[e]!)) e++;
  // A plain key ends at `: `; anything else with `:` or `#` in it is left to the full parser.
  if (line[e] === '#' || (line[e] === ':' && !(asKey && line[e + 1] === ' '))) unsupported();
  const text = line.slice(q, e).trimEnd();
  if (text === '' || (asKey && text === '<<')) unsupported();
  return [resolvePlain(text), e];
}
