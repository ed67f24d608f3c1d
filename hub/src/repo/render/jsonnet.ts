// The Directory source type with its Jsonnet files, rendered from the render's checkout as Argo CD's
// findManifests does: every selected file in walk order, `.jsonnet` ones evaluated by `jsonnet`
// (with `spec.source.directory.jsonnet` tlas, extVars and libs), the others parsed by
// renderDirectory; `.libsonnet` files are only imported. Before jsonnet runs, symlinks leading out
// of the repository are refused (Argo CD's repository-wide check), library paths must stay inside,
// and every import the programs can perform is followed and refused if it would leave the
// repository (the jsonnet CLI reads any path). Jsonnet's errors name the file, line and column.
// This driver handles the whole directory source, YAML and JSON included; with no `.jsonnet` file
// selected it is renderDirectory over the checkout and needs no jsonnet binary.
import { buildEnv, envsubst, type BuildEnv } from './argocd-env.ts';
import { checkInsideRepo, cleanRepoPath, findOutOfBoundsSymlinks } from './inside-repo.ts';
import { followImports, type JsonnetEntry } from './jsonnet-imports.ts';
import { selectDirectoryFiles, type DirectoryFile } from './jsonnet-files.ts';
import { locateJsonnetError, parseJsonnetOutput } from './jsonnet-output.ts';
import { minimalInputs } from './kustomize-walk.ts';
import { diskView } from './repo-view.ts';
import { runTool } from './run-tool.ts';
import { missingTool } from './tools.ts';
import { renderDirectory, type DirectoryOptions } from '../render-directory.ts';
import type { Driver, RenderError, RenderRequest } from './types.ts';

/** One `{name, value, code}` of `tlas` or `extVars`. */
interface JsonnetVar {
  name: string;
  value: string;
  code: boolean;
}

/** `spec.source.directory.jsonnet`, checked. */
export interface JsonnetOptions {
  tlas: JsonnetVar[];
  extVars: JsonnetVar[];
  /** Library directories, repository-relative (Argo CD resolves them against the root, `/x` included). */
  libs: string[];
}

const FIELD = 'spec.source.directory.jsonnet';

/** Renders a directory source, evaluating its `.jsonnet` files (see the module header). */
export const renderJsonnet: Driver = async (request) => {
  const directory = (request.source.directory ?? {}) as DirectoryOptions & { jsonnet?: unknown };
  const options = jsonnetOptions(directory.jsonnet);
  if ('error' in options) return { ok: false, errors: [{ file: request.path || '.', message: options.error }] };
  const links = await findOutOfBoundsSymlinks(request.root);
  if (links.length) return { ok: false, errors: links.map((file) => ({ file, message: 'symlink to outside the repository (absolute, or climbing above its root): refused' })) };
  const selected = await selectDirectoryFiles(request.root, request.path, directory);
  if (!selected.ok) return selected;
  const programs = selected.files.filter((f) => f.jsonnet);

  let inputs = [request.path];
  if (programs.length) {
    if (!request.tools.jsonnet) return { ok: false, errors: [{ file: programs[0]!.path, message: missingTool('jsonnet') }] };
    const checked = checkPrograms(request, options, programs);
    if (!checked.ok) return checked;
    inputs = checked.inputs;
  }

  // Every file in walk order, as Argo CD appends them.
  const manifests: object[] = [];
  const errors: RenderError[] = [];
  for (const file of selected.files) {
    const result = file.jsonnet
      ? await evaluate(request, options, file.path)
      : renderDirectory([{ path: file.path, content: file.content }], request.path, { recurse: true, disableExtensionFilter: directory.disableExtensionFilter === true });
    if (result.ok) manifests.push(...result.manifests);
    else errors.push(...result.errors);
  }
  return errors.length ? { ok: false, errors } : { ok: true, manifests, inputs };
};

/** `spec.source.directory.jsonnet` checked and defaulted, or what is wrong with it. */
export function jsonnetOptions(value: unknown): JsonnetOptions | { error: string } {
  if (value == null) return { tlas: [], extVars: [], libs: [] };
  if (!isObject(value)) return { error: `${FIELD} must be an object with tlas, extVars and libs` };
  const vars = (name: 'tlas' | 'extVars'): JsonnetVar[] | string => {
    const list = value[name] ?? [];
    if (!Array.isArray(list)) return `${FIELD}.${name} must be a list of {name, value, code}`;
    const out: JsonnetVar[] = [];
    for (const [i, v] of list.entries()) {
      const at = `${FIELD}.${name}[${i}]`;
      if (!isObject(v) || typeof v['name'] !== 'string' || v['name'] === '') return `${at} needs a name`;
      // The jsonnet CLI splits `name=value` at the first `=`.
      if (v['name'].includes('=')) return `${at}.name "${v['name']}" must not contain "="`;
      if (v['value'] != null && typeof v['value'] !== 'string') return `${at}.value must be a string`;
      if (v['code'] != null && typeof v['code'] !== 'boolean') return `${at}.code must be true or false`;
      out.push({ name: v['name'], value: (v['value'] as string | undefined) ?? '', code: v['code'] === true });
    }
    return out;
  };
  const tlas = vars('tlas');
  const extVars = vars('extVars');
  const libs = value['libs'] ?? [];
  if (typeof tlas === 'string') return { error: tlas };
  if (typeof extVars === 'string') return { error: extVars };
  if (!Array.isArray(libs) || libs.some((l) => typeof l !== 'string')) return { error: `${FIELD}.libs must be a list of repository paths` };
  return { tlas, extVars, libs: libs as string[] };
}

/** Checks the library paths and every import the programs can perform; answers the render's inputs. */
function checkPrograms(request: RenderRequest, options: JsonnetOptions, programs: DirectoryFile[]): { ok: true; inputs: string[] } | { ok: false; errors: RenderError[] } {
  const errors: RenderError[] = [];
  const libs: string[] = [];
  for (const [i, lib] of options.libs.entries()) {
    // As Argo CD: relative to the repository root, and an absolute path is taken inside it.
    const inside = checkInsideRepo(request.root, lib.replace(/^\/+/, ''));
    if (inside.ok) libs.push(inside.path);
    else errors.push({ file: request.path || '.', message: `${FIELD}.libs[${i}] ${inside.message}` });
  }
  if (errors.length) return { ok: false, errors };
  const env = buildEnv(request);
  const snippets: JsonnetEntry[] = [...codeVars(options.tlas, 'tlas', env), ...codeVars(options.extVars, 'extVars', env)];
  const reads = followImports(diskView(request.root), [...programs.map((p) => ({ file: p.path })), ...snippets], jpaths(request.path, libs));
  if (reads.errors.length) return { ok: false, errors: reads.errors };
  return { ok: true, inputs: minimalInputs(request.path, [...libs, ...reads.files]) };
}

function codeVars(vars: JsonnetVar[], name: string, env: BuildEnv): JsonnetEntry[] {
  return vars.flatMap((v, i) => (v.code ? [{ code: envsubst(v.value, env), label: `${FIELD}.${name}[${i}]` }] : []));
}

/** Argo CD's library paths: the source path, then each lib (right-most wins). */
function jpaths(path: string, libs: string[]): string[] {
  return [cleanRepoPath(path) ?? path, ...libs];
}

/** One `jsonnet` run for `file` from the repository root, so every path it prints is repository-relative. */
async function evaluate(request: RenderRequest, options: JsonnetOptions, file: string) {
  const env = buildEnv(request);
  const args: string[] = [];
  for (const v of options.tlas) args.push(v.code ? '--tla-code' : '--tla-str', `${v.name}=${envsubst(v.value, env)}`);
  for (const v of options.extVars) args.push(v.code ? '--ext-code' : '--ext-str', `${v.name}=${envsubst(v.value, env)}`);
  for (const dir of jpaths(request.path, options.libs.map((l) => cleanRepoPath(l.replace(/^\/+/, '')) ?? l))) args.push('-J', dir || '.');
  const run = await runTool(request.tools.jsonnet!, [...args, '--', file], { cwd: request.root, bounds: request.bounds });
  if (!run.ok) {
    const located = locateJsonnetError(run.stderr, file);
    return { ok: false as const, errors: [run.reason === 'exit' ? located : { ...located, message: `evaluating ${file}: jsonnet ${run.message}` }] };
  }
  return parseJsonnetOutput(run.stdout, file);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
