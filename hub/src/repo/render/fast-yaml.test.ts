// The fast YAML reader against the `yaml` library it stands in for: on every document it reads,
// the same value as the library's parse and toJS with the same options; on anything it does not
// know, UNSUPPORTED (never a different value). Rows of hand-written YAML (helm-style manifests,
// YAML 1.1 scalars, block scalars, flow collections, traps), then seeded random documents written
// by the library's stringifier in Go's and its own styles.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments, stringify, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';
import { createFastYaml, splitDocuments, UNSUPPORTED } from './fast-yaml.ts';

const OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  prettyErrors: false,
  customTags: (tags) => tags.filter((t) => typeof t !== 'object' || (t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME')),
};
const fast = createFastYaml(OPTIONS);

/** The library's documents' values (undefined for a document with errors, or that toJS refuses). */
function library(text: string): unknown[] {
  return parseAllDocuments(text, OPTIONS).map((doc) => {
    if (doc.errors.length > 0) return undefined;
    try {
      return doc.toJS({ maxAliasCount: 100 });
    } catch {
      return undefined;
    }
  });
}

/** The fast reader's documents' values (UNSUPPORTED where it declines); empty documents left out. */
function fastRead(text: string): unknown[] | undefined {
  const split = splitDocuments(text);
  if (!split) return undefined;
  const out: unknown[] = [];
  for (const { from, to } of split.documents) {
    const read = fast.read(split.lines, from, to, split.tabs);
    if (read === UNSUPPORTED) out.push(UNSUPPORTED);
    else if (read) out.push(read.value);
  }
  return out;
}

/** Asserts the fast reader agrees with the library; answers whether it read every document itself. */
function agree(text: string): boolean {
  const want = library(text).filter((v) => v !== null);
  const got = fastRead(text);
  if (!got) return false;
  const nonNull = got.filter((v) => v !== null);
  assert.equal(nonNull.length, want.length, `document count of ${JSON.stringify(text)}`);
  nonNull.forEach((v, i) => {
    if (v !== UNSUPPORTED) assert.deepEqual(v, want[i], `document ${i + 1} of ${JSON.stringify(text)}`);
  });
  return nonNull.every((v) => v !== UNSUPPORTED);
}

const deployment = `---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
    helm.sh/chart: web-1.2.3
  annotations:
    checksum/config: 5f1c2a  # a comment
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    spec:
      containers:
      - name: web
        image: "nginx:1.27"
        args: ["--port", "8080", -v]
        ports:
          - containerPort: 8080
            protocol: TCP
        env:
        - name: EMPTY
          value: ""
        - name: QUOTE
          value: 'it''s'
        resources: {}
        command: []
        securityContext:
          runAsNonRoot: true
---
# Source: web/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
data:
  nginx.conf: |
    server {
      listen 8080;

      location / { return 200; }
    }
  strip: |-
    a
    b
  folded: >
    one
    two

    three
  json: '{"a": 1}'
`;

describe('fast YAML reader', () => {
  // name | text | whether the fast reader reads it all itself
  const rows: [string, string, boolean][] = [
    ['helm-style manifests', deployment, true],
    ['YAML 1.1 scalars as Kubernetes reads them', 'a: 0644\nb: yes\nc: off\nd: ~\ne: 2026-12-01\nf: 1_000\ng: 0x1F\nh: .inf\ni: -.5\nj: 1e3\nk: 12:30\nl: Y\nm: NULL\nn:\no: +12\np: 0b101\nq: e5\nr: .NaN\n', true],
    ['keys resolve like values, then become strings', 'yes: 1\n1: a\n0644: b\n~: c\n1.50: d\n', true],
    ['quoted keys and values with escapes', '"a b": "x\\ty\\n\\u00e9\\x41\\"\\\\"\n\'c\': \'d\'\n', true],
    ['a top-level sequence and nested compact ones', '- - a\n  - b\n- c: 1\n  d: 2\n-\n- e\n', true],
    ['a sequence under a key at the key\'s indentation, then a key', 'a:\n- 1\n- 2\nb: 3\n', true],
    ['null values and empty items', 'a:\nb: # comment\nc:\n  -\n  - x\n', true],
    ['plain scalars folded over lines', 'description: This is a long\n  description that goes on\n\n  and on\nnext: 1\nlist:\n- first line\n  second line\n', true],
    ['comments everywhere', '# head\na: 1 # one\n  # indented comment\nb:\n  # before\n  c: 2\n# tail\n', true],
    ['flow collections', 'a: [1, "two", three, {x: 1, "y": [true, null]}]\nb: {"k":"v","n":2}\nc: [ ]\nd: { }\ne: [a, b,]\n', true],
    ['block scalar chomping and indentation indicators', 'a: |+\n  kept\n\nb: |2\n    two more\n  base\nc: >-\n  x\n\n\n  y\nd: |\n\n  after a blank\n', true],
    ['a block scalar in a sequence and as a compact mapping value', '- |\n  text\n- key: |\n    inner\n  other: x\n', true],
    ['an indented document', '  a: 1\n  b:\n    c: 2\n', true],
    ['several documents and empty ones', '---\na: 1\n---\n---\n# only a comment\n---\nb: 2\n', true],
    ['__proto__ and Object.prototype names are plain keys', '__proto__: x\nconstructor: y\ntoString: z\n', true],
    ['anchors and aliases', 'a: &x 1\nb: *x\n', false],
    ['tags', 'a: !!str 1\nb: !custom x\n', false],
    ['a merge key', 'base: &b {x: 1}\nm:\n  <<: *b\n', false],
    ['duplicate keys', 'a: 1\na: 2\n', false],
    ['keys equal once stringified', '1: a\n"1": b\n', false],
    ['multi-line quoted scalars', 'a: "one\n  two"\nb: \'three\n  four\'\n', false],
    ['multi-line flow collections', 'a: [1,\n  2]\n', false],
    ['complex keys', '? a\n: b\n', false],
    ['a folded scalar with more-indented lines', 'a: >\n  x\n    y\n  z\n', false],
    ['implicit keys inside values', 'a: b: c\n', false],
    ['a tab in indentation', 'a:\n\tb: 1\n', false],
    ['wrong indentation', 'a: 1\n  b: 2\n', false],
    ['a scalar document', 'just text\n', false],
    ['directives', '%YAML 1.1\n---\na: 1\n', false],
    ['nesting deeper than 100', `${'- '.repeat(150)}x\n---\nb: ${'['.repeat(150)}${']'.repeat(150)}\n`, false],
    ['nesting of 100', `a: ${'['.repeat(99)}${']'.repeat(99)}\nb:\n${Array.from({ length: 98 }, (_, i) => `${' '.repeat(2 * i + 2)}k${i}:`).join('\n')} x\n`, true],
  ];
  for (const [name, text, all] of rows) {
    it(name, () => {
      assert.equal(agree(text), all, all ? 'read by the fast reader' : 'left (at least partly) to the full parser');
    });
  }

  it('agrees with the library on seeded random documents in Go\'s and the library\'s styles', () => {
    let seed = 14;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const atoms = ['web', 'yes', 'No', 'on', '0644', '08', '1_000', '12:30', '2026-12-01', '-1', '+2', '.5', '1e3', 'e5', '~', 'null', '', ' ', ' lead', 'trail ',
      'a: b', 'a #b', '#c', 'x:', '- x', '[x]', '{x}', '"q"', "'s'", 'multi\nline', 'ends\n', 'two\n\n', '\ttab', 'é ü', 'tab\there', 'back\\slash', '*a', '&a', '!t', '%p', '@a', '`b', '?q', 'a,b', 'long '.repeat(20)];
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.45) {
        const k = random();
        return k < 0.6 ? pick(atoms) : k < 0.75 ? Math.floor(random() * 5000) : k < 0.85 ? random() < 0.5 : k < 0.9 ? null : random() * 100;
      }
      if (r < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 5); i > 0; i--) o[pick(atoms) || 'k'] = value(depth + 1);
      return o;
    };
    let readFast = 0;
    for (let n = 0; n < 600; n++) {
      const doc = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${n}` }, data: value(0) };
      const style = n % 3;
      const text = `---\n# Source: x/templates/${n}.yaml\n${stringify(doc, { version: '1.1', indentSeq: style !== 0, lineWidth: style === 2 ? 40 : 80, ...(style === 2 ? { flowCollectionPadding: false } : {}) })}`;
      if (agree(text)) readFast++;
    }
    assert.ok(readFast > 300, `the fast reader read ${readFast} of 600 documents itself`);
  });

  it('refuses to cut streams it would cut wrongly', () => {
    assert.equal(splitDocuments('a: 1\r\n'), undefined);
    assert.equal(splitDocuments('--- a: 1\n'), undefined);
    assert.equal(splitDocuments('a: 1\n...\n'), undefined);
    assert.deepEqual(splitDocuments('a: 1\n---\nb: 2\n')!.documents, [{ from: 0, to: 1 }, { from: 1, to: 4 }]);
  });
});
