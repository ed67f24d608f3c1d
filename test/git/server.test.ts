// The Git harness serves real smart-HTTP that isomorphic-git (the hub's Git client) can clone and fetch.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import * as fs from 'node:fs';
import { startGitServer, type GitServer } from './server.ts';

const fixture = new URL('../fixtures/guestbook/', import.meta.url).pathname;

describe('git harness', () => {
  let server: GitServer;
  let secured: GitServer;
  const dirs: string[] = [];
  const scratch = () => {
    const d = mkdtempSync(join(tmpdir(), 'flotilla-clone-'));
    dirs.push(d);
    return d;
  };

  before(async () => {
    server = await startGitServer();
    secured = await startGitServer({ auth: { username: 'alice', password: 's3cret' } });
  });
  after(async () => {
    await server.close();
    await secured.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('serves a fixture repo that isomorphic-git clones, then fetches a pushed commit', async () => {
    const first = server.createRepo('apps', fixture);
    const dir = scratch();
    await git.clone({ fs, http, dir, url: `${server.url}/apps.git`, ref: 'main', singleBranch: true, depth: 1 });
    assert.equal(await git.resolveRef({ fs, dir, ref: 'HEAD' }), first);
    assert.match(readFileSync(join(dir, 'guestbook-ui-deployment.yaml'), 'utf8'), /kind: Deployment/);

    const second = server.commit('apps', { 'extra/config.yaml': 'kind: ConfigMap\n', 'guestbook-ui-svc.yaml': null }, 'add config, drop svc');
    assert.notEqual(second, first);
    await git.fetch({ fs, http, dir, url: `${server.url}/apps.git`, ref: 'main', singleBranch: true, depth: 1 });
    const fetched = await git.resolveRef({ fs, dir, ref: 'refs/remotes/origin/main' });
    assert.equal(fetched, second);
    const files = await git.listFiles({ fs, dir, ref: fetched });
    assert.ok(files.includes('extra/config.yaml'));
    assert.ok(!files.includes('guestbook-ui-svc.yaml'));
    const { blob } = await git.readBlob({ fs, dir, oid: fetched, filepath: 'extra/config.yaml' });
    assert.equal(Buffer.from(blob).toString('utf8'), 'kind: ConfigMap\n');
    assert.ok((server.requests.get('apps') ?? 0) >= 2);
  });

  it('serves branches and tags', async () => {
    server.createRepo('refs', { 'a.yaml': 'a: 1\n' });
    const dev = server.commit('refs', { 'a.yaml': 'a: 2\n' }, 'on dev', { branch: 'dev' });
    const tagged = server.tag('refs', 'v1.0.0');
    const refs = await git.listServerRefs({ http, url: `${server.url}/refs.git`, prefix: 'refs/' });
    assert.equal(refs.find((r) => r.ref === 'refs/heads/dev')?.oid, dev);
    assert.equal(refs.find((r) => r.ref === 'refs/tags/v1.0.0')?.oid, tagged);
    assert.equal(server.revParse('refs', 'main'), tagged);
  });

  it('demands basic auth when configured', async () => {
    secured.createRepo('private', { 'a.yaml': 'a: 1\n' });
    const url = `${secured.url}/private.git`;
    await assert.rejects(git.clone({ fs, http, dir: scratch(), url, depth: 1 }), (e: Error) => e.name === 'HttpError' && /401/.test(e.message));
    await assert.rejects(
      git.clone({ fs, http, dir: scratch(), url, depth: 1, onAuth: () => ({ username: 'alice', password: 'wrong' }), onAuthFailure: () => ({ cancel: true }) }),
    );
    const dir = scratch();
    await git.clone({ fs, http, dir, url, depth: 1, onAuth: () => ({ username: 'alice', password: 's3cret' }) });
    assert.equal(readFileSync(join(dir, 'a.yaml'), 'utf8'), 'a: 1\n');
  });
});
