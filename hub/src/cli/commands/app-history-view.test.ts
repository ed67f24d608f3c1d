// renderHistory: the `app history` tables, one per source. Columns: case, the entries, the text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderHistory, type HistoryView } from './app-history-view.ts';

const a = 'a'.repeat(40);
const b = 'b'.repeat(40);
const v = 'c'.repeat(40);
const at = '2026-12-01T21:00:00.000Z';
const single = (id: number, revision: string): HistoryView => ({ id, revision, source: { repoURL: 'https://git/app.git', path: 'web', targetRevision: 'main' }, deployedAt: at });
const multi = (id: number, revisions: string[]): HistoryView => ({
  id, revision: revisions[0]!, revisions, deployedAt: at,
  sources: [{ repoURL: 'https://git/charts.git', path: 'chart', targetRevision: 'HEAD' }, { repoURL: 'https://git/values.git', ref: 'values', targetRevision: 'main' }],
});

describe('renderHistory', () => {
  const cases: [string, HistoryView[], string][] = [
    ['no entries', [], 'no sync history yet\n'],
    ['one source, two syncs', [single(1, a), single(2, b)], [
      'SOURCE  https://git/app.git (path web)',
      'ID  DATE                      REVISION',
      `1   ${at}  main (aaaaaaa)`,
      `2   ${at}  main (bbbbbbb)`,
      '',
    ].join('\n')],
    ['two sources: a table each, the second source\'s commit moved', [multi(3, [a, v]), multi(4, [a, b])], [
      'SOURCE  https://git/charts.git (path chart)',
      'ID  DATE                      REVISION',
      `3   ${at}  HEAD (aaaaaaa)`,
      `4   ${at}  HEAD (aaaaaaa)`,
      '',
      'SOURCE  https://git/values.git (ref values)',
      'ID  DATE                      REVISION',
      `3   ${at}  main (ccccccc)`,
      `4   ${at}  main (bbbbbbb)`,
      '',
    ].join('\n')],
    ['who started each sync: a user, or the automated sync policy', [{ ...single(7, a), initiatedBy: { username: 'admin' } }, { ...single(8, b), initiatedBy: { automated: true } }], [
      'SOURCE  https://git/app.git (path web)',
      'ID  DATE                      REVISION        INITIATED BY',
      `7   ${at}  main (aaaaaaa)  admin`,
      `8   ${at}  main (bbbbbbb)  automated`,
      '',
    ].join('\n')],
    ['a chart version is its own revision', [{ id: 5, revision: '1.2.0', revisions: ['1.2.0'], sources: [{ repoURL: 'https://charts', chart: 'web', targetRevision: '1.2.0' }], deployedAt: at }], [
      'SOURCE  https://charts (chart web)',
      'ID  DATE                      REVISION',
      `5   ${at}  1.2.0`,
      '',
    ].join('\n')],
    ['an entry without revisions shows the targets', [{ ...multi(6, [a, v]), revisions: undefined }], [
      'SOURCE  https://git/charts.git (path chart)',
      'ID  DATE                      REVISION',
      `6   ${at}  HEAD`,
      '',
      'SOURCE  https://git/values.git (ref values)',
      'ID  DATE                      REVISION',
      `6   ${at}  main`,
      '',
    ].join('\n')],
  ];
  for (const [name, entries, text] of cases) {
    it(name, () => assert.equal(renderHistory(entries), text));
  }
});
