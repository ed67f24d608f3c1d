// TLS between agents, the CLI and the hub: a hub with a certificate it generated serves HTTPS and
// keeps that certificate across restarts; `cluster add` prints the fingerprint it serves; the real
// agent connects when it pins that fingerprint or trusts the certificate as a CA file, refuses a
// hub whose certificate does not match (sending nothing: its one-time token still works after),
// refuses plain http to a non-loopback hub at start, and refuses a bundle over its size limit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { startHub, type Hub } from '../../hub/src/hub.ts';
import { readInitialPassword } from '../../hub/src/store/accounts.ts';
import { eventually } from '../support/hub.ts';
import { runCli } from '../support/cli.ts';
import { startAgentProcess, type AgentProcess } from '../support/processes.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { testLogger } from '../support/secret-ledger.ts';

const root = new URL('../../', import.meta.url).pathname;
const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

/** An HTTPS call trusting `ca`; answers the status and parsed JSON. */
function call(url: string, method: string, path: string, options: { ca?: string; token?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), {
      method,
      ca: options.ca,
      headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(payload ? { 'content-type': 'application/json' } : {}) },
    }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** The SHA-256 fingerprint of the certificate a TLS server presents. */
function servedFingerprint(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

/** A kubeconfig for a cluster that is not there: the agent runs on and talks to the hub all the same. */
function fakeKubeconfig(dir: string): string {
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, `apiVersion: v1\nkind: Config\ncurrent-context: none\ncontexts: [{name: none, context: {cluster: none, user: none}}]\nclusters: [{name: none, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: none, user: {token: none}}]\n`);
  return path;
}

/** Runs the agent bin to its exit (for flags it refuses at start). */
function runAgent(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'agent/bin/flotilla-agent.js'), ...args], { timeout: 30_000 }, (error, _out, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr });
    });
  });
}

describe('TLS', () => {
  const work = mkdtempSync(join(tmpdir(), 'flotilla-tls-'));
  const dataDir = join(work, 'hub');
  const kubeconfig = fakeKubeconfig(work);
  let hub: Hub;
  let ca: string;
  let token: string;
  let git: GitServer;
  const agents: AgentProcess[] = [];
  const start = () => startHub({ dataDir, listen: '127.0.0.1:0', tls: { selfSigned: true }, heartbeatIntervalMs: 1000, pollIntervalMs: 3_600_000, log: testLogger('hub-test') });
  const addCluster = async (name: string) => {
    const added = await call(hub.url, 'POST', '/api/v1/clusters', { ca, token, body: { name } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    return added.body as { bootstrapToken: string; installCommand: string; hubFingerprint?: string };
  };
  const clusterStatus = async (name: string) => (await call(hub.url, 'GET', `/api/v1/clusters/${name}`, { ca, token })).body.info.connectionState.status as string;
  const agent = (bootstrapToken: string, args: string[]) => {
    const stateDir = mkdtempSync(join(work, 'agent-'));
    const started = startAgentProcess(hub.url, bootstrapToken, kubeconfig, stateDir, ['--state-dir', stateDir, ...args]);
    agents.push(started);
    return started;
  };
  const logOf = (a: AgentProcess) => readFileSync(a.logFile, 'utf8');

  before(async () => {
    git = await startGitServer();
    git.createRepo('fleet', { 'config/settings.yaml': configMap('settings', 'v1') });
    hub = await start();
    ca = readFileSync(join(dataDir, 'tls', 'hub.crt'), 'utf8');
    const login = await call(hub.url, 'POST', '/api/v1/session', { ca, body: { username: 'admin', password: readInitialPassword(dataDir) } });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    token = login.body.token;
  });
  after(async () => {
    for (const a of agents) await a.stop().catch(() => {});
    await hub?.close();
    await git?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('serves HTTPS with a certificate it generated into the data directory, and keeps it across restarts', async () => {
    assert.match(hub.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await call(hub.url, 'GET', '/readyz', { ca })).status, 200);
    // Not trusted by the system CAs: a client must pin it or be given it.
    await assert.rejects(fetch(`${hub.url}/readyz`));
    const served = await servedFingerprint(hub.url);
    assert.equal(served, new X509Certificate(ca).fingerprint256);
    assert.equal(hub.tls?.fingerprint, served);
    assert.match(new X509Certificate(ca).subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
    await hub.close();
    hub = await start();
    assert.equal(await servedFingerprint(hub.url), served, 'a restart serves the same certificate');
    const login = await call(hub.url, 'POST', '/api/v1/session', { ca, body: { username: 'admin', password: readInitialPassword(dataDir) } });
    token = login.body.token;
  });

  it('cluster add answers and prints the fingerprint the hub serves, and the CLI trusts the hub by it', async () => {
    const served = await servedFingerprint(hub.url);
    const added = await addCluster('api-pin');
    assert.equal(added.hubFingerprint, served);
    assert.ok(added.installCommand.includes(`--hub ${hub.url} --hub-fingerprint ${served} --token ${added.bootstrapToken}`), added.installCommand);

    const config = join(work, 'cli.json');
    const password = readInitialPassword(dataDir)!;
    const untrusted = await runCli(config, ['login', hub.url, '--password', password]);
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /self-signed certificate.*--hub-fingerprint/);
    const wrong = await runCli(config, ['login', hub.url, '--password', password, '--hub-fingerprint', 'ab'.repeat(32)]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /not the pinned AB:AB/);
    const pinned = await runCli(config, ['login', hub.url, '--password', password, '--hub-fingerprint', served]);
    assert.equal(pinned.code, 0, pinned.stderr);
    assert.equal(JSON.parse(readFileSync(config, 'utf8')).hubFingerprint, served);
    const printed = await runCli(config, ['cluster', 'add', 'cli-pin']);
    assert.equal(printed.code, 0, printed.stderr);
    assert.ok(printed.stdout.includes(`SHA-256 ${served}`), printed.stdout);
    assert.ok(printed.stdout.includes(`--hub-fingerprint ${served}`), printed.stdout);

    const caConfig = join(work, 'cli-ca.json');
    writeFileSync(join(work, 'hub.crt'), ca);
    assert.equal((await runCli(caConfig, ['login', hub.url, '--password', password, '--ca-file', join(work, 'hub.crt')])).code, 0);
    assert.equal((await runCli(caConfig, ['cluster', 'list'])).code, 0);
  });

  it('an agent pinning the fingerprint connects and downloads its bundles over HTTPS', async () => {
    const added = await addCluster('edge-pin');
    const a = agent(added.bootstrapToken, ['--hub-fingerprint', added.hubFingerprint!]);
    await eventually('edge-pin connected', async () => (await clusterStatus('edge-pin')) === 'Successful', 30_000, 200);
    const app = {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'settings' },
      spec: { project: 'default', source: { repoURL: `${git.url}/fleet.git`, path: 'config', targetRevision: 'main' }, destination: { name: 'edge-pin', namespace: 'demo' } },
    };
    assert.equal((await call(hub.url, 'POST', '/api/v1/applications', { ca, token, body: app })).status, 201);
    await eventually('the bundle stored by the agent', async () => readdirSync(a.stateDir).some((f) => f.startsWith('bundle-')), 30_000, 200);
  });

  it('an agent trusting the certificate as a CA file connects', async () => {
    const added = await addCluster('edge-ca');
    const caFile = join(work, 'ca.pem');
    writeFileSync(caFile, ca);
    agent(added.bootstrapToken, ['--ca-file', caFile]);
    await eventually('edge-ca connected', async () => (await clusterStatus('edge-ca')) === 'Successful', 30_000, 200);
  });

  it('an agent whose pin does not match refuses the hub and sends it nothing', async () => {
    const added = await addCluster('edge-wrong');
    const wrong = agent(added.bootstrapToken, ['--hub-fingerprint', `sha256:${'0'.repeat(64)}`]);
    await eventually('the refusal in the log', async () => /not trusted: nothing was sent/.test(logOf(wrong)), 30_000, 200);
    assert.match(logOf(wrong), /has fingerprint [0-9A-F:]{95}, not the pinned 00:00/);
    assert.equal(await clusterStatus('edge-wrong'), 'Unknown');
    await wrong.stop();
    // The one-time token never left the agent: the right agent can still redeem it.
    agent(added.bootstrapToken, ['--hub-fingerprint', added.hubFingerprint!]);
    await eventually('edge-wrong connected with the right pin', async () => (await clusterStatus('edge-wrong')) === 'Successful', 30_000, 200);
  });

  it('an agent without a usable CA does not connect to the self-signed hub', async () => {
    const added = await addCluster('edge-none');
    const plain = agent(added.bootstrapToken, []);
    await eventually('the refusal in the log', async () => /self-signed certificate/.test(logOf(plain)), 30_000, 200);
    assert.equal(await clusterStatus('edge-none'), 'Unknown');
  });

  it('refuses plain http to a non-loopback hub at start, and warns on loopback', async () => {
    const refused = await runAgent(['--hub', 'http://hub.invalid:8080', '--token', 'flt_b_x', '--kubeconfig', kubeconfig, '--state-dir', join(work, 'never')]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /refusing plain http to hub\.invalid, which is not a loopback address/);
    const pinnedPlain = await runAgent(['--hub', 'http://127.0.0.1:9', '--hub-fingerprint', 'ab'.repeat(32), '--token', 'flt_b_x', '--kubeconfig', kubeconfig]);
    assert.equal(pinnedPlain.code, 2);
    assert.match(pinnedPlain.stderr, /give an https:\/\/ hub URL/);
    const loopback = startAgentProcess('http://127.0.0.1:9', 'flt_b_x', kubeconfig, mkdtempSync(join(work, 'agent-')));
    agents.push(loopback);
    await eventually('the warning in the log', async () => /plain http: the connection is not encrypted/.test(logOf(loopback)), 30_000, 200);
  });

  it('an agent refuses a bundle over its size limit and keeps no part of it', async () => {
    const added = await addCluster('edge-small');
    const small = agent(added.bootstrapToken, ['--hub-fingerprint', added.hubFingerprint!, '--max-bundle-bytes', '64']);
    await eventually('edge-small connected', async () => (await clusterStatus('edge-small')) === 'Successful', 30_000, 200);
    const app = {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'small' },
      spec: { project: 'default', source: { repoURL: `${git.url}/fleet.git`, path: 'config', targetRevision: 'main' }, destination: { name: 'edge-small', namespace: 'demo' } },
    };
    assert.equal((await call(hub.url, 'POST', '/api/v1/applications', { ca, token, body: app })).status, 201);
    const condition = await eventually('the size condition', async () => {
      const got = await call(hub.url, 'GET', '/api/v1/applications/small', { ca, token });
      return (got.body.status?.conditions ?? []).find((c: { message: string }) => /larger than this agent accepts/.test(c.message));
    }, 30_000, 200);
    assert.match(condition.message, /--max-bundle-bytes 64\); not downloaded/);
    assert.ok(!readdirSync(small.stateDir).some((f) => f.startsWith('bundle-')));
  });
});
