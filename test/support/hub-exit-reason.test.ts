// What a failed hub's log says about why: columns are the log text and the reason expected.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hubExitReason } from './hub-exit-reason.ts';

const fatal = JSON.stringify({ level: 60, msg: 'the hub could not start', err: { message: 'listen EADDRINUSE: address already in use 127.0.0.1:8080' } });
describe('hubExitReason', () => {
  const cases: [name: string, log: string, want: string][] = [
    ['the plain line wins', `{"level":30,"msg":"schema migrated"}\n${fatal}\nflotilla-hub could not start: listen EADDRINUSE: address already in use 127.0.0.1:8080\n`, 'listen EADDRINUSE: address already in use 127.0.0.1:8080'],
    ['the fatal JSON line (an older hub)', `{"level":30,"msg":"x"}\n${fatal}\n`, 'the hub could not start: listen EADDRINUSE: address already in use 127.0.0.1:8080'],
    ['an uncaught error event', "node:events:505\n    throw er; // Unhandled 'error' event\n    ^\n\nError: spawn /root/f/node_modules/x/initdb EACCES\n    at ChildProcess._handle.onexit (node:internal/child_process:287:19)\n\nNode.js v24.21.0\n", 'Error: spawn /root/f/node_modules/x/initdb EACCES'],
    ['anything else: the last lines', 'a\nb\nc\nd\n', 'b | c | d'],
    ['nothing at all', '', 'it printed nothing'],
  ];
  for (const [name, log, want] of cases) it(name, () => assert.equal(hubExitReason(log), want));
});
