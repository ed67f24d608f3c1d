// spec.source.directory.disableExtensionFilter, in both places a directory source is read: the
// in-memory renderDirectory (files from Git) and the checkout walk of renderJsonnet (the driver of
// directories with Jsonnet or symlinks). By default only .yaml, .yml, .json and
// .jsonnet files are candidates; with the filter disabled every file is, include/exclude select,
// and a file not named .json is read as YAML (Argo CD's getPotentiallyValidManifests).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderDirectory, type DirectoryOptions, type RepoFile } from '../render-directory.ts';
import { renderJsonnet } from './jsonnet.ts';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const FILES: RepoFile[] = [
  { path: 'app/a.yaml', content: cm('plain') },
  { path: 'app/b.yaml.sealed', content: cm('sealed') },
  { path: 'app/c.manifest', content: cm('custom') },
  { path: 'app/README.md', content: '# notes, not a manifest\n' },
];

const top = mkdtempSync(join(tmpdir(), 'directory-extension-filter-'));
after(() => rmSync(top, { recursive: true, force: true }));
mkdirSync(join(top, 'app'));
for (const f of FILES) writeFileSync(join(top, f.path), f.content);

// options | the ConfigMaps rendered, in walk order
const rows: [string, DirectoryOptions, string[]][] = [
  ['default: only manifest extensions', {}, ['plain']],
  ['disableExtensionFilter: false is the default', { disableExtensionFilter: false }, ['plain']],
  ['disabled, with include selecting the custom extension', { disableExtensionFilter: true, include: '*.yaml.sealed' }, ['sealed']],
  ['disabled, with exclude only: every other file, the README read as YAML that is no manifest and skipped', { disableExtensionFilter: true, exclude: '*.sealed' }, ['plain', 'custom']],
  ['disabled, nothing else: every file', { disableExtensionFilter: true }, ['plain', 'sealed', 'custom']],
  ['include alone cannot reach past the extension filter', { include: '*.yaml.sealed' }, []],
];

describe('directory.disableExtensionFilter', () => {
  for (const [name, options, want] of rows) {
    it(`renderDirectory: ${name}`, () => {
      const result = renderDirectory(FILES, 'app', options);
      assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
      assert.deepEqual(result.manifests.map((m) => (m as { metadata: { name: string } }).metadata.name), want);
    });
    it(`the checkout walk (renderJsonnet): ${name}`, async () => {
      const result = await renderJsonnet({
        root: top, path: 'app', appName: 'demo', namespace: 'demo', source: { repoURL: 'https://git.example/demo.git', path: 'app', directory: { ...options } },
        capabilities: { kubeVersion: '', apiVersions: [] }, tools: {}, bounds: { timeoutMs: 30_000, maxOutputBytes: 1 << 20 },
        refs: {}, kustomizeBuildOptions: [], helmCredentials: () => undefined,
      });
      assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
      assert.deepEqual(result.manifests.map((m) => (m as { metadata: { name: string } }).metadata.name), want);
    });
  }
});
