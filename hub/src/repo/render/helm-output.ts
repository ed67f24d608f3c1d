// What `helm template` printed, as manifests. Helm writes one document per rendered manifest, each
// after a `# Source: <chart>/templates/<file>` line; a document that does not parse, or is not a
// Kubernetes object, is an error naming that template as a repository path. Documents are read as
// the directory renderer reads files (YAML 1.1 like Kubernetes' decoder, timestamps kept as
// strings, bounded aliases, `kind: *List` expanded), so both render the same text alike. Hooks
// (`helm.sh/hook` annotations) are kept: the sync engine runs them. Each document is read by the
// fast reader (fast-yaml.ts) and, when it holds something that reader leaves alone, by the `yaml`
// library, which also words the errors; both give the same objects.
import { parseAllDocuments, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';
import { createFastYaml, splitDocuments, UNSUPPORTED, type FastYaml, type SplitDocuments } from './fast-yaml.ts';
import type { RenderError } from './types.ts';

/** The manifests in output order, or every problem found. */
export type HelmOutput = { ok: true; manifests: object[] } | { ok: false; errors: RenderError[] };

/** How to read: `fast: false` uses the full parser only; `counts` tallies the documents each reader read. */
export interface HelmOutputOptions {
  fast?: boolean;
  counts?: { fast: number; full: number };
}

/** As render-directory.ts: YAML 1.1, no timestamp or base-60 types. */
const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  prettyErrors: false,
  customTags: (tags) => tags.filter((t) => typeof t !== 'object' || (t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME')),
};
const MAX_ALIAS_COUNT = 100;
const SOURCE_LINE = /^# Source: (.+)$/gm;
const SOURCE_PREFIX = '# Source: ';
const FAST = createFastYaml(YAML_OPTIONS);

/**
 * Parses helm's standard output; `fileOf` turns a `# Source:` path (chart name first) into the
 * repository path errors name, `fallback` names documents without one (pure).
 */
export function parseHelmOutput(stdout: string, fileOf: (source: string) => string, fallback: string, options: HelmOutputOptions = {}): HelmOutput {
  const split = options.fast === false ? undefined : splitDocuments(stdout);
  const reads = split?.documents.map(({ from, to }) => FAST.read(split.lines, from, to, split.tabs));
  return assembleHelmOutput(stdout, split && reads ? { split, reads } : undefined, fileOf, fallback, options.counts);
}

/** What the fast reader made of each document of a split stream (as FastYaml.read answers). */
export type FastReads = ReturnType<FastYaml['read']>[];

/** Reads a document of a split stream with the reader parseHelmOutput uses (helm-output-stream.ts reads as output arrives). */
export function readFast(lines: readonly string[], from: number, to: number, tabs: boolean): FastReads[number] {
  return FAST.read(lines, from, to, tabs);
}

/** A `# Source:` line: where it starts in the output, and the path it names. */
export interface SourceLine {
  offset: number;
  source: string;
}

/** What was read before assembling: the cut, each document's fast read, and (when known) the `# Source:` lines. */
export interface ReadAhead {
  split: SplitDocuments;
  reads: FastReads;
  /** As sourceLine finds them line by line; absent when not gathered (or the output holds U+2028 or U+2029). */
  sources?: SourceLine[];
}

/** The `# Source:` line at `offset`, or undefined for any other line (pure). */
export function sourceLine(line: string, offset: number): SourceLine | undefined {
  return line.charCodeAt(0) === 0x23 && line.length > SOURCE_PREFIX.length && line.startsWith(SOURCE_PREFIX) ? { offset, source: line.slice(SOURCE_PREFIX.length).trim() } : undefined;
}

/**
 * The manifests of helm's standard output, given how it was cut into documents and what the fast
 * reader made of each (`read` undefined: the whole output goes to the `yaml` library) (pure).
 */
export function assembleHelmOutput(stdout: string, read: ReadAhead | undefined, fileOf: (source: string) => string, fallback: string, counts?: HelmOutputOptions['counts']): HelmOutput {
  const sources = read ? (read.sources ?? sourceLines(stdout, read.split)) : [...stdout.matchAll(SOURCE_LINE)].map((m) => ({ offset: m.index, source: m[1]!.trim() }));
  const manifests: object[] = [];
  const errors: RenderError[] = [];
  const lineOf = lineFinder(stdout);
  let next = 0; // documents come in output order: the header of each is the last one before it
  /** One document's value (or what stopped it), its content starting at offset `start`. */
  const take = (start: number, value: () => { value: unknown } | { errors: { offset: number; message: string }[] }) => {
    while (next < sources.length && sources[next]!.offset <= start) next++;
    const header = sources[next - 1];
    const file = header ? fileOf(header.source) : fallback;
    // Lines are counted only for an error's message (the line starts are found on first use).
    const where = (offset: number) => `line ${lineOf(offset) - (header ? lineOf(header.offset) : 0)} of its rendered output`;
    const got = value();
    if ('errors' in got) {
      for (const e of got.errors) errors.push({ file, message: `${where(e.offset)}: ${e.message}` });
      return;
    }
    for (const item of expand(got.value)) {
      const problem = notAnObject(item);
      if (problem) errors.push({ file, message: `${where(start)}: not a Kubernetes object: ${problem}` });
      else manifests.push(item as object);
    }
  };
  /** Documents of `text` (the output from offset `base`) through the `yaml` library. */
  const full = (text: string, base: number) => {
    for (const doc of parseAllDocuments(text, YAML_OPTIONS)) {
      if (counts) counts.full++;
      const start = base + (doc.contents?.range[0] ?? doc.range[0]);
      take(start, () => libraryValue(doc, base, start));
    }
  };
  if (!read) full(stdout, 0);
  else {
    const { split, reads } = read;
    split.documents.forEach(({ from, to }, k) => {
      const got = reads[k];
      if (got === UNSUPPORTED) {
        const base = split.lineStart[from]!;
        full(stdout.slice(base, split.lineStart[to] ?? stdout.length), base);
      } else if (got) {
        if (counts) counts.fast++;
        take(split.lineStart[got.line]!, () => ({ value: got.value }));
      }
    });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, manifests };
}

/** The `# Source:` lines SOURCE_LINE finds, from the lines split already holds (the regex when `^` and `$` would see other line ends). */
function sourceLines(stdout: string, split: SplitDocuments): SourceLine[] {
  if (stdout.includes('\u2028') || stdout.includes('\u2029')) return [...stdout.matchAll(SOURCE_LINE)].map((m) => ({ offset: m.index, source: m[1]!.trim() }));
  const sources: SourceLine[] = [];
  split.lines.forEach((line, i) => {
    const found = sourceLine(line, split.lineStart[i]!);
    if (found) sources.push(found);
  });
  return sources;
}

/** A library document's value, or its errors at offsets in the whole output. */
function libraryValue(doc: Document.Parsed, base: number, start: number): { value: unknown } | { errors: { offset: number; message: string }[] } {
  if (doc.errors.length > 0) return { errors: doc.errors.map((e) => ({ offset: base + e.pos[0], message: `YAML syntax error: ${e.message.split('\n')[0]}` })) };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    return { errors: [{ offset: start, message: (error as Error).message }] };
  }
}

/** The 1-based line of an offset in text; the line starts are found on first use (errors are rare). */
function lineFinder(text: string): (offset: number) => number {
  let starts: number[] | undefined;
  return (offset) => {
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    }
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

/** A `# Source:` path as a repository path: the chart's name replaced by the chart's directory (pure). */
export function sourceToRepoPath(source: string, chartPath: string): string {
  const slash = source.indexOf('/');
  const rest = slash === -1 ? source : source.slice(slash + 1);
  return chartPath === '' ? rest : `${chartPath}/${rest}`;
}

function expand(value: unknown): unknown[] {
  if (value == null) return [];
  if (isRecord(value) && typeof value['kind'] === 'string' && value['kind'].endsWith('List') && (Array.isArray(value['items']) || value['items'] === null)) {
    return ((value['items'] ?? []) as unknown[]).filter((item) => item != null);
  }
  return [value];
}

function notAnObject(value: unknown): string | undefined {
  if (!isRecord(value)) return `expected a mapping, found ${Array.isArray(value) ? 'a sequence' : JSON.stringify(value).slice(0, 60)}`;
  const missing: string[] = [];
  if (typeof value['apiVersion'] !== 'string' || value['apiVersion'] === '') missing.push('"apiVersion"');
  if (typeof value['kind'] !== 'string' || value['kind'] === '') missing.push('"kind"');
  const metadata = value['metadata'];
  if (!isRecord(metadata)) missing.push('"metadata"');
  else if (!(typeof metadata['name'] === 'string' && metadata['name'] !== '') && !(typeof metadata['generateName'] === 'string' && metadata['generateName'] !== '')) {
    missing.push('"metadata.name"');
  }
  return missing.length > 0 ? `it lacks ${missing.join(', ')}` : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
