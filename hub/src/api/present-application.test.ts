// presentApplication, the parts multi-source applications add: status.sync.revisions and
// comparedTo.sources (as Argo CD's JSON carries them) and status.history. Columns: case, the
// stored application (and history), and what the JSON must (or must not) carry.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApplicationRecord } from '../store/applications.ts';
import type { HistoryEntry } from '../store/sync-history.ts';
import { presentApplication } from './present-application.ts';

const source = { repoURL: 'https://git.example.com/app.git', path: 'web' };
const sources = [{ repoURL: 'https://git.example.com/charts.git', path: 'chart' }, { repoURL: 'https://git.example.com/values.git', ref: 'values' }];
const single: ApplicationRecord = {
  name: 'web', project: 'default', metadata: {}, clusterId: 1, clusterName: 'edge', owner: null, repoUrl: 'git.example.com/app.git',
  spec: { source, destination: { name: 'edge' } }, bundleKey: 'sha256:b', revision: 'c1', revisions: null, conditions: [], generation: 1,
  operation: null, deletion: null, refreshedAt: null, createdAt: new Date(0), updatedAt: new Date(0), status: null,
};
const multi: ApplicationRecord = { ...single, spec: { sources, destination: { name: 'edge' } }, revisions: ['c1', 'v1'] };
const entry: HistoryEntry = {
  id: 7, revision: 'c1', revisions: ['c1', 'v1'], sources, bundleKey: 'sha256:b', operationId: 'op', initiatedBy: 'admin',
  deployedAt: new Date('2026-12-01T21:00:01Z'), deployStartedAt: new Date('2026-12-01T21:00:00Z'),
};

describe('presentApplication revisions and history', () => {
  const cases: [string, ApplicationRecord, HistoryEntry[] | undefined, (json: any) => void][] = [
    ['single source: one revision, no list', single, undefined, (json) => {
      assert.equal(json.status.sync.revision, 'c1');
      assert.equal('revisions' in json.status.sync, false);
      assert.deepEqual(json.status.sync.comparedTo, { source, destination: { name: 'edge' } });
      assert.equal('history' in json.status, false);
    }],
    ['multi-source: every source\'s revision, in order, and the sources compared', multi, undefined, (json) => {
      assert.equal(json.status.sync.revision, 'c1');
      assert.deepEqual(json.status.sync.revisions, ['c1', 'v1']);
      assert.deepEqual(json.status.sync.comparedTo.sources, sources);
    }],
    ['multi-source before its first render: no list', { ...multi, revisions: null, revision: null }, undefined, (json) => {
      assert.equal('revisions' in json.status.sync, false);
    }],
    ['history as Argo CD\'s RevisionHistory', multi, [entry], (json) => {
      assert.deepEqual(json.status.history, [{
        id: 7, revision: 'c1', revisions: ['c1', 'v1'], sources, deployedAt: '2026-12-01T21:00:01.000Z', deployStartedAt: '2026-12-01T21:00:00.000Z',
        initiatedBy: { username: 'admin' }, bundle: 'sha256:b',
      }]);
    }],
  ];
  for (const [name, app, history, check] of cases) {
    it(name, () => check(JSON.parse(JSON.stringify(presentApplication(app, undefined, undefined, history)))));
  }
});
