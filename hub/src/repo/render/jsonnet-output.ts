// What one `jsonnet` run answers, as render results: its JSON output as manifests (an object, an
// array of objects, or a Kubernetes List, as Argo CD takes them; null is nothing), and its error
// text located at the file, line and column it names (a static error starts with `file:line:col`,
// a runtime error's stack trace lists `file:line:col` frames, innermost first). Pure.
import type { RenderError } from './types.ts';

/** The manifests in jsonnet's output for `file`, or why it is not manifests. */
export function parseJsonnetOutput(stdout: string, file: string): { ok: true; manifests: object[] } | { ok: false; errors: RenderError[] } {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch (error) {
    return fail(file, `the jsonnet output is not JSON: ${(error as Error).message}`);
  }
  const top = Array.isArray(value) ? value : [value];
  const manifests: object[] = [];
  const errors: RenderError[] = [];
  top.forEach((item, i) => {
    const where = Array.isArray(value) ? `element ${i + 1} of the jsonnet output` : 'the jsonnet output';
    if (item == null) return;
    if (isObject(item) && typeof item['kind'] === 'string' && item['kind'].endsWith('List') && (Array.isArray(item['items']) || item['items'] === null)) {
      ((item['items'] ?? []) as unknown[]).forEach((sub, j) => sub != null && check(sub, `item ${j + 1} of the ${item['kind']} in ${where}`, file, manifests, errors));
    } else check(item, where, file, manifests, errors);
  });
  return errors.length ? { ok: false, errors } : { ok: true, manifests };
}

/** The error jsonnet wrote, at the innermost repository location it names (else at `file`). */
export function locateJsonnetError(stderr: string, file: string): RenderError {
  const message = stderr.trim() || 'jsonnet failed without a message';
  const location = /^(?:STATIC ERROR: )?([^\s:<>][^\s:]*):\(?(\d+):(\d+)/m.exec(message)
    ?? /^\t([^\s:<>][^\s:]*):\(?(\d+):(\d+)/m.exec(message);
  if (!location) return { file, message: `evaluating ${file}: ${message}` };
  return { file: location[1]!, line: Number(location[2]), column: Number(location[3]), message: `evaluating ${file}: ${message}` };
}

function check(value: unknown, where: string, file: string, manifests: object[], errors: RenderError[]): void {
  if (!isObject(value)) {
    errors.push({ file, message: `${where} is not a Kubernetes object: expected an object, found ${Array.isArray(value) ? 'an array' : JSON.stringify(value).slice(0, 60)}` });
    return;
  }
  const metadata = value['metadata'];
  const lacks: string[] = [];
  if (typeof value['apiVersion'] !== 'string' || value['apiVersion'] === '') lacks.push('a string "apiVersion"');
  if (typeof value['kind'] !== 'string' || value['kind'] === '') lacks.push('a string "kind"');
  if (!isObject(metadata)) lacks.push('a "metadata" object');
  else if (!nonEmpty(metadata['name']) && !nonEmpty(metadata['generateName'])) lacks.push('a string "metadata.name" (or "metadata.generateName")');
  if (lacks.length) errors.push({ file, message: `${where} is not a Kubernetes object: it lacks ${lacks.join(', ')}` });
  else manifests.push(value);
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function fail(file: string, message: string): { ok: false; errors: RenderError[] } {
  return { ok: false, errors: [{ file, message }] };
}
