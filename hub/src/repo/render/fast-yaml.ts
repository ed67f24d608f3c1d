// A fast reader for the plain block YAML that tools print (helm template, kustomize build): block
// mappings and sequences, plain scalars (also folded over lines), single-line quoted scalars and
// flow collections, literal and folded block scalars. It reads a document into the same value the
// `yaml` library's parse and toJS give, resolving plain scalars with that library's own schema
// tags (so YAML 1.1 octals and booleans, and no timestamps, come out alike), and answers
// UNSUPPORTED for anything else it meets (anchors, aliases, tags, complex keys, duplicate keys,
// multi-line quoted or flow scalars, anything it does not know to be valid): the caller then
// parses that document with the full parser, which also says what is wrong with it. It exists
// because the full parser, which keeps a node tree with ranges and comments, takes 1.3 s of the
// event loop for a 4,000-object chart; this reads the same output in a few dozen milliseconds.
// Its parts: fast-yaml-split.ts (documents), fast-yaml-reader.ts (block structure),
// fast-yaml-scalars.ts (quoted and block scalars), fast-yaml-flow.ts (flow collections).
import { isScalar, parseDocument, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';
import { Unsupported, unsupported } from './fast-yaml-chars.ts';
import { BlockReader } from './fast-yaml-reader.ts';

export { lineRole, refusesCut, splitDocuments, type LineRole, type SplitDocuments } from './fast-yaml-split.ts';

/** What the fast reader answers for a document it leaves to the full parser. */
export const UNSUPPORTED: unique symbol = Symbol('unsupported');

/** Reads documents of one YAML dialect (the options given to the `yaml` library). */
export interface FastYaml {
  /** The value of the document in lines [from, to), or UNSUPPORTED; `undefined` when it holds no content. */
  read(lines: readonly string[], from: number, to: number, tabs?: boolean): { value: unknown; line: number } | undefined | typeof UNSUPPORTED;
}

type Tag = { test: RegExp; resolve: (value: string, onError: (message: string) => void, options: object) => unknown };

/** Plain scalars remembered with what they resolve to (keys and common values repeat across documents). */
const CACHE_ENTRIES = 8192;
const CACHE_KEY_LENGTH = 64;

/** A fast reader whose plain scalars resolve as the `yaml` library does with these options. */
export function createFastYaml(options: ParseOptions & DocumentOptions & SchemaOptions): FastYaml {
  const schema = parseDocument('', options).schema;
  // As the library's composer: the first default tag (in schema order) whose test matches.
  const tags = (schema.tags as unknown as (Tag & { default?: unknown; collection?: unknown })[])
    .filter((t) => t.default === true && !t.collection && t.test instanceof RegExp);
  const anyTag = new RegExp(tags.map((t) => `(?:${t.test.source})`).join('|'));
  const resolveOptions = { intAsBigInt: options.intAsBigInt ?? false };
  const onError = () => unsupported();
  const resolveTagged = (s: string): unknown => {
    if (!anyTag.test(s)) return s;
    for (const tag of tags) {
      if (!tag.test.test(s)) continue;
      const value = tag.resolve(s, onError, resolveOptions);
      return isScalar(value) ? value.value : value;
    }
    return s;
  };
  // Only primitive values are remembered: a resolved object would be shared between documents.
  const cache = new Map<string, unknown>();
  const resolvePlain = (s: string): unknown => {
    if (s.length > CACHE_KEY_LENGTH) return resolveTagged(s);
    const known = cache.get(s);
    if (known !== undefined || cache.has(s)) return known;
    const value = resolveTagged(s);
    if (value === null || typeof value !== 'object') {
      if (cache.size >= CACHE_ENTRIES) cache.clear();
      cache.set(s, value);
    }
    return value;
  };
  return {
    read(lines, from, to, tabs = true) {
      try {
        return new BlockReader(lines, to, resolvePlain, tabs).document(from);
      } catch (error) {
        if (error instanceof Unsupported) return UNSUPPORTED;
        throw error;
      }
    },
  };
}
