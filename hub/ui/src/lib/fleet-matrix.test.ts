// Tables: an application's row (source key and label), short revisions, and the matrix of a page.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildMatrix, shortRevision, sourceKey, type MatrixApp } from './fleet-matrix.ts';

const app = (name: string, cluster: string, source: MatrixApp['spec']['source'], status: { sync?: string; health?: string; revision?: string } = {}): MatrixApp => ({
  metadata: { name }, spec: { source },
  status: { cluster: { name: cluster }, sync: { status: status.sync, revision: status.revision }, health: { status: status.health } },
});

describe('sourceKey', () => {
  const rows: [MatrixApp['spec'], { key: string; label: string }][] = [
    [{ source: { repoURL: 'https://git.example/apps.git', path: 'guestbook' } }, { key: 'https://git.example/apps#guestbook', label: 'apps/guestbook' }],
    [{ source: { repoURL: 'https://git.example/apps/', path: './guestbook/' } }, { key: 'https://git.example/apps#guestbook', label: 'apps/guestbook' }],
    [{ source: { repoURL: 'https://charts.example', chart: 'redis' } }, { key: 'https://charts.example#redis', label: 'charts.example/redis' }],
    [{ source: { repoURL: 'https://git.example/apps.git', path: '.' } }, { key: 'https://git.example/apps#.', label: 'apps' }],
    [{ sources: [{ repoURL: 'https://git.example/a.git', path: 'x' }, { repoURL: 'https://git.example/b.git' }] }, { key: 'https://git.example/a#x', label: 'a/x' }],
    [{}, { key: '#', label: 'n' }],
  ];
  for (const [spec, expected] of rows) it(expected.key, () => assert.deepEqual(sourceKey({ metadata: { name: 'n' }, spec }), expected));
});

describe('shortRevision', () => {
  const rows: [string | undefined, string][] = [[undefined, ''], ['', ''], ['0123456789abcdef0123456789abcdef01234567', '0123456'], ['v1.2.3', 'v1.2.3'], ['main', 'main']];
  for (const [revision, expected] of rows) it(`${String(revision)} → ${expected}`, () => assert.equal(shortRevision(revision), expected));
});

describe('buildMatrix', () => {
  const gb = { repoURL: 'https://git.example/apps.git', path: 'guestbook' };
  const redis = { repoURL: 'https://charts.example', chart: 'redis' };
  it('puts one source on one row and each cluster in a column', () => {
    const matrix = buildMatrix([
      app('gb-b', 'edge-b', gb, { sync: 'OutOfSync', health: 'Degraded', revision: 'a'.repeat(40) }),
      app('gb-a', 'edge-a', gb, { sync: 'Synced', health: 'Healthy' }),
      app('redis-a', 'edge-a', redis, { sync: 'Synced', health: 'Healthy', revision: '17.0.1' }),
      app('gb-a2', 'edge-a', gb),
      { metadata: { name: 'root' }, spec: { source: gb } },
    ]);
    assert.deepEqual(matrix.clusters, ['edge-a', 'edge-b', 'hub']);
    assert.deepEqual(matrix.rows.map((r) => r.label), ['apps/guestbook', 'charts.example/redis']);
    const row = matrix.rows[0]!;
    assert.deepEqual(row.cells.get('edge-b'), [{ app: 'gb-b', revision: 'aaaaaaa', sync: 'OutOfSync', health: 'Degraded' }]);
    assert.deepEqual(row.cells.get('edge-a')!.map((c) => c.app), ['gb-a', 'gb-a2']);
    assert.deepEqual(row.cells.get('edge-a')![1], { app: 'gb-a2', revision: '', sync: 'Unknown', health: 'Unknown' });
    assert.equal(matrix.rows[1]!.cells.get('edge-b'), undefined);
  });
  it('is empty for no applications', () => assert.deepEqual(buildMatrix([]), { clusters: [], rows: [] }));
});
