// Finding secrets in log text (pure): each secret of the ledger in the forms a log could carry it
// (as is, base64 with and without padding, base64url, JSON-escaped, URL-encoded), and any
// Flotilla token (`flt_<kind>_` and 43 random characters) whether the ledger knew it or not.
// A finding never repeats the secret: it names the ledger entry, the form, and the place.

/** A secret the tests used: what it was (where it came from) and its value. */
export interface LedgerEntry {
  kind: string;
  value: string;
}

/** One secret found in a log. */
export interface Leak {
  file: string;
  line: number;
  /** The ledger entry's kind, or `unrecorded Flotilla token`. */
  kind: string;
  form: string;
  /** The secret's first four characters, to tell findings apart without repeating it. */
  hint: string;
}

/** Forms shorter than this are not searched (they would match by chance). */
export const MIN_FORM_LENGTH = 6;

/** A Flotilla token as the hub makes them (newToken: a prefix and 32 random bytes, base64url). */
const TOKEN_SHAPE = /flt_[a-z]_[A-Za-z0-9_-]{40,}/g;

/** The forms a value could take in a log line, each named. */
export function secretForms(value: string): { form: string; how: string }[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms = [
    { form: value, how: 'as is' },
    { form: bytes.toString('base64'), how: 'base64' },
    { form: bytes.toString('base64').replace(/=+$/, ''), how: 'base64 without padding' },
    { form: bytes.toString('base64url'), how: 'base64url' },
    { form: JSON.stringify(value).slice(1, -1), how: 'JSON-escaped' },
    { form: encodeURIComponent(value), how: 'URL-encoded' },
  ];
  const seen = new Set<string>();
  return forms.filter((f) => f.form.length >= MIN_FORM_LENGTH && !seen.has(f.form) && seen.add(f.form));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A scanner for these ledger entries: call it on each log file's text. */
export function leakScanner(entries: readonly LedgerEntry[]): (file: string, text: string) => Leak[] {
  const byForm = new Map<string, { kind: string; how: string; value: string }>();
  for (const e of entries) for (const f of secretForms(e.value)) if (!byForm.has(f.form)) byForm.set(f.form, { kind: e.kind, how: f.how, value: e.value });
  // Longest first, so a form inside a longer one is reported as the longer (one alternation: one pass per file).
  const forms = [...byForm.keys()].sort((a, b) => b.length - a.length);
  const pattern = forms.length ? new RegExp(forms.map(escapeRegExp).join('|'), 'g') : undefined;
  const known = new Set(entries.map((e) => e.value));
  return (file, text) => {
    const leaks: Leak[] = [];
    const lineOf = lineIndex(text);
    for (const m of pattern ? text.matchAll(pattern) : []) {
      const found = byForm.get(m[0])!;
      leaks.push({ file, line: lineOf(m.index), kind: found.kind, form: found.how, hint: found.value.slice(0, 4) });
    }
    for (const m of text.matchAll(TOKEN_SHAPE)) {
      if (!known.has(m[0])) leaks.push({ file, line: lineOf(m.index), kind: 'unrecorded Flotilla token', form: 'as is', hint: m[0].slice(0, 8) });
    }
    return leaks;
  };
}

/** Line number (1-based) of an offset, by binary search over the newline offsets. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
