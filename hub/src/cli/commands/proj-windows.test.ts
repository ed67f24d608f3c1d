// `proj windows list` rows at a fixed clock: each window's id and status, and the printed table.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderList } from '../output.ts';
import { windowColumns, windowRows } from './proj-windows.ts';

describe('proj windows list', () => {
  it('numbers the windows and says which are active now', () => {
    const rows = windowRows([
      { kind: 'deny', schedule: '0 22 * * *', duration: '1h', namespaces: ['team-a'] },
      { kind: 'allow', schedule: '0 3 * * *', duration: '2h', applications: ['*-prod'], manualSync: true, timeZone: 'Europe/Berlin' },
    ], new Date('2026-12-01T22:15:00Z'));
    assert.deepEqual(rows.map((r) => [r.index, r.active]), [[0, true], [1, false]]);
    const table = renderList(rows, windowColumns, 'table').split('\n');
    assert.match(table[0]!, /^ID\s+STATUS\s+KIND\s+SCHEDULE\s+DURATION\s+APPLICATIONS\s+NAMESPACES\s+CLUSTERS\s+MANUALSYNC\s+TIMEZONE$/);
    assert.match(table[1]!, /^0\s+Active\s+deny\s+0 22 \* \* \*\s+1h\s+-\s+team-a\s+-\s+Disabled\s+UTC$/);
    assert.match(table[2]!, /^1\s+Inactive\s+allow\s+0 3 \* \* \*\s+2h\s+\*-prod\s+-\s+-\s+Enabled\s+Europe\/Berlin$/);
  });
  it('shows syncOverrun in the wide table', () => {
    const rows = windowRows([{ kind: 'deny', schedule: '0 22 * * *', duration: '1h', applications: ['*'], syncOverrun: true }], new Date('2026-12-01T10:00:00Z'));
    const table = renderList(rows, windowColumns, 'wide').split('\n');
    assert.match(table[0]!, /USEANDOPERATOR\s+SYNCOVERRUN\s+DESCRIPTION$/);
    assert.match(table[1]!, /Disabled\s+Enabled\s*$/);
  });
  it('has no rows without windows', () => assert.deepEqual(windowRows(undefined, new Date()), []));
});
