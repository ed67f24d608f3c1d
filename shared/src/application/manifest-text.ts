// Parses manifest text (YAML, possibly multi-document, or JSON) into plain objects without judging
// them; syntax errors come back with 1-based line and column. `kind: List` wrappers and top-level
// JSON arrays (as `kubectl get -o yaml|json` prints them) are unwrapped into their items.
import { parseAllDocuments } from 'yaml';
import type { FieldError } from './field-errors.ts';

/** Result of parsing manifest text. */
export type ParseResult = { ok: true; objects: unknown[] } | { ok: false; errors: FieldError[] };

/** YAML alias expansions allowed per document (guards against "billion laughs" input). */
const MAX_ALIAS_COUNT = 100;

/** Unwraps `{kind: List, items: [...]}` and top-level arrays into their elements. */
function unwrap(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(unwrap);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.kind === 'string' && record.kind.endsWith('List') && Array.isArray(record.items)) {
      return record.items.flatMap(unwrap);
    }
  }
  return [value];
}

/** Prefixes a message with the origin (file name or URL) when one is known. */
function withOrigin(origin: string | undefined, message: string): string {
  return origin !== undefined && origin !== '' ? `${origin}: ${message}` : message;
}

/** Parses strict JSON, or returns undefined when the text is not valid JSON. */
function tryJson(text: string): { value: unknown } | undefined {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** Parses YAML (multi-document) or JSON text into objects; empty documents are skipped. */
export function parseManifestText(text: string, origin?: string): ParseResult {
  const json = tryJson(text);
  if (json !== undefined) return { ok: true, objects: unwrap(json.value).filter((v) => v !== null && v !== undefined) };

  const errors: FieldError[] = [];
  const objects: unknown[] = [];
  const documents = parseAllDocuments(text, { uniqueKeys: true });
  documents.forEach((document, index) => {
    const where = documents.length > 1 ? `document ${index + 1}: ` : '';
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const position = error.linePos?.[0];
        const summary = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
        const at = position !== undefined ? ` at line ${position.line}, column ${position.col}` : '';
        errors.push({
          path: '',
          message: withOrigin(origin, `${where}YAML syntax error${at}: ${summary}`),
          ...(position !== undefined ? { line: position.line, column: position.col } : {}),
        });
      }
      return;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      errors.push({ path: '', message: withOrigin(origin, `${where}${(error as Error).message}`) });
      return;
    }
    if (value === null || value === undefined) return;
    objects.push(...unwrap(value));
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, objects };
}
