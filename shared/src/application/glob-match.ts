// Argo CD's glob matching for AppProject rules (argo-cd util/glob, on gobwas/glob): `*` any run of
// characters (not a separator when one is given), `**` any run including separators, `?` one
// character, `[abc]` / `[!a-z]` classes, `{a,b}` alternatives, `\x` a literal x. A leading `!` is
// negation where the rule allows it (`globMatch(..., { negation: true })`). Matching keeps one row
// of states per pattern step: no regular expressions and no backtracking, so a tenant's pattern
// cannot make it slow. Pure; compiled patterns are cached.

/** How a pattern matches: with `!` negation, and the separator `*` does not cross. */
export interface GlobOptions {
  negation?: boolean;
  separator?: string;
}

/** One step of a compiled glob. */
type Token =
  | { kind: 'char'; ch: string }
  | { kind: 'one' }
  | { kind: 'class'; negated: boolean; ranges: [string, string][] }
  | { kind: 'star'; crossing: boolean };

/** At most this many alternatives after expanding `{a,b}` (a pattern with more matches nothing). */
const MAX_ALTERNATIVES = 256;

/** Expands `{a,b}` alternatives (nested too) into plain patterns, or null when unbalanced or too many. */
function expandBraces(pattern: string): string[] | null {
  let open = -1;
  for (let i = 0; i < pattern.length && open < 0; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === '{') open = i;
  }
  if (open < 0) return [pattern];
  let depth = 0;
  let close = -1;
  const cuts: number[] = [];
  for (let i = open; i < pattern.length && close < 0; i++) {
    const ch = pattern[i];
    if (ch === '\\') i++;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) close = i;
    else if (ch === ',' && depth === 1) cuts.push(i);
  }
  if (close < 0) return null;
  const bounds = [open, ...cuts, close];
  const out: string[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const expanded = expandBraces(pattern.slice(0, open) + pattern.slice(bounds[k]! + 1, bounds[k + 1]) + pattern.slice(close + 1));
    if (expanded === null) return null;
    out.push(...expanded);
    if (out.length > MAX_ALTERNATIVES) return null;
  }
  return out;
}

/** The tokens of a brace-free glob, or null when a class is unclosed or an escape dangles. */
function tokenize(pattern: string): Token[] | null {
  const tokens: Token[] = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '\\') {
      if (i + 1 >= chars.length) return null;
      tokens.push({ kind: 'char', ch: chars[++i]! });
    } else if (ch === '*') {
      const crossing = chars[i + 1] === '*';
      if (crossing) i++;
      tokens.push({ kind: 'star', crossing });
    } else if (ch === '?') tokens.push({ kind: 'one' });
    else if (ch === '[') {
      const end = chars.indexOf(']', i + 2);
      if (end < 0) return null;
      let body = chars.slice(i + 1, end);
      const negated = body[0] === '!';
      if (negated) body = body.slice(1);
      const ranges: [string, string][] = [];
      for (let k = 0; k < body.length; k++) {
        if (body[k + 1] === '-' && k + 2 < body.length) {
          ranges.push([body[k]!, body[k + 2]!]);
          k += 2;
        } else ranges.push([body[k]!, body[k]!]);
      }
      tokens.push({ kind: 'class', negated, ranges });
      i = end;
    } else tokens.push({ kind: 'char', ch });
  }
  return tokens;
}

/** Whether the tokens match the whole value: O(tokens x characters). */
function matchTokens(tokens: Token[], chars: string[], separator: string | undefined): boolean {
  let states = new Array<boolean>(chars.length + 1).fill(false);
  states[0] = true;
  for (const token of tokens) {
    const next = new Array<boolean>(chars.length + 1).fill(false);
    if (token.kind === 'star') {
      let reachable = false;
      for (let j = 0; j <= chars.length; j++) {
        // A single star stops at a separator: what lies past one is reached only from after it.
        if (j > 0 && !token.crossing && chars[j - 1] === separator) reachable = false;
        reachable ||= states[j]!;
        next[j] = reachable;
      }
    } else {
      for (let j = 0; j < chars.length; j++) {
        if (!states[j]) continue;
        const c = chars[j]!;
        const ok = token.kind === 'char' ? c === token.ch
          : c !== separator && (token.kind === 'one' || token.ranges.some(([lo, hi]) => c >= lo && c <= hi) !== token.negated);
        if (ok) next[j + 1] = true;
      }
    }
    states = next;
  }
  return states[chars.length]!;
}

const cache = new Map<string, Token[][] | null>();

/** Whether `value` matches the glob `pattern` (a pattern that does not compile matches nothing). */
export function globMatches(pattern: string, value: string, separator?: string): boolean {
  let compiled = cache.get(pattern);
  if (compiled === undefined) {
    const tokenized = expandBraces(pattern)?.map(tokenize);
    compiled = tokenized && tokenized.every((t) => t !== null) ? (tokenized as Token[][]) : null;
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, compiled);
  }
  if (compiled === null) return false;
  const chars = [...value];
  return compiled.some((tokens) => matchTokens(tokens, chars, separator));
}

/** Whether a pattern is a `!` (deny) pattern. */
export function isDenyPattern(pattern: string): boolean {
  return pattern.startsWith('!');
}

/** Argo CD's globMatch: `!p` matches whatever p does not (when negation is allowed), `*` everything. */
export function globMatch(pattern: string, value: string, options: GlobOptions = {}): boolean {
  if (options.negation && isDenyPattern(pattern)) return !globMatches(pattern.slice(1), value, options.separator);
  if (pattern === '*') return true;
  return globMatches(pattern, value, options.separator);
}

/** Argo CD's MatchStringInList in REGEXP mode: `/re/` entries are regular expressions, others globs. */
export function matchesAny(patterns: readonly string[], value: string): boolean {
  return patterns.some((p) => {
    if (p.length > 2 && p.startsWith('/') && p.endsWith('/')) {
      try {
        return new RegExp(p.slice(1, -1)).test(value);
      } catch {
        return false;
      }
    }
    return globMatch(p, value);
  });
}
