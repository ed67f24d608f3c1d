// helm's output read chunk by chunk answers exactly what parseHelmOutput answers for the whole
// text, however the chunks fall: inside a line, a `---`, a `# Source:` line, a multi-byte
// character; with what refuses the cut (a carriage return, a byte order mark, `...`, a
// directive) arriving late; with tabs, errors, and documents left to the yaml library.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseHelmOutput, sourceToRepoPath } from './helm-output.ts';
import { HelmOutputReader } from './helm-output-stream.ts';

const fileOf = (s: string) => sourceToRepoPath(s, 'charts/web');
const cm = (name: string, extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}`;
const doc = (template: string, body: string) => `---\n# Source: web/templates/${template}\n${body}`;

/** The reader's answer for `bytes` pushed in chunks of `size` bytes (and its counts). */
function streamed(bytes: Buffer, size: number): { got: unknown; counts: { fast: number; full: number } } {
  const counts = { fast: 0, full: 0 };
  const reader = new HelmOutputReader(fileOf, 'charts/web', { counts });
  for (let o = 0; o < bytes.length; o += size) reader.push(bytes.subarray(o, o + size));
  return { got: reader.end(), counts };
}

/** Asserts every chunking of `text` answers as parseHelmOutput does, counts included. */
function agrees(text: string, sizes: number[] = [1, 2, 3, 5, 7, 16, 64, 1 << 20]): void {
  const counts = { fast: 0, full: 0 };
  const want = parseHelmOutput(text, fileOf, 'charts/web', { counts });
  for (const size of sizes) {
    const got = streamed(Buffer.from(text, 'utf8'), size);
    assert.deepEqual(got.got, want, `chunks of ${size} bytes`);
    assert.deepEqual(got.counts, counts, `documents read by each reader, chunks of ${size} bytes`);
  }
}

describe('HelmOutputReader', () => {
  const rows: [string, string][] = [
    ['documents in output order', `${doc('a.yaml', cm('a'))}${doc('b.yaml', cm('b'))}`],
    ['no output at all', ''],
    ['no final line end', doc('a.yaml', cm('a')).trimEnd()],
    ['empty documents', `${doc('empty.yaml', '')}${doc('a.yaml', cm('a'))}---\n`],
    ['multi-byte characters split across chunks', doc('a.yaml', cm('a', 'data:\n  greeting: "héllo wörld ✓ 𝄞"\n  plain: naïve café\n'))],
    ['a List expanded', doc('l.yaml', `apiVersion: v1\nkind: ConfigMapList\nitems:\n- ${cm('x').trimEnd().replaceAll('\n', '\n  ')}\n`)],
    ['a tab in one document only', `${doc('a.yaml', cm('a', 'data:\n  t: "x\ty"\n'))}${doc('b.yaml', cm('b', 'data:\n\tbad: 1\n'))}${doc('c.yaml', cm('c'))}`],
    ['a document left to the yaml library', `${doc('a.yaml', cm('a'))}${doc('b.yaml', cm('b', 'data:\n  first: &x 1\n  second: *x\n'))}${doc('c.yaml', cm('c'))}`],
    ['a non-object and a syntax error, with their lines', `${doc('a.yaml', cm('a'))}${doc('s.yaml', 'logLevel: debug\n')}${doc('bad.yaml', 'apiVersion: v1\nkind: [\n')}`],
    ['a carriage return late in the output', `${doc('a.yaml', cm('a'))}${doc('b.yaml', cm('b', 'data:\n  x: "1"\r\n'))}`],
    ['a byte order mark', `\uFEFF${doc('a.yaml', cm('a'))}`],
    ['a `...` line late', `${doc('a.yaml', cm('a'))}...\n${doc('b.yaml', cm('b'))}`],
    ['a `--- content` line late', `${doc('a.yaml', cm('a'))}--- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n`],
    ['a directive late', `${doc('a.yaml', cm('a'))}%YAML 1.1\n${doc('b.yaml', cm('b'))}`],
    ['U+2028 in a value (the Source pattern sees a line end there)', `${doc('a.yaml', cm('a', 'data:\n  x: "a\u2028b"\n'))}${doc('b.yaml', cm('b'))}`],
    ['a document without a header', cm('x').replace('name: x', 'namespace: y')],
  ];
  for (const [name, text] of rows) {
    it(name, () => agrees(text));
  }

  // helm's output of real charts (testdata/helm/output/*.yaml), in chunks as a pipe delivers them.
  const outputs = new URL('./testdata/helm/output/', import.meta.url).pathname;
  for (const name of readdirSync(outputs).filter((f) => f.endsWith('.yaml'))) {
    it(`reads ${name} as parseHelmOutput does`, () => agrees(readFileSync(join(outputs, name), 'utf8'), [13, 4096, 65536]));
  }

  it('reads documents as they arrive, before the output ends', () => {
    const counts = { fast: 0, full: 0 };
    const reader = new HelmOutputReader(fileOf, 'charts/web', { counts });
    reader.push(Buffer.from(`${doc('a.yaml', cm('a'))}${doc('b.yaml', cm('b'))}---\n# Source: web/te`));
    assert.equal(counts.fast, 0, 'counted when assembled');
    const got = reader.end();
    assert.ok(got.ok);
    assert.deepEqual(got.manifests.map((m) => (m as { metadata: { name: string } }).metadata.name), ['a', 'b']);
  });

  it('ignores chunks after the end', () => {
    const reader = new HelmOutputReader(fileOf, 'charts/web');
    reader.push(Buffer.from(doc('a.yaml', cm('a'))));
    const first = reader.end();
    reader.push(Buffer.from(doc('b.yaml', cm('b'))));
    assert.deepEqual(reader.end(), first);
  });
});
