// Pattern matching for policy fields, as Argo CD's globOrRegexMatch does it: globs by default
// (gobwas/glob without separators, so `*` also spans `/`: `*` `?` `[abc]` `[!abc]` `{a,b}`),
// regular expressions when policy.matchMode is regex (anchored here: a pattern matches the whole value).

/** A glob as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (ch === '{') {
      out += '(?:';
      braces++;
    } else if (ch === '}' && braces > 0) {
      out += ')';
      braces--;
    }
    else if (ch === ',' && braces > 0) out += '|';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        out += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else out += ch.replace(/[.+^$()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${out}${')'.repeat(braces)}$`, 's');
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
