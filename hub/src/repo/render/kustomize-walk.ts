// What a Kustomize build reads, found before `kustomize build` runs by walking the kustomization
// files from the source path through every base, resource directory and component they name. It
// answers every kustomization file reached, every local file or directory named in them (resources,
// bases, components, patches, generator files, Helm charts and value files ...), and the repository
// paths a render depends on (the source path plus whatever outside it is referenced), so a commit
// that touches none of them costs no render. Entries that would make kustomize leave the checkout
// are refused here, naming the kustomization file, its line and the entry: remote bases and
// resources (kustomize would clone or download them) unless FLOTILLA_REMOTE_SOURCES lists their
// host (remote-sources.ts; then they are `remote` findings and inputs `remote-base:<entry>`),
// absolute paths, `..` above the root, symlinks leading outside. Remote bases nested in a fetched
// remote base are not seen here (docs/security.md). Pure over a RepoView.
import { LineCounter, parseAllDocuments, parseDocument, type Document } from 'yaml';
import { KUSTOMIZATION_FILES } from './detect.ts';
import { cleanRepoPath, joinRepoPath } from './inside-repo.ts';
import type { RepoView } from './repo-view.ts';
import { checkRemoteEntry, REMOTE_SETTING } from './remote-sources.ts';
import { REMOTE_BASE_INPUT } from './remote-files.ts';
import type { UrlPolicy } from '../url-policy.ts';
import { redactRepoUrl } from '../url-userinfo.ts';
import type { RenderError } from './types.ts';

/** One local path a kustomization names. */
export interface KustomizeReference {
  /** The kustomization file that names it. */
  from: string;
  /** Where in that file, e.g. `resources`, `patches[1].path`. */
  field: string;
  entry: string;
  /** The clean repository-relative path it resolves to. */
  path: string;
  /** How kustomize uses it: a file or kustomization directory, a kustomization directory, a file, a Helm chart directory. */
  use: Use;
}

/** The walk's findings. */
export interface KustomizeWalk {
  /** Kustomization files reached, the source path's first. */
  kustomizations: string[];
  references: KustomizeReference[];
  /** Repository paths the build reads: the source path, then referenced paths outside it (none below another), then `remote-base:<entry>` per remote entry. */
  inputs: string[];
  /** Remote entries the remote-source policy allows (kustomize fetches them). */
  remote: Omit<KustomizeReference, 'path' | 'use'>[];
  errors: RenderError[];
}

/** How an entry is used: a file or a kustomization directory, a directory to walk, a file, a Helm chart directory. */
export type Use = 'resource' | 'kustomization' | 'file' | 'chart';

/** A path-valued place in a kustomization: the YAML path to it and how kustomize uses it. */
interface Slot {
  at: (string | number)[];
  entry: string;
  use: Use;
  /** A generator, transformer or validator entry (a file of plugin configuration, or a kustomization). */
  plugin?: boolean;
  /** Inline plugin configuration (the entry is YAML text). */
  inline?: boolean;
}

const REFUSED_REMOTE = `the hub fetches remote bases and resources only from hosts listed in ${REMOTE_SETTING}, which is not set: keep the base in this repository, or list its host there`;

/** Fields kustomize accepts remote entries in. */
const REMOTE_FIELDS = /^(resources|bases|components)\[/;

/** Walks the kustomization tree from `sourcePath` (repository-relative); `remote` is FLOTILLA_REMOTE_SOURCES (absent: remote entries refused). */
export function walkKustomizations(view: RepoView, sourcePath: string, remote?: UrlPolicy): KustomizeWalk {
  const walk: KustomizeWalk = { kustomizations: [], references: [], inputs: [], remote: [], errors: [] };
  const source = cleanRepoPath(sourcePath);
  if (source === undefined) return { ...walk, errors: [{ file: sourcePath, message: `path "${sourcePath}" leaves the repository` }] };
  const seen = new Set<string>();
  const queue: { dir: string; from?: KustomizeReference }[] = [{ dir: source }];
  while (queue.length > 0) {
    const { dir, from } = queue.shift()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    const file = findKustomizationFile(view, dir, from, walk.errors);
    if (!file) continue;
    walk.kustomizations.push(file);
    for (const ref of readKustomization(view, file, { errors: walk.errors, remote: walk.remote, ...(remote ? { policy: remote } : {}) })) {
      walk.references.push(ref);
      const walks = ref.use === 'kustomization' || (ref.use === 'resource' && view.kind(ref.path) === 'dir');
      if (walks) queue.push({ dir: ref.path, from: ref });
    }
  }
  walk.inputs = [...minimalInputs(source, walk.references.map((r) => r.path)), ...new Set(walk.remote.map((r) => `${REMOTE_BASE_INPUT}${r.entry}`))];
  return walk;
}

/** Kustomize's rule for an entry it would fetch: a URL, `user@host:` (scp-like) or `github.com/…`, after an optional `git::`. */
export function isRemoteEntry(entry: string): boolean {
  const e = entry.trim().replace(/^git::/i, '');
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(e) || /^[a-z][a-z0-9-]*@/i.test(e) || /^github\.com[/:]/i.test(e);
}

function findKustomizationFile(view: RepoView, dir: string, from: KustomizeReference | undefined, errors: RenderError[]): string | undefined {
  const found = KUSTOMIZATION_FILES.map((name) => (dir === '' ? name : `${dir}/${name}`)).filter((p) => view.kind(p) !== undefined);
  const where = from ? `${from.field} entry "${from.entry}": ` : '';
  const file = from?.from ?? (dir || '.');
  if (found.length > 1) {
    errors.push({ file, message: `${where}found more than one kustomization file in "${dir || '.'}": ${found.join(', ')}` });
    return undefined;
  }
  if (found.length === 0) {
    errors.push({ file, message: `${where}"${dir || '.'}" holds none of ${KUSTOMIZATION_FILES.join(', ')}` });
    return undefined;
  }
  if (view.kind(found[0]!) === 'outside') {
    errors.push({ file: found[0]!, message: `${where}the kustomization file is a symlink to outside the repository` });
    return undefined;
  }
  return found[0];
}

/** Where a kustomization's findings go: errors, allowed remote entries, and the remote-source policy. */
interface Findings {
  errors: RenderError[];
  remote: KustomizeWalk['remote'];
  policy?: UrlPolicy;
}

/** The local references of one kustomization file; its syntax errors and refused entries go to `found.errors`, allowed remote ones to `found.remote`. */
function readKustomization(view: RepoView, file: string, found: Findings): KustomizeReference[] {
  const { errors } = found;
  const text = view.read(file) ?? '';
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    // The first error, as kustomize reports it; later ones mostly follow from it.
    const first = doc.errors[0]!;
    const { line, col } = lineCounter.linePos(first.pos[0]);
    errors.push({ file, line, column: col, message: `invalid kustomization: ${first.message}` });
    return [];
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (value == null) return [];
  if (!isObject(value)) {
    errors.push({ file, line: 1, message: 'invalid kustomization: expected a mapping of kustomization fields' });
    return [];
  }
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  const refs: KustomizeReference[] = [];
  for (const slot of slotsOf(value)) {
    const field = fieldName(slot.at);
    const at = { file, line: lineOf(doc, lineCounter, slot.at), field, dir };
    if (slot.inline) {
      refs.push(...pluginConfigRefs(view, slot.entry, { ...at, field: `${field} (inline configuration)` }, errors));
      continue;
    }
    if (isRemoteEntry(slot.entry) && REMOTE_FIELDS.test(field) && found.policy?.restricted) {
      const verdict = checkRemoteEntry(slot.entry, found.policy);
      if (verdict.ok) found.remote.push({ from: file, field, entry: slot.entry });
      else errors.push({ file, line: at.line, message: `${field} entry "${redactRepoUrl(slot.entry)}": is remote and refused: ${verdict.reason}` });
      continue;
    }
    const ref = checkEntry(view, at, slot.entry, slot.use, errors);
    if (!ref) continue;
    refs.push(ref);
    // A generator, transformer or validator file configures a builtin plugin, whose paths kustomize loads too.
    if (slot.plugin && view.kind(ref.path) === 'file') {
      refs.push(...pluginConfigRefs(view, view.read(ref.path) ?? '', { file: ref.path, line: undefined, field: '', dir }, errors));
    }
  }
  return refs;
}

/** Where an entry sits: the file reporting it, its line, the field, and the directory it is relative to. */
interface EntryAt {
  file: string;
  line: number | undefined;
  field: string;
  dir: string;
}

/** The reference an entry makes, or undefined when it is refused (the reason goes to `errors`). */
function checkEntry(view: RepoView, at: EntryAt, entry: string, use: Use, errors: RenderError[]): KustomizeReference | undefined {
  const refuse = (message: string) => {
    errors.push({ file: at.file, line: at.line, message: `${at.field} entry "${entry}": ${message}` });
    return undefined;
  };
  if (isRemoteEntry(entry)) return refuse(`is remote; ${REFUSED_REMOTE}`);
  if (entry.startsWith('/')) return refuse('is an absolute path; paths in a kustomization are relative to it and stay inside the repository');
  const path = joinRepoPath(at.dir, entry);
  if (path === undefined) return refuse('leaves the repository');
  const kind = view.kind(path);
  if (kind === 'outside') return refuse('leads through a symlink to outside the repository');
  if (kind === undefined && use === 'resource') return refuse(`"${path}" does not exist in the repository at this revision`);
  return { from: at.file, field: at.field, entry, path, use };
}

/** The paths in builtin plugin configurations (PatchTransformer `path`, ConfigMapGenerator `files`, HelmChartInflationGenerator `valuesFile` ...). */
function pluginConfigRefs(view: RepoView, text: string, at: EntryAt, errors: RenderError[]): KustomizeReference[] {
  const lineCounter = new LineCounter();
  const refs: KustomizeReference[] = [];
  for (const doc of parseAllDocuments(text, { version: '1.1', prettyErrors: false, lineCounter })) {
    if (doc.errors.length > 0) continue; // kustomize reports it
    const config: unknown = doc.toJS({ maxAliasCount: 100 });
    if (!isObject(config)) continue;
    for (const slot of pluginSlots(config)) {
      const field = at.field ? `${at.field} ${fieldName(slot.at)}` : fieldName(slot.at);
      const line = at.line ?? lineOf(doc, lineCounter, slot.at);
      const ref = checkEntry(view, { ...at, field, line }, slot.entry, slot.use, errors);
      if (ref) refs.push(ref);
    }
  }
  return refs;
}

/** Path-valued fields of a builtin plugin's configuration. */
function pluginSlots(c: Record<string, unknown>): Slot[] {
  const slots: Slot[] = [];
  const add = (at: (string | number)[], value: unknown, use: Use) => {
    if (typeof value === 'string' && value !== '') slots.push({ at, entry: value, use });
  };
  for (const name of ['path', 'valuesFile', 'env']) add([name], c[name], 'file');
  add(['chartHome'], c['chartHome'], 'chart');
  for (const name of ['additionalValuesFiles', 'envs']) each(c[name], (f, i) => add([name, i], f, 'file'));
  each(c['files'], (f, i) => typeof f === 'string' && add(['files', i], f.includes('=') ? f.slice(f.indexOf('=') + 1) : f, 'file'));
  each(c['replacements'], (r, i) => isObject(r) && add(['replacements', i, 'path'], r['path'], 'file'));
  return slots;
}

/** Every path-valued entry of a kustomization, with how kustomize uses it (kustomize v5 types.Kustomization). */
function slotsOf(k: Record<string, unknown>): Slot[] {
  const slots: Slot[] = [];
  const add = (at: (string | number)[], value: unknown, use: Use) => {
    if (typeof value === 'string' && value !== '') slots.push({ at, entry: value, use });
  };
  const list = (name: string, use: Use, inline?: 'plugin' | 'patch') => each(k[name], (v, i) => {
    if (inline && typeof v === 'string' && v.includes('\n')) {
      if (inline === 'plugin') slots.push({ at: [name, i], entry: v, use, inline: true });
    } else if (inline === 'plugin' && typeof v === 'string' && v !== '') slots.push({ at: [name, i], entry: v, use, plugin: true });
    else add([name, i], v, use);
  });
  list('resources', 'resource');
  list('bases', 'kustomization');
  list('components', 'kustomization');
  list('crds', 'file');
  list('configurations', 'file');
  // Generators, transformers and validators are files, kustomization directories, or inline configuration.
  list('generators', 'resource', 'plugin');
  list('transformers', 'resource', 'plugin');
  list('validators', 'resource', 'plugin');
  list('patchesStrategicMerge', 'file', 'patch');
  for (const name of ['patches', 'patchesJson6902', 'replacements']) each(k[name], (p, i) => isObject(p) && add([name, i, 'path'], p['path'], 'file'));
  if (isObject(k['openapi'])) add(['openapi', 'path'], k['openapi']['path'], 'file');
  for (const name of ['configMapGenerator', 'secretGenerator']) {
    each(k[name], (g, i) => {
      if (!isObject(g)) return;
      // `files` entries are `path` or `key=path`.
      each(g['files'], (f, j) => typeof f === 'string' && add([name, i, 'files', j], f.includes('=') ? f.slice(f.indexOf('=') + 1) : f, 'file'));
      each(g['envs'], (f, j) => add([name, i, 'envs', j], f, 'file'));
      add([name, i, 'env'], g['env'], 'file');
    });
  }
  const globals = isObject(k['helmGlobals']) ? k['helmGlobals'] : {};
  const chartHome = typeof globals['chartHome'] === 'string' && globals['chartHome'] !== '' ? globals['chartHome'] : 'charts';
  each(k['helmCharts'], (c, i) => {
    if (!isObject(c)) return;
    // A chart is read from chartHome/name when it is there (else pulled from `repo` into it).
    if (typeof c['name'] === 'string' && c['name'] !== '' && !isRemoteEntry(c['name'])) add(['helmCharts', i, 'name'], `${chartHome}/${c['name']}`, 'chart');
    add(['helmCharts', i, 'valuesFile'], c['valuesFile'], 'file');
    each(c['additionalValuesFiles'], (f, j) => add(['helmCharts', i, 'additionalValuesFiles', j], f, 'file'));
  });
  each(k['helmChartInflationGenerator'], (c, i) => {
    if (!isObject(c)) return;
    const home = typeof c['chartHome'] === 'string' && c['chartHome'] !== '' ? c['chartHome'] : chartHome;
    if (typeof c['chartName'] === 'string' && c['chartName'] !== '') add(['helmChartInflationGenerator', i, 'chartName'], `${home}/${c['chartName']}`, 'chart');
    add(['helmChartInflationGenerator', i, 'values'], c['values'], 'file');
  });
  return slots;
}

/** The source path and the referenced paths outside it, leaving out any path below another one kept. */
export function minimalInputs(source: string, paths: string[]): string[] {
  const under = (p: string, dir: string) => dir === '' || p === dir || p.startsWith(`${dir}/`);
  const outside = [...new Set(paths)].filter((p) => !under(p, source)).sort();
  const kept: string[] = [];
  for (const p of outside) if (!kept.some((k) => under(p, k))) kept.push(p);
  return [source, ...kept];
}

function fieldName(at: (string | number)[]): string {
  return at.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function lineOf(doc: Document, lineCounter: LineCounter, at: (string | number)[]): number | undefined {
  const node = doc.getIn(at, true) as { range?: [number, number, number] } | undefined;
  return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
}

function each(value: unknown, visit: (item: unknown, index: number) => unknown): void {
  if (Array.isArray(value)) value.forEach((item, i) => visit(item, i));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
