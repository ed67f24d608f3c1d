// Whether the server named by postmaster.pid is nobody's (stale), a killed hub's orphan, or a running hub's.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { judgePostmaster, type OrphanVerdict } from './orphan-postgres.ts';

const PG = '/x/native/bin/postgres -D /data/postgres -p 41234';
describe('judgePostmaster', () => {
  const cases: { name: string; server: Parameters<typeof judgePostmaster>[0]; want: OrphanVerdict }[] = [
    { name: 'no such process: a stale pid file', server: { alive: false, command: '' }, want: 'none' },
    { name: 'the pid is another program now', server: { alive: true, command: '/usr/bin/sleep 100', parentPid: 1, parentCommand: '/sbin/init' }, want: 'none' },
    { name: 're-parented to init after its hub died', server: { alive: true, command: PG, parentPid: 1, parentCommand: '/sbin/init' }, want: 'orphan' },
    { name: 're-parented to a subreaper', server: { alive: true, command: PG, parentPid: 812, parentCommand: '/usr/lib/systemd/systemd --user' }, want: 'orphan' },
    { name: 'parent gone while we looked', server: { alive: true, command: PG, parentPid: 99999 }, want: 'orphan' },
    { name: 'child of a running hub (bin)', server: { alive: true, command: PG, parentPid: 4242, parentCommand: '/app/node_modules/node/bin/node /app/hub/bin/flotilla-hub.js --data-dir /data' }, want: 'owned' },
    { name: 'child of a hub run by npx', server: { alive: true, command: PG, parentPid: 4242, parentCommand: 'node /usr/lib/node_modules/.bin/flotilla-hub' }, want: 'owned' },
    { name: 'child of a Node process embedding the hub (tests)', server: { alive: true, command: PG, parentPid: 4242, parentCommand: 'node --test test/hub/x.test.ts' }, want: 'owned' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(judgePostmaster(c.server), c.want));
});
