// A hub process killed outright (SIGKILL, as the OOM killer does) leaves its embedded PostgreSQL
// running; the next hub on the same data directory stops that orphan and starts with every record
// kept. A second hub on a directory a running hub uses is refused with a message saying so.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHubProcess, type HubProcess } from '../support/processes.ts';
import { isAlive } from '../cluster/processes.ts';

const root = new URL('../../', import.meta.url).pathname;
const postmasterPid = (hub: HubProcess) => Number(readFileSync(join(hub.dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);

describe('a killed hub', () => {
  let hub: HubProcess;
  let orphan = 0;
  before(async () => {
    hub = await startHubProcess();
  });
  after(async () => {
    await hub?.stop();
    if (orphan && isAlive(orphan)) process.kill(orphan, 'SIGKILL'); // a failed run must not leave it behind
  });

  it('is refused a second hub on the same data directory while it runs', () => {
    const second = spawnSync(process.execPath, [join(root, 'hub/bin/flotilla-hub.js'), '--data-dir', hub.dataDir, '--listen', '127.0.0.1:0'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, FLOTILLA_LOG_LEVEL: 'info' } });
    assert.equal(second.status, 1, second.stdout + second.stderr);
    assert.match(second.stdout + second.stderr, /belongs to a running hub \(pid \d+\)/);
    assert.ok(isAlive(postmasterPid(hub)), 'the running hub keeps its PostgreSQL');
  });

  it('comes back after SIGKILL with its records, and the orphaned PostgreSQL is stopped', async () => {
    const added = await hub.api('POST', '/api/v1/clusters', { name: 'survivor' });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    orphan = postmasterPid(hub);
    await hub.kill();
    assert.ok(isAlive(orphan), 'PostgreSQL outlives a killed hub');

    await hub.restart();
    assert.ok(!isAlive(orphan), 'the orphan is gone');
    assert.notEqual(postmasterPid(hub), orphan);
    const clusters = await hub.api('GET', '/api/v1/clusters');
    assert.deepEqual(clusters.body.items.map((c: any) => c.name), ['survivor']);
  });
});
