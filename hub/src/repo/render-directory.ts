// The `directory` source type: plain YAML and JSON manifests under a path of a repository at one commit,
// selected and parsed with Argo CD's rules (reposerver findManifests), so a repository Argo CD renders renders alike.
import { LineCounter, parseAllDocuments, parseDocument, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions, type ToJSOptions } from 'yaml';
import picomatch from 'picomatch';
import { formatBytes, RepoLimitError } from './repo-limits.ts';

/** One file of the repository at a commit, its path relative to the repository root with `/` separators; `tooLarge` when its content was left out for its size. */
export interface RepoFile {
  path: string;
  content: string;
  tooLarge?: { size: number; limit: number };
  /** A symbolic link: `content` is the name of its target (renderDirectory cannot follow it; the dispatcher renders such a directory from a checkout). */
  symlink?: boolean;
}

/** `spec.source.directory`: `recurse` descends into subdirectories; `include`/`exclude` are globs on the path below the source path. */
export interface DirectoryOptions {
  recurse?: boolean;
  include?: string;
  exclude?: string;
  /** Every file is a candidate, whatever its extension (include/exclude select); non-.json ones are read as YAML. */
  disableExtensionFilter?: boolean;
}

/** A problem in one file (or with the source path itself), with the 1-based line and column when known. */
export interface RenderError {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/** The manifests in file then document order, or every problem found. */
export type RenderResult = { ok: true; manifests: object[] } | { ok: false; errors: RenderError[] };

/** Argo CD's manifest extensions, matched on the file name, case-sensitively (`.jsonnet` is left to its own renderer). */
const MANIFEST_FILE = /\.(yaml|yml|json)$/;
/** Argo CD skips any file containing this marker. */
const SKIP_MARKER = '+argocd:skip-file-rendering';
/** Stands in for `/` while globbing, so that `*` crosses directories as in gobwas/glob without separators. */
const SEP = '\uE000';

/** YAML 1.1 like Kubernetes' decoder (`0644` is octal, `yes` a bool), but timestamps and base-60 numbers stay strings. */
const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  prettyErrors: false,
  customTags: (tags) => tags.filter((t) => typeof t !== 'object' || (t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME')),
};
const TO_JS: ToJSOptions = { maxAliasCount: 100 };

/** The source path as a clean repository-relative directory (`''` for the root), or undefined if it leaves the repository. */
export function normalizeSourcePath(sourcePath: string): string | undefined {
  const parts: string[] = [];
  for (const part of sourcePath.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.pop() === undefined) return undefined;
    } else parts.push(part);
  }
  return parts.join('/');
}

/** Renders a directory source: selects the manifest files under `sourcePath` and parses, expands and checks every object. */
export function renderDirectory(files: RepoFile[], sourcePath: string, options: DirectoryOptions): RenderResult {
  const root = normalizeSourcePath(sourcePath);
  if (root === undefined) return fail(sourcePath, `path "${sourcePath}" is outside the repository`);
  const prefix = root === '' ? '' : `${root}/`;
  if (root !== '' && files.some((f) => f.path === root)) return fail(sourcePath, `path "${sourcePath}" is a file, not a directory`);
  const under = files.filter((f) => f.path.startsWith(prefix));
  if (under.length === 0) return fail(sourcePath, `path "${sourcePath}" does not exist in the repository at this revision`);

  const errors: RenderError[] = [];
  const include = compileGlob(options.include, 'include', sourcePath, errors);
  const exclude = compileGlob(options.exclude, 'exclude', sourcePath, errors);
  if (errors.length > 0) return { ok: false, errors };

  const selected = under
    .filter((f) => {
      const rel = f.path.slice(prefix.length);
      if (!options.recurse && rel.includes('/')) return false;
      if (!options.disableExtensionFilter && !MANIFEST_FILE.test(rel.slice(rel.lastIndexOf('/') + 1))) return false;
      // As in Argo CD: exclude is applied first, then include; either one unset lets everything through.
      if (exclude?.(rel)) return false;
      if (include && !include(rel)) return false;
      return !f.content.includes(SKIP_MARKER);
    })
    .sort((a, b) => walkOrder(a.path, b.path));

  const manifests: object[] = [];
  for (const file of selected) renderFile(file, manifests, errors);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, manifests };
}

/** One parsed document (or JSON array element), with how to find the line of a node below it. */
interface Doc {
  value: unknown;
  line: number;
  label: string;
  lineOf: (path: (string | number)[]) => number;
}

/** A file's documents, or the syntax errors that stopped one; `fatal` errors are reported even for unrelated files. */
type Entry = Doc | { errors: RenderError[]; fatal: boolean };

function renderFile(file: RepoFile, manifests: object[], errors: RenderError[]): void {
  if (file.tooLarge) {
    errors.push({ file: file.path, message: new RepoLimitError('maxFileBytes', `the file (${formatBytes(file.tooLarge.size)})`, file.tooLarge.limit).message });
    return;
  }
  const content = file.content.replace(/^\uFEFF/, '');
  const entries = file.path.endsWith('.json') ? parseJsonFile(file.path, content) : parseYamlFile(file.path, content);
  // Argo CD ignores a file whose first document does not decode as an object with a kind, unless its text
  // mentions apiVersion, kind and metadata: it is most likely some other YAML (values, CI config) living there.
  const first = entries.find((e) => !('value' in e) || e.value != null);
  if (first && !looksLikeManifest(content)) {
    const unrelated = 'value' in first ? !hasKind(first.value) : !first.fatal;
    if (unrelated) return;
  }
  for (const entry of entries) {
    if (!('value' in entry)) errors.push(...entry.errors);
    else collect(file.path, entry, manifests, errors);
  }
}

function parseYamlFile(path: string, content: string): Entry[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(content, { ...YAML_OPTIONS, lineCounter });
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  return docs.map((doc, i): Entry => {
    if (doc.errors.length > 0) {
      return {
        fatal: false,
        errors: doc.errors.map((e) => {
          const { line, col } = lineCounter.linePos(e.pos[0]);
          return { file: path, line, column: col, message: `YAML syntax error: ${e.message}` };
        }),
      };
    }
    const line = lineAt(doc.contents?.range[0] ?? doc.range[0]);
    const label = docs.length > 1 ? `document ${i + 1}` : 'the document';
    try {
      return { value: doc.toJS(TO_JS), line, label, lineOf: nodeLines(doc, lineAt, line) };
    } catch (err) {
      return { fatal: true, errors: [{ file: path, line, message: `${label}: ${(err as Error).message}` }] };
    }
  });
}

function parseJsonFile(path: string, content: string): Entry[] {
  if (content.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const { line, column } = offsetToLineColumn(content, at ? Number(at[1]) : content.length);
    return [{ fatal: true, errors: [{ file: path, line, column, message: `JSON syntax error: ${message}` }] }];
  }
  // JSON is YAML 1.2, so the yaml parser gives node positions for the lines of array elements and list items.
  const lineCounter = new LineCounter();
  const doc = parseDocument(content, { lineCounter, prettyErrors: false });
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  const lineOf = doc.errors.length === 0 ? nodeLines(doc, lineAt, 1) : () => 1;
  if (!Array.isArray(value)) return [{ value, line: 1, label: 'the JSON document', lineOf }];
  return value.map((element, i) => ({
    value: element,
    line: lineOf([i]),
    label: `element ${i + 1} of the JSON array`,
    lineOf: (path: (string | number)[]) => lineOf([i, ...path]),
  }));
}

/** Expands a List into its items and checks each object is a Kubernetes manifest. */
function collect(file: string, doc: Doc, manifests: object[], errors: RenderError[]): void {
  const { value } = doc;
  if (value == null) return;
  if (isObject(value) && typeof value['kind'] === 'string' && value['kind'].endsWith('List') && 'items' in value
    && (Array.isArray(value['items']) || value['items'] === null)) {
    const items = (value['items'] ?? []) as unknown[];
    items.forEach((item, i) => {
      if (item == null) return;
      check(file, item, doc.lineOf(['items', i]), `item ${i + 1} of the ${value['kind']} in ${doc.label}`, manifests, errors);
    });
    return;
  }
  check(file, value, doc.line, doc.label, manifests, errors);
}

function check(file: string, value: unknown, line: number, label: string, manifests: object[], errors: RenderError[]): void {
  if (!isObject(value)) {
    errors.push({ file, line, message: `${label} is not a Kubernetes object: expected a mapping, found ${describe(value)}` });
    return;
  }
  const problems: string[] = [];
  if (!nonEmptyString(value['apiVersion'])) problems.push('a string "apiVersion"');
  if (!nonEmptyString(value['kind'])) problems.push('a string "kind"');
  const metadata = value['metadata'];
  if (!isObject(metadata)) problems.push('a "metadata" mapping');
  else if (!nonEmptyString(metadata['name']) && !nonEmptyString(metadata['generateName'])) {
    problems.push('a string "metadata.name" (or "metadata.generateName")');
  }
  if (problems.length > 0) errors.push({ file, line, message: `${label} is not a Kubernetes object: it lacks ${problems.join(', ')}` });
  else manifests.push(value);
}

/** Line lookup for nodes of one parsed document; falls back to `fallback` for paths without a node. */
function nodeLines(doc: Document, lineAt: (offset: number) => number, fallback: number) {
  return (path: (string | number)[]): number => {
    const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    return range ? lineAt(range[0]) : fallback;
  };
}

/** gobwas/glob semantics on picomatch: `*` and `?` cross `/`, `{a,b}` alternates, `[!a]` negates; no extglobs, no leading-`!` negation. */
export function compileGlob(pattern: string | undefined, name: string, sourcePath: string, errors: RenderError[]) {
  if (!pattern) return undefined;
  try {
    const translated = pattern.replace(/(^|[^\\])\[!/g, '$1[^').replaceAll('/', SEP);
    const match = picomatch(translated, { dot: true, nonegate: true, noextglob: true });
    return (rel: string) => match(rel.replaceAll('/', SEP));
  } catch (err) {
    errors.push({ file: sourcePath || '.', message: `invalid ${name} pattern "${pattern}": ${(err as Error).message}` });
    return undefined;
  }
}

/** The order of Go's filepath.Walk: directory by directory, entries by byte-wise name. */
function walkOrder(a: string, b: string): number {
  const as = a.split('/');
  const bs = b.split('/');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    if (as[i] !== bs[i]) return Buffer.compare(Buffer.from(as[i]!), Buffer.from(bs[i]!));
  }
  return as.length - bs.length;
}

/** Argo CD's test for text that is meant to be a manifest (quotes allowed, for JSON and flow-style YAML). */
function looksLikeManifest(content: string): boolean {
  return /apiVersion["']?\s*:/.test(content) && /kind["']?\s*:/.test(content) && /metadata["']?\s*:/.test(content);
}

function hasKind(value: unknown): boolean {
  return isObject(value) && 'kind' in value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function nonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'a sequence' : `${typeof value} ${JSON.stringify(value)}`.slice(0, 80);
}

function offsetToLineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

function fail(file: string, message: string): RenderResult {
  return { ok: false, errors: [{ file, message }] };
}
