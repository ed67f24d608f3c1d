// Label selectors in Kubernetes' (and so Argo CD's `--selector`) syntax, parsed without I/O:
// requirements joined by commas, each `k=v`, `k==v`, `k!=v`, `k` (has the key), `!k` (lacks it),
// `k in (a,b)` or `k notin (a,b)`. As in Kubernetes, `k!=v` and `k notin (...)` also match objects
// without the key. Keys are `[prefix/]name` (a DNS subdomain prefix, a name of at most 63
// characters), values at most 63 characters of letters, digits, `-`, `_` and `.` (or empty).
// `matchesSelector` answers the same question of a label map (store/list-where.ts compiles it to SQL).

/** One requirement of a selector. */
export type Requirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: '=' | '!='; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] };

/** A parsed selector (every requirement must hold), or why the text is not one. */
export type ParsedSelector = { requirements: Requirement[] } | { error: string };

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const OPERATOR_CHARS = '=!(),<>';

type Token = { kind: 'word'; text: string } | { kind: 'op'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const pair = text.slice(i, i + 2);
    if (/\s/.test(ch)) i++;
    else if (pair === '==' || pair === '!=') {
      tokens.push({ kind: 'op', text: pair });
      i += 2;
    } else if (OPERATOR_CHARS.includes(ch)) {
      tokens.push({ kind: 'op', text: ch });
      i++;
    } else {
      let end = i;
      while (end < text.length && !OPERATOR_CHARS.includes(text[end]!) && !/\s/.test(text[end]!)) end++;
      tokens.push({ kind: 'word', text: text.slice(i, end) });
      i = end;
    }
  }
  return tokens;
}

/** Why a label key is invalid, or undefined. */
function keyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return `invalid label key "${key}": the prefix must be a DNS subdomain`;
  if (name.length > 63 || !NAME.test(name)) return `invalid label key "${key}": a name of at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  return undefined;
}

/** Why a label value is invalid, or undefined. */
function valueProblem(value: string): string | undefined {
  if (value === '' || (value.length <= 63 && NAME.test(value))) return undefined;
  return `invalid label value "${value}": at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
}

class Parser {
  readonly #tokens: Token[];
  #at = 0;
  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }
  get done(): boolean {
    return this.#at >= this.#tokens.length;
  }
  peek(): Token | undefined {
    return this.#tokens[this.#at];
  }
  next(): Token | undefined {
    return this.#tokens[this.#at++];
  }
  isOp(text: string): boolean {
    const t = this.peek();
    return t?.kind === 'op' && t.text === text;
  }
}

function word(p: Parser, what: string): string {
  const t = p.next();
  if (t?.kind !== 'word') throw new SelectorError(`expected ${what}${t ? `, found "${t.text}"` : ' at the end'}`);
  return t.text;
}

class SelectorError extends Error {}

// A value after = or !=: a word, or nothing (an empty value) before a comma or the end.
function singleValue(p: Parser): string {
  if (p.done || p.isOp(',')) return '';
  return word(p, 'a value');
}

function valueSet(p: Parser, op: string): string[] {
  if (!p.isOp('(')) throw new SelectorError(`expected "(" after "${op}"`);
  p.next();
  const values: string[] = [];
  for (;;) {
    values.push(p.peek()?.kind === 'word' ? p.next()!.text : '');
    const t = p.next();
    if (t?.kind === 'op' && t.text === ')') break;
    if (!(t?.kind === 'op' && t.text === ',')) throw new SelectorError(`expected "," or ")" in the values of "${op}"${t ? `, found "${t.text}"` : ''}`);
  }
  if (values.length === 1 && values[0] === '') throw new SelectorError(`the values of "${op}" cannot be empty`);
  return values;
}

function requirement(p: Parser): Requirement {
  if (p.isOp('!')) {
    p.next();
    return { key: word(p, 'a label key after "!"'), op: 'notexists' };
  }
  const key = word(p, 'a label key');
  if (p.done || p.isOp(',')) return { key, op: 'exists' };
  const t = p.next()!;
  if (t.kind === 'op' && (t.text === '=' || t.text === '==')) return { key, op: '=', value: singleValue(p) };
  if (t.kind === 'op' && t.text === '!=') return { key, op: '!=', value: singleValue(p) };
  if (t.kind === 'word' && (t.text === 'in' || t.text === 'notin')) return { key, op: t.text, values: valueSet(p, t.text) };
  if (t.kind === 'op' && (t.text === '<' || t.text === '>')) throw new SelectorError(`the operator "${t.text}" is not supported (use =, ==, !=, in, notin, KEY or !KEY)`);
  throw new SelectorError(`expected an operator after "${key}" (=, ==, !=, in, notin), found "${t.text}"`);
}

function check(r: Requirement): void {
  const problem = keyProblem(r.key) ?? ('value' in r ? valueProblem(r.value) : 'values' in r ? r.values.map(valueProblem).find(Boolean) : undefined);
  if (problem) throw new SelectorError(problem);
}

/** Parses a label selector (pure); an empty text selects everything. */
export function parseSelector(text: string): ParsedSelector {
  const p = new Parser(tokenize(text));
  const requirements: Requirement[] = [];
  try {
    while (!p.done) {
      const r = requirement(p);
      check(r);
      requirements.push(r);
      if (p.done) break;
      if (!p.isOp(',')) throw new SelectorError(`expected "," between requirements, found "${p.peek()!.text}"`);
      p.next();
      if (p.done) throw new SelectorError('expected a requirement after ","');
    }
  } catch (error) {
    if (error instanceof SelectorError) return { error: `invalid selector "${text}": ${error.message}` };
    throw error;
  }
  return { requirements };
}

/** Whether labels satisfy every requirement (pure; Kubernetes' semantics). */
export function matchesSelector(labels: Record<string, string> | undefined, requirements: readonly Requirement[]): boolean {
  const has = (k: string) => labels !== undefined && Object.hasOwn(labels, k);
  return requirements.every((r) => {
    switch (r.op) {
      case 'exists': return has(r.key);
      case 'notexists': return !has(r.key);
      case '=': return has(r.key) && labels![r.key] === r.value;
      case '!=': return !has(r.key) || labels![r.key] !== r.value;
      case 'in': return has(r.key) && r.values.includes(labels![r.key]!);
      case 'notin': return !has(r.key) || !r.values.includes(labels![r.key]!);
    }
  });
}
