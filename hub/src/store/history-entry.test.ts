// historyEntryOf: what a finished sync records. Columns: case, the application as stored, what the
// agent reported in status.sync, and the fields of the entry expected.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApplicationRecord } from './applications.ts';
import { historyEntryOf, type ReportedSync } from './history-entry.ts';

const base: ApplicationRecord = {
  name: 'web', project: 'default', metadata: {}, clusterId: 1, clusterName: 'edge', owner: null, repoUrl: 'git.example.com/app.git',
  spec: { source: { repoURL: 'https://git.example.com/app.git', path: 'web' }, destination: { name: 'edge' } },
  bundleKey: 'sha256:b1', revision: 'c1', revisions: null, conditions: [], generation: 1, operation: null, deletion: null,
  refreshedAt: null, createdAt: new Date(0), updatedAt: new Date(0), status: null,
};
const sources = [
  { repoURL: 'https://git.example.com/charts.git', path: 'chart', helm: { valueFiles: ['$values/prod.yaml'] } },
  { repoURL: 'https://user:secret@git.example.com/values.git', ref: 'values' },
];
const multi: ApplicationRecord = { ...base, spec: { sources, destination: { name: 'edge' } }, revisions: ['c1', 'v1'] };
const masked = [sources[0], { repoURL: 'https://user:******@git.example.com/values.git', ref: 'values' }];

describe('historyEntryOf', () => {
  const cases: [string, ApplicationRecord, ReportedSync, Record<string, unknown>][] = [
    ['single source: the reported revision and the source', base, { revision: 'c0', bundle: 'sha256:b0' },
      { revision: 'c0', bundleKey: 'sha256:b0', source: base.spec.source, revisions: undefined, sources: undefined }],
    ['single source, nothing reported: the hub\'s render', base, {}, { revision: 'c1', bundleKey: 'sha256:b1' }],
    ['multi-source: the revisions the agent reported, sources masked', multi, { revision: 'c1', revisions: ['c1', 'v0'] },
      { revision: 'c1', revisions: ['c1', 'v0'], sources: masked, source: undefined }],
    ['multi-source, an agent without revisions at the hub\'s commit: the hub\'s list', multi, { revision: 'c1' }, { revisions: ['c1', 'v1'] }],
    ['multi-source, an agent without revisions at another commit: no list', multi, { revision: 'c0' }, { revision: 'c0', revisions: undefined, sources: masked }],
    ['multi-source never rendered', { ...multi, revisions: null, revision: null }, {}, { revision: null, revisions: undefined }],
  ];
  for (const [name, app, reported, expected] of cases) {
    it(name, () => {
      const entry = historyEntryOf(app, reported, { id: 'op-1', initiatedBy: 'admin' });
      assert.equal(entry.operationId, 'op-1');
      assert.equal(entry.initiatedBy, 'admin');
      for (const [field, value] of Object.entries(expected)) assert.deepEqual(entry[field as keyof typeof entry], value, field);
    });
  }
});
