// The files a Jsonnet program reads, found before `jsonnet` runs. Jsonnet imports are always string
// literals (computed imports are a static error), so lexing a file finds every `import`,
// `importstr` and `importbin` it can perform. They are resolved as go-jsonnet's FileImporter does:
// against the importing file's directory, then the library paths right-most first. The jsonnet CLI
// reads any path it is given, so a candidate that is absolute, climbs above the repository root or
// leads through a symlink out of it is refused here, naming the file and line of the import. The
// lexer follows go-jsonnet's (internal/parser/lexer.go) for comments, the four quoted string forms
// and `|||` text blocks. Pure over a RepoView.
import { joinRepoPath } from './inside-repo.ts';
import type { RepoView } from './repo-view.ts';
import type { RenderError } from './types.ts';

/** One import in a Jsonnet file. */
export interface JsonnetImport {
  kind: 'import' | 'importstr' | 'importbin';
  path: string;
  line: number;
}

/** The imports of a Jsonnet source text, in order (a lexing error ends the scan; jsonnet reports it). */
export function findImports(text: string): JsonnetImport[] {
  const imports: JsonnetImport[] = [];
  const lexer = new Lexer(text);
  let pending: { kind: JsonnetImport['kind']; line: number } | undefined;
  for (let token = lexer.next(); token; token = lexer.next()) {
    if (pending && token.type === 'string') imports.push({ kind: pending.kind, path: token.value, line: pending.line });
    pending = token.type === 'id' && (token.value === 'import' || token.value === 'importstr' || token.value === 'importbin')
      ? { kind: token.value, line: token.line } : undefined;
  }
  return imports;
}

/** What the programs read: repository files (besides themselves), and the imports refused. */
export interface JsonnetReads {
  files: string[];
  errors: RenderError[];
}

/** A program to follow: a file, or a code snippet (an ext var or TLA given as code, imported relative to the working directory). */
export type JsonnetEntry = { file: string } | { code: string; label: string };

/** Follows the imports of `entries` through the repository; `jpaths` are the `-J` directories in command-line order. */
export function followImports(view: RepoView, entries: JsonnetEntry[], jpaths: string[]): JsonnetReads {
  const reads: JsonnetReads = { files: [], errors: [] };
  const seen = new Set<string>();
  const queue: { from: string; dir: string; text: string }[] = [];
  for (const entry of entries) {
    if ('file' in entry) {
      seen.add(entry.file);
      queue.push({ from: entry.file, dir: dirOf(entry.file), text: view.read(entry.file) ?? '' });
    } else queue.push({ from: entry.label, dir: '', text: entry.code });
  }
  while (queue.length > 0) {
    const { from, dir, text } = queue.shift()!;
    for (const imp of findImports(text)) {
      const found = resolveImport(view, from, dir, imp, jpaths, reads.errors);
      if (found === undefined || seen.has(found)) continue;
      seen.add(found);
      reads.files.push(found);
      if (imp.kind === 'import') queue.push({ from: found, dir: dirOf(found), text: view.read(found) ?? '' });
    }
  }
  return reads;
}

/** The repository file an import reads, trying each candidate as go-jsonnet does; refusals go to `errors`. */
function resolveImport(view: RepoView, from: string, dir: string, imp: JsonnetImport, jpaths: string[], errors: RenderError[]): string | undefined {
  const refuse = (message: string) => {
    errors.push({ file: from, line: imp.line, message: `${imp.kind} "${imp.path}" ${message}` });
    return undefined;
  };
  if (imp.path.startsWith('/')) return refuse('is an absolute path; imports stay inside the repository');
  for (const base of [dir, ...[...jpaths].reverse()]) {
    const candidate = joinRepoPath(base, imp.path);
    if (candidate === undefined) return refuse(`leaves the repository (from "${base || '.'}")`);
    const kind = view.kind(candidate);
    if (kind === 'outside') return refuse('leads through a symlink to outside the repository');
    if (kind === 'file') return candidate;
    if (kind === 'dir') return undefined; // jsonnet fails reading it, and says so
  }
  return undefined;
}

function dirOf(file: string): string {
  return file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
}

type Token = { type: 'id' | 'string' | 'other'; value: string; line: number };

/** Just enough of go-jsonnet's lexer to tell identifiers and string literals from comments and text blocks. */
class Lexer {
  private pos = 0;
  private line = 1;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  /** The next token, or undefined at the end (or at a lexing error). */
  next(): Token | undefined {
    this.skipSpaceAndComments();
    const t = this.text;
    if (this.pos >= t.length) return undefined;
    const c = t[this.pos]!;
    const line = this.line;
    if (/[A-Za-z_]/.test(c)) {
      const id = /^[A-Za-z0-9_]+/.exec(t.slice(this.pos))![0];
      this.pos += id.length;
      return { type: 'id', value: id, line };
    }
    if (c === '"' || c === "'") return this.quoted(c, line);
    if (c === '@' && (t[this.pos + 1] === '"' || t[this.pos + 1] === "'")) return this.verbatim(t[this.pos + 1]!, line);
    if (t.startsWith('|||', this.pos)) return this.textBlock(line);
    this.pos++;
    return { type: 'other', value: c, line };
  }

  private skipSpaceAndComments(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === '\n') this.line++;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.pos++;
      else if (c === '#' || t.startsWith('//', this.pos)) this.pos = t.indexOf('\n', this.pos) < 0 ? t.length : t.indexOf('\n', this.pos);
      else if (t.startsWith('/*', this.pos)) {
        const end = t.indexOf('*/', this.pos + 2);
        this.advanceTo(end < 0 ? t.length : end + 2);
      } else return;
    }
  }

  private quoted(quote: string, line: number): Token | undefined {
    let value = '';
    for (let i = this.pos + 1; i < this.text.length; i++) {
      const c = this.text[i]!;
      if (c === quote) {
        this.advanceTo(i + 1);
        return { type: 'string', value: unescape(value), line };
      }
      if (c === '\\' && i + 1 < this.text.length) {
        value += c + this.text[i + 1];
        i++;
      } else value += c;
    }
    this.pos = this.text.length;
    return undefined;
  }

  private verbatim(quote: string, line: number): Token | undefined {
    let value = '';
    for (let i = this.pos + 2; i < this.text.length; i++) {
      if (this.text[i] !== quote) value += this.text[i];
      else if (this.text[i + 1] === quote) {
        value += quote;
        i++;
      } else {
        this.advanceTo(i + 1);
        return { type: 'string', value, line };
      }
    }
    this.pos = this.text.length;
    return undefined;
  }

  /** `|||` (or `|||-`), a new line, lines indented at least as the first, then `|||` at a lesser indent. */
  private textBlock(line: number): Token | undefined {
    const t = this.text;
    const lines = t.slice(this.pos).split('\n');
    let consumed = lines[0]!.length + 1;
    let i = 1;
    while (i < lines.length && lines[i] === '') consumed += lines[i++]!.length + 1;
    const indent = /^[ \t]*/.exec(lines[i] ?? '')![0];
    if (indent === '') return this.giveUp();
    for (; i < lines.length; i++) {
      const l = lines[i]!;
      if (l === '' || l.startsWith(indent)) {
        consumed += l.length + 1;
        continue;
      }
      const end = /^[ \t]*\|\|\|/.exec(l);
      if (!end) return this.giveUp();
      this.advanceTo(this.pos + consumed + end[0].length);
      return { type: 'other', value: '|||', line };
    }
    return this.giveUp();
  }

  private giveUp(): undefined {
    this.pos = this.text.length;
    return undefined;
  }

  private advanceTo(end: number): void {
    for (let i = this.pos; i < end; i++) if (this.text[i] === '\n') this.line++;
    this.pos = end;
  }
}

/** Jsonnet's string escapes (as JSON's, with `\'`). */
function unescape(raw: string): string {
  return raw.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.startsWith('u') && e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[e] ?? e;
  });
}
