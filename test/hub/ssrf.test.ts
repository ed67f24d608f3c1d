// Server-side request forgery (issue 13): the hub refuses to fetch link-local and cloud metadata
// addresses, named or spelled as IPs, directly or through a redirect, and with an allow-list set
// it fetches only from what the list names, judged on the address the connection dials.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import { startGitServer, type GitServer } from '../git/server.ts';

const configMap = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  value: "v1"\n`;

function application(name: string, repoURL: string) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: { project: 'default', source: { repoURL, path: 'config', targetRevision: 'main' }, destination: { name: 'edge', namespace: 'demo' } },
  };
}

/** Creates the app and waits for its first render or condition (within a few seconds: a refused fetch dials nothing). */
async function outcome(t: TestHub, name: string, repoURL: string): Promise<{ bundle?: string; message?: string }> {
  const created = await t.api('POST', '/api/v1/applications', application(name, repoURL));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return eventually(`${name} refreshed`, async () => {
    const { status } = (await t.api('GET', `/api/v1/applications/${name}`)).body;
    if (status.bundle) return { bundle: status.bundle };
    const condition = status.conditions.find((c: any) => c.type === 'ComparisonError');
    return condition ? { message: condition.message } : undefined;
  }, 8_000);
}

async function hubWith(options: Parameters<typeof startTestHub>[0]): Promise<TestHub> {
  const t = await startTestHub({ pollIntervalMs: 3_600_000, ...options });
  assert.equal((await t.api('POST', '/api/v1/clusters', { name: 'edge' })).status, 201);
  return t;
}

describe('repository URL policy', () => {
  let git: GitServer;
  let redirector: Server;
  let redirectUrl: string;
  const hubs: TestHub[] = [];
  before(async () => {
    git = await startGitServer();
    git.createRepo('apps', { 'config/cm.yaml': configMap });
    // A Git "server" that sends every request to the cloud metadata address.
    redirector = createServer((req, res) => res.writeHead(302, { location: `http://169.254.169.254/latest/meta-data${req.url}` }).end());
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    redirectUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/moved.git`;
  });
  after(async () => {
    for (const t of hubs) await t.stop(true);
    redirector.closeAllConnections();
    await new Promise((resolve) => redirector.close(resolve));
    await git.close();
  });

  it('refuses link-local and metadata addresses by default, and still fetches from loopback', async () => {
    const t = await hubWith({});
    hubs.push(t);
    // [app, repoURL, reason]
    const rows: [string, string, RegExp][] = [
      ['aws', 'http://169.254.169.254/latest/meta-data.git', /refuses to fetch http:\/\/169\.254\.169\.254\/.*: 169\.254\.169\.254 is a cloud metadata address/],
      ['aws-decimal', 'http://2852039166/latest.git', /169\.254\.169\.254 is a cloud metadata address/],
      ['aws-v6', 'http://[fd00:ec2::254]/latest.git', /fd00:ec2::254 is a cloud metadata address/],
      ['mapped', 'http://[::ffff:169.254.169.254]/latest.git', /is a cloud metadata address/],
      ['gcp', 'http://metadata.google.internal/computeMetadata/v1.git', /metadata\.google\.internal is a cloud metadata service/],
      ['link-local', 'http://169.254.3.4:8080/x.git', /169\.254\.3\.4 is a link-local address/],
      ['link-local-v6', 'http://[fe80::1]:8080/x.git', /fe80::1 is a link-local address/],
      ['redirected', redirectUrl, /refuses to connect to http:\/\/169\.254\.169\.254\/latest\/meta-data\/moved\.git\/info\/refs.*: 169\.254\.169\.254 is a cloud metadata address/],
    ];
    for (const [name, url, reason] of rows) {
      const got = await outcome(t, name, url);
      assert.equal(got.bundle, undefined, name);
      assert.match(got.message ?? '', reason, name);
    }
    assert.ok((await outcome(t, 'loopback', `${git.url}/apps.git`)).bundle);

    // Registering such a repository is refused at once.
    const refused = await t.api('POST', '/api/v1/repositories', { url: 'http://169.254.169.254/latest.git', username: 'u', password: 'p' });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error.message, /metadata/);
  });

  it('with an allow-list, fetches only from the hosts and networks it names, judged on the dialed address', async () => {
    const byName = await hubWith({ repoAllowList: ['git.example.com', '*.corp.example'] });
    hubs.push(byName);
    assert.match((await outcome(byName, 'loopback', `${git.url}/apps.git`)).message ?? '', /127\.0\.0\.1 is not in the hub's repository allow-list \(git\.example\.com, \*\.corp\.example\)/);

    // localhost is no name on the list; what it resolves to (loopback) is not in 10.0.0.0/8.
    const byNetwork = await hubWith({ repoAllowList: ['10.0.0.0/8'] });
    hubs.push(byNetwork);
    const local = git.url.replace('127.0.0.1', 'localhost');
    assert.match((await outcome(byNetwork, 'resolved', `${local}/apps.git`)).message ?? '', /localhost \((127\.0\.0\.1|::1)\) is not in the hub's repository allow-list \(10\.0\.0\.0\/8\)/);

    const loopback = await hubWith({ repoAllowList: ['127.0.0.0/8', '::1'] });
    hubs.push(loopback);
    assert.ok((await outcome(loopback, 'resolved', `${local}/apps.git`)).bundle);
    assert.ok((await outcome(loopback, 'literal', `${git.url}/apps.git`)).bundle);
  });

  it('does not start with an allow-list entry it cannot read', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-hub-'));
    try {
      await assert.rejects(startTestHub({ dataDir, repoAllowList: ['https://git.example.com/org'] }), /allow-list entry "https:\/\/git\.example\.com\/org" is neither a host name glob/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
