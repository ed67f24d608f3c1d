// Manifests shown as YAML, as kubectl and Argo CD show them, without a YAML library in the page:
// a small emitter for JSON values (block style, two-space indent, strings quoted only when plain
// YAML would read them as something else, multi-line strings as literal blocks). Pure.

const PLAIN = /^[A-Za-z0-9_./][A-Za-z0-9 _./:@()+=,-]*$/;
const SPECIAL = /^(true|false|yes|no|on|off|y|n|null|~|[-+]?(\.inf|\.nan)|[-+]?\.?[0-9].*)$/i;

function scalarString(value: string): string {
  if (value !== '' && PLAIN.test(value) && !SPECIAL.test(value) && !value.endsWith(' ') && !value.includes(': ') && !value.includes(' #') && !value.endsWith(':')) return value;
  return JSON.stringify(value);
}

const isBlockable = (value: string) => value.includes('\n') && !/[^\S\n]\n|\t/.test(value) && !value.startsWith(' ');

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return scalarString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function lines(value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}[]`];
    return value.flatMap((item) => {
      const inner = itemLines(item, `${indent}  `);
      return [`${indent}- ${inner[0]!.trimStart()}`, ...inner.slice(1)];
    });
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return [`${indent}{}`];
    return entries.flatMap(([key, v]) => entryLines(scalarString(key), v, indent));
  }
  return [`${indent}${scalar(value)}`];
}

function itemLines(value: unknown, indent: string): string[] {
  if (typeof value === 'string' && isBlockable(value)) return [`${indent}${blockHeader(value)}`, ...blockBody(value, indent)];
  return lines(value, indent);
}

const blockHeader = (value: string) => (value.endsWith('\n') ? (value.endsWith('\n\n') ? '|+' : '|') : '|-');
const blockBody = (value: string, indent: string) => value.replace(/\n$/, '').split('\n').map((line) => (line === '' ? '' : `${indent}  ${line}`));

function entryLines(key: string, value: unknown, indent: string): string[] {
  if (typeof value === 'string' && isBlockable(value)) return [`${indent}${key}: ${blockHeader(value)}`, ...blockBody(value, indent)];
  const isEmptyCollection = (Array.isArray(value) && value.length === 0) || (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);
  if (value !== null && typeof value === 'object' && !isEmptyCollection) {
    // Lists sit at the key's indent (kubectl's style); maps one level in.
    return [`${indent}${key}:`, ...lines(value, Array.isArray(value) ? indent : `${indent}  `)];
  }
  return [`${indent}${key}: ${lines(value, '')[0]}`];
}

/** A JSON value as YAML text (ends with a newline). */
export function toYaml(value: unknown): string {
  return `${lines(value, '').join('\n')}\n`;
}
