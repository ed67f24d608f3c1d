// What the fast YAML reader's parts share: the characters they test, the depth bound, and the
// bail-out. A part that meets anything it does not know calls `unsupported()`; the reader's entry
// (fast-yaml.ts) catches that and answers UNSUPPORTED, so the document goes to the full parser.

/** Thrown inside the reader when a document needs the full parser. */
export class Unsupported extends Error {}

/** Leaves the document to the full parser. */
export const unsupported = (): never => {
  throw new Unsupported();
};

export const SPACE = 0x20;
export const TAB = 0x09;
export const HASH = 0x23;
export const DASH = 0x2d;
export const COLON = 0x3a;
export const DOUBLE_QUOTE = 0x22;
export const SINGLE_QUOTE = 0x27;
export const OPEN_BRACKET = 0x5b;
export const OPEN_BRACE = 0x7b;

/** Characters a plain scalar (or plain key) may not start with here: indicators, quotes handled elsewhere. */
export const NOT_PLAIN_START = new Set([...'[]{},#&*!|>\'"%@`?:-'].map((c) => c.charCodeAt(0)));

/** Nesting deeper than this goes to the full parser (no stack overflow here). */
export const MAX_DEPTH = 100;

/** The first column at or after p that is not a space. */
export function skipSpaces(line: string, p: number): number {
  while (p < line.length && line.charCodeAt(p) === SPACE) p++;
  return p;
}
