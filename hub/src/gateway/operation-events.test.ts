// operationEvents: an automated sync's start and any operation's end, each once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { operationEvents, type ReportedOperationState } from './operation-events.ts';

const op = (id: string, phase: string, message?: string): ReportedOperationState => ({ id, phase, ...(message ? { message } : {}) });
const HUB = '7f0c2a8e-2b0a-4d8e-9b8f-0a1b2c3d4e5f';

describe('operationEvents', () => {
  const cases: { name: string; previous?: ReportedOperationState; reported?: ReportedOperationState; expected: string[] }[] = [
    { name: 'no operation state: nothing', expected: [] },
    { name: 'an automated sync first seen running: started', reported: op('auto-1', 'Running'), expected: ['started auto-1'] },
    { name: 'the same automated sync still running: nothing', previous: op('auto-1', 'Running'), reported: op('auto-1', 'Running'), expected: [] },
    { name: 'it succeeds: finished, success', previous: op('auto-1', 'Running'), reported: op('auto-1', 'Succeeded'), expected: ['finished auto-1 Succeeded success'] },
    { name: 'its success reported again: nothing', previous: op('auto-1', 'Succeeded'), reported: op('auto-1', 'Succeeded'), expected: [] },
    { name: 'an automated sync seen only once it failed: started and finished', previous: op('auto-1', 'Succeeded'), reported: op('auto-2', 'Failed', 'one or more objects failed'), expected: ['started auto-2', 'finished auto-2 Failed failure'] },
    { name: 'a hub operation running: nothing (its request was audited)', reported: op(HUB, 'Running'), expected: [] },
    { name: 'a hub operation that errs: finished, failure', previous: op(HUB, 'Running'), reported: op(HUB, 'Error'), expected: [`finished ${HUB} Error failure`] },
    { name: 'a hub operation terminating is no end yet', previous: op(HUB, 'Running'), reported: op(HUB, 'Terminating'), expected: [] },
    { name: 'a hub operation after an automated one: finished only', previous: op('auto-1', 'Succeeded'), reported: op(HUB, 'Succeeded'), expected: [`finished ${HUB} Succeeded success`] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(operationEvents(c.previous, c.reported).map((e) => (e.kind === 'started' ? `started ${e.id}` : `finished ${e.id} ${e.phase} ${e.result}`)), c.expected);
    });
  }
});
