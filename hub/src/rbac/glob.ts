// Pattern matching for policy fields, as Argo CD's globOrRegexMatch does it: globs by default
// (gobwas/glob without separators, so `*` also spans `/`: `*` `?` `[abc]` `[!abc]` `{a,b}`),
// regular expressions when policy.matchMode is regex (anchored here: a pattern matches the whole value).

/** One piece of a glob: what a regular expression is built from (glob.ts in JavaScript, store/list-where.ts in PostgreSQL). */
export type GlobPart =
  | { type: 'any' } // *
  | { type: 'one' } // ?
  | { type: 'open' } // {
  | { type: 'close' } // }
  | { type: 'or' } // , inside braces
  | { type: 'set'; negated: boolean; chars: string } // [abc] [!abc]
  | { type: 'literal'; char: string };

/** A glob's pieces, with the braces still open at its end counted (they close at the end). */
export function globParts(glob: string): { parts: GlobPart[]; unclosed: number } {
  const parts: GlobPart[] = [];
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') parts.push({ type: 'any' });
    else if (ch === '?') parts.push({ type: 'one' });
    else if (ch === '{') {
      parts.push({ type: 'open' });
      braces++;
    } else if (ch === '}' && braces > 0) {
      parts.push({ type: 'close' });
      braces--;
    } else if (ch === ',' && braces > 0) parts.push({ type: 'or' });
    else if (ch === '[' && glob.indexOf(']', i + 1) >= 0) {
      const end = glob.indexOf(']', i + 1);
      const body = glob.slice(i + 1, end);
      parts.push({ type: 'set', negated: body.startsWith('!'), chars: body.startsWith('!') ? body.slice(1) : body });
      i = end;
    } else parts.push({ type: 'literal', char: ch });
  }
  return { parts, unclosed: braces };
}

/** How a regular expression dialect writes a glob's bracket sets and literal characters. */
export interface GlobDialect {
  set(part: Extract<GlobPart, { type: 'set' }>): string;
  literal(char: string): string;
}

/** A glob as the source of an anchored regular expression in a dialect (the wildcards and alternatives are the same in all). */
export function renderGlob(glob: string, dialect: GlobDialect): string {
  const { parts, unclosed } = globParts(glob);
  const out = parts.map((p) => {
    switch (p.type) {
      case 'any': return '.*';
      case 'one': return '.';
      case 'open': return '(?:';
      case 'close': return ')';
      case 'or': return '|';
      case 'set': return dialect.set(p);
      case 'literal': return dialect.literal(p.char);
    }
  }).join('');
  return `^${out}${')'.repeat(unclosed)}$`;
}

/** A glob as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(renderGlob(glob, {
    set: (p) => `[${p.negated ? '^' : ''}${p.chars.replace(/\\/g, '\\\\')}]`,
    literal: (char) => char.replace(/[.+^$()|\\[\]]/g, '\\$&'),
  }), 's');
}

/** A matcher for one match mode, caching each pattern's compiled form. */
export function patternMatcher(mode: 'glob' | 'regex'): (value: string, pattern: string) => boolean {
  const compiled = new Map<string, RegExp | null>();
  return (value, pattern) => {
    let re = compiled.get(pattern);
    if (re === undefined) {
      try {
        re = mode === 'glob' ? globToRegExp(pattern) : new RegExp(`^(?:${pattern})$`, 's');
      } catch {
        re = null;
      }
      compiled.set(pattern, re);
    }
    return re !== null && re.test(value);
  };
}
