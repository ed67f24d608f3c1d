// Loading node:http for its request function: through node-http.ts it leaves Node's bundled undici
// unloaded, where an ES module import of node:http loads it (the control row shows this runtime does).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

/** Whether a fresh Node process that imports `specifier` has loaded undici. */
function loadsUndici(specifier: string): boolean {
  const script = `await import(${JSON.stringify(specifier)}); console.log(process.moduleLoadList.some((m) => m.includes('undici')));`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim() === 'true';
}

describe('node-http', () => {
  // case | module imported | loads undici?
  const cases: [string, string, boolean][] = [
    ['an ES module import of node:http (control)', 'node:http', true],
    ['node-http.ts', new URL('./node-http.ts', import.meta.url).href, false],
    ['the Kubernetes client, which sends through it', new URL('../engine/kube.ts', import.meta.url).href, false],
  ];
  for (const [name, specifier, expected] of cases) it(name, () => assert.equal(loadsUndici(specifier), expected));

  it('exports http.request', async () => {
    const { httpRequest } = await import('./node-http.ts');
    const { createRequire } = await import('node:module');
    assert.equal(httpRequest, (createRequire(import.meta.url)('node:http') as typeof import('node:http')).request);
  });
});
