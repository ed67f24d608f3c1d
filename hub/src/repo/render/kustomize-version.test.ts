// spec.source.kustomize.version: the pure choice of a binary (table), FLOTILLA_KUSTOMIZE_PATHS as
// findTools reads it, and the Kustomize driver running the chosen binary: the real kustomize behind
// two wrapper scripts (the default, and one registered as v4.5.7) that record each invocation, so a
// test sees which binary ran every `kustomize edit` and `kustomize build`.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseKustomize, parseKustomizePaths, parseKustomizeVersion } from './kustomize-version.ts';
import { renderKustomize } from './kustomize.ts';
import { findTools } from './tools.ts';
import type { RenderRequest } from './types.ts';

describe('chooseKustomize', () => {
  const fallback = { binary: '/bin/kustomize', version: 'v5.7.1' };
  const configured = { 'v4.5.7': '/opt/kustomize-4.5.7', '3.9.1': '/opt/kustomize-3.9.1' };
  // requested | the binary, or a fragment of the refusal
  const rows: [string | undefined, string | RegExp][] = [
    [undefined, '/bin/kustomize'],
    ['', '/bin/kustomize'],
    ['v5.7.1', '/bin/kustomize'],
    ['5.7.1', '/bin/kustomize'],
    ['v4.5.7', '/opt/kustomize-4.5.7'],
    ['4.5.7', '/opt/kustomize-4.5.7'],
    ['v3.9.1', '/opt/kustomize-3.9.1'],
    ['v5.4.3', /^spec\.source\.kustomize\.version: kustomize v5\.4\.3 is not available on the hub \(it has v5\.7\.1 \(the default\), v4\.5\.7, 3\.9\.1\): remove the field/],
    ['5.7', /kustomize 5\.7 is not available/],
  ];
  for (const [requested, expected] of rows) {
    it(`${JSON.stringify(requested)} → ${String(expected)}`, () => {
      const choice = chooseKustomize(requested, fallback, configured);
      if (typeof expected === 'string') assert.deepEqual(choice, { ok: true, binary: expected });
      else assert.ok(!choice.ok && expected.test(choice.message), JSON.stringify(choice));
    });
  }

  it('a default whose version is unknown matches nothing but the empty version', () => {
    const choice = chooseKustomize('v5.7.1', { binary: '/bin/kustomize', version: undefined }, {});
    assert.ok(!choice.ok && choice.message.includes('(it has no kustomize whose version it knows)'), JSON.stringify(choice));
  });
});

describe('parseKustomizePaths and parseKustomizeVersion', () => {
  // setting | versions, or a fragment of the error
  const rows: [string | undefined, Record<string, string> | string][] = [
    [undefined, {}],
    ['', {}],
    ['v4.5.7=/opt/k4', { 'v4.5.7': '/opt/k4' }],
    [' v4.5.7 = /opt/k4 , 3.9.1=/opt/k3,', { 'v4.5.7': '/opt/k4', '3.9.1': '/opt/k3' }],
    ['v4.5.7', 'expected version=/absolute/path/to/kustomize entries'],
    ['v4.5.7=kustomize', 'got "v4.5.7=kustomize"'],
    ['=/opt/k4', 'expected version='],
    ['v4.5.7=/a,4.5.7=/b', 'version 4.5.7 is listed twice'],
  ];
  for (const [text, expected] of rows) {
    it(`FLOTILLA_KUSTOMIZE_PATHS=${JSON.stringify(text)}`, () => {
      const parsed = parseKustomizePaths(text);
      if (typeof expected === 'string') assert.ok(!parsed.ok && parsed.message.includes(expected), JSON.stringify(parsed));
      else assert.deepEqual(parsed, { ok: true, versions: expected });
    });
  }

  const outputs: [string, string | undefined][] = [
    ['v5.7.1\n', 'v5.7.1'],
    ['{Version:kustomize/v4.5.7 GitCommit:56d82a8378dfc8dc3b3b1085e5a6e67b82966bd7 BuildDate:2022-08-02T16:35:54Z GoOs:linux GoArch:amd64}\n', 'v4.5.7'],
    ['5.0.0-rc.1\n', 'v5.0.0-rc.1'],
    ['unknown\n', undefined],
  ];
  for (const [stdout, expected] of outputs) {
    it(`kustomize version printing ${JSON.stringify(stdout.slice(0, 30))}`, () => assert.equal(parseKustomizeVersion(stdout), expected));
  }
});

const real = findTools().kustomize!;
const top = mkdtempSync(join(tmpdir(), 'kustomize-version-'));
after(() => rmSync(top, { recursive: true, force: true }));
const log = join(top, 'invocations.log');
/** A wrapper that records `<name> <subcommand>` and runs the real kustomize. */
function wrapper(name: string): string {
  const file = join(top, `kustomize-${name}`);
  writeFileSync(file, `#!/bin/sh\nprintf '%s %s\\n' '${name}' "$1" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  return file;
}
const tools = { kustomize: wrapper('default'), kustomizeVersions: { 'v4.5.7': wrapper('v4.5.7') } };

function request(kustomize: Record<string, unknown>): RenderRequest {
  const root = mkdtempSync(join(top, 'repo-'));
  cpSync(new URL('./testdata/kustomize/', import.meta.url).pathname, root, { recursive: true });
  return {
    root, path: 'base', appName: 'shop', namespace: 'shop', source: { repoURL: 'https://git.example/shop.git', path: 'base', kustomize },
    capabilities: { kubeVersion: 'v1.34.4', apiVersions: [] }, tools, bounds: { timeoutMs: 60_000, maxOutputBytes: 8 << 20 },
    refs: {}, kustomizeBuildOptions: [], helmCredentials: () => undefined,
  };
}

/** The invocations since the last call. */
function invocations(): string[] {
  const lines = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
  rmSync(log, { force: true });
  return lines;
}

describe('renderKustomize with spec.source.kustomize.version', () => {
  // kustomize options | the invocations, in order (`default version`, the probe, is made once per hub and left out)
  const rows: [string, Record<string, unknown>, string[]][] = [
    ['no version: the default', { namePrefix: 'a-' }, ['default edit', 'default build']],
    ['the default\'s own version (without the v): the default', { version: '5.7.1', namePrefix: 'a-' }, ['default edit', 'default build']],
    ['a configured version: that binary edits and builds', { version: 'v4.5.7', namePrefix: 'a-' }, ['v4.5.7 edit', 'v4.5.7 build']],
  ];
  for (const [name, options, expected] of rows) {
    it(name, async () => {
      invocations();
      const result = await renderKustomize(request(options));
      assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
      assert.ok(result.manifests.some((m) => (m as { metadata: { name: string } }).metadata.name === 'a-web'));
      assert.deepEqual(invocations().filter((l) => l !== 'default version'), expected);
    });
  }

  it('a version the hub lacks: a condition naming the field, the version asked and those available; no edit or build runs', async () => {
    invocations();
    const result = await renderKustomize(request({ version: 'v3.8.7', namePrefix: 'a-' }));
    assert.ok(!result.ok);
    assert.equal(result.errors[0]!.file, 'base');
    assert.match(result.errors[0]!.message, /^spec\.source\.kustomize\.version: kustomize v3\.8\.7 is not available on the hub \(it has v5\.7\.1 \(the default\), v4\.5\.7\)/);
    assert.deepEqual(invocations().filter((l) => l !== 'default version'), []);
  });
});

describe('findTools: FLOTILLA_KUSTOMIZE_PATHS', () => {
  it('adds the configured binaries by version', () => {
    const found = findTools({ ...process.env, FLOTILLA_KUSTOMIZE_PATHS: `v4.5.7=${tools.kustomizeVersions['v4.5.7']}` });
    assert.deepEqual(found.kustomizeVersions, { 'v4.5.7': tools.kustomizeVersions['v4.5.7'] });
    assert.equal(findTools({ ...process.env, FLOTILLA_KUSTOMIZE_PATHS: '' }).kustomizeVersions, undefined);
  });

  it('a malformed setting or a path that is not executable stops the hub at start', () => {
    assert.throws(() => findTools({ ...process.env, FLOTILLA_KUSTOMIZE_PATHS: 'v4.5.7' }), /FLOTILLA_KUSTOMIZE_PATHS: expected version=/);
    assert.throws(() => findTools({ ...process.env, FLOTILLA_KUSTOMIZE_PATHS: `v4.5.7=${log}.missing` }), /the kustomize for v4\.5\.7, .* is not an executable file/);
  });
});
