// Keeping Secret values out of the messages the agent sends: an apply or dry-run error (an
// admission webhook's or a ValidatingAdmissionPolicy's denial, a validation message) may quote the
// object it refused, and that text goes to the hub as a condition, a resource status message and
// an event, and into the agent's log. Every value of a Secret's `data` and `stringData` is replaced
// by `******` wherever it appears: as written, base64-encoded or decoded, JSON-escaped, and line by
// line for multi-line values (keys and certificates quoted in part). Values shorter than
// MIN_MASKED_LENGTH are left alone: masking "1" or "true" would scramble every message and hides
// nothing worth hiding. Pure: text and objects in, text out.

/** What a masked value becomes. */
export const MASK = '******';

/** Values shorter than this are not masked. */
export const MIN_MASKED_LENGTH = 4;

interface SecretLike {
  apiVersion?: unknown;
  kind?: unknown;
  data?: unknown;
  stringData?: unknown;
}

/** A core v1 Secret (the only kind whose data is secret by contract). */
export function isSecret(obj: unknown): obj is SecretLike {
  const o = obj as SecretLike | undefined;
  return typeof o === 'object' && o !== null && o.kind === 'Secret' && (o.apiVersion === undefined || o.apiVersion === 'v1');
}

function stringValues(map: unknown): string[] {
  if (typeof map !== 'object' || map === null) return [];
  return Object.values(map).filter((v): v is string => typeof v === 'string');
}

/** The forms a value may take in an error text: as is, JSON-escaped, and each of its lines. */
function forms(value: string): string[] {
  const escaped = JSON.stringify(value).slice(1, -1);
  return [value, escaped, ...value.split(/\r?\n/).map((line) => line.trim())];
}

/** Every text that would reveal a value of these Secrets, longest first. */
export function secretTexts(objects: readonly unknown[]): string[] {
  const texts = new Set<string>();
  for (const obj of objects) {
    if (!isSecret(obj)) continue;
    for (const encoded of stringValues(obj.data)) {
      for (const f of [...forms(encoded), ...forms(Buffer.from(encoded, 'base64').toString('utf8'))]) texts.add(f);
    }
    for (const plain of stringValues(obj.stringData)) {
      for (const f of [...forms(plain), ...forms(Buffer.from(plain, 'utf8').toString('base64'))]) texts.add(f);
    }
  }
  return [...texts].filter((t) => t.length >= MIN_MASKED_LENGTH && !t.includes('\uFFFD')).sort((a, b) => b.length - a.length);
}

/** The text with every value of the given Secrets (objects that are not Secrets are ignored) replaced by ******. */
export function maskSecretValues(text: string, objects: readonly unknown[]): string {
  let masked = text;
  for (const secret of secretTexts(objects)) masked = masked.split(secret).join(MASK);
  return masked;
}
