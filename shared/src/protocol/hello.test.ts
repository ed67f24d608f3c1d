// The hello's capabilities are bounded: a version of at most 64 characters, at most
// MAX_API_VERSIONS entries of 1 to 256 characters; anything else is a protocol error.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAgentMessage } from './codec.ts';
import { MAX_API_VERSIONS } from './hello.ts';

const hello = (capabilities: unknown) => JSON.stringify({ type: 'hello', protocol: 1, agentVersion: '0.1.0', lastRevision: 0, kubernetesVersion: 'v1.34.4', capabilities });

describe('hello capabilities', () => {
  // case | capabilities | accepted | path of the issue
  const rows: [string, unknown, boolean, string][] = [
    ['a version and API versions', { kubeVersion: 'v1.34.4', apiVersions: ['apps/v1', 'apps/v1/Deployment', 'v1'] }, true, ''],
    ['none served', { kubeVersion: 'v1.34.4', apiVersions: [] }, true, ''],
    ['the most entries', { kubeVersion: 'v1.34.4', apiVersions: Array.from({ length: MAX_API_VERSIONS }, (_, i) => `g${i}.example.com/v1`) }, true, ''],
    ['one entry too many', { kubeVersion: 'v1.34.4', apiVersions: Array.from({ length: MAX_API_VERSIONS + 1 }, (_, i) => `g${i}/v1`) }, false, 'capabilities.apiVersions'],
    ['an entry too long', { kubeVersion: 'v1.34.4', apiVersions: ['x'.repeat(257)] }, false, 'capabilities.apiVersions[0]'],
    ['an empty entry', { kubeVersion: 'v1.34.4', apiVersions: [''] }, false, 'capabilities.apiVersions[0]'],
    ['a version too long', { kubeVersion: 'v'.repeat(65), apiVersions: [] }, false, 'capabilities.kubeVersion'],
    ['no API versions', { kubeVersion: 'v1.34.4' }, false, 'capabilities.apiVersions'],
    ['an unknown field', { kubeVersion: 'v1.34.4', apiVersions: [], platform: 'eks' }, false, 'capabilities.platform'],
  ];
  for (const [name, capabilities, accepted, path] of rows) {
    it(`${accepted ? 'accepts' : 'refuses'} ${name}`, () => {
      const decoded = decodeAgentMessage(hello(capabilities), 4 << 20);
      assert.equal(decoded.ok, accepted, decoded.ok ? '' : `${decoded.issue.path}: ${decoded.issue.message}`);
      if (!decoded.ok) assert.equal(decoded.issue.path, path);
    });
  }
});
