// Which V8 flags the agent still has to ask for, given how Node was started and the environment.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AGENT_V8_FLAGS, REEXEC_MARKER, missingV8Flags } from './v8-flags.ts';

describe('missingV8Flags', () => {
  const cases: { name: string; execArgv: string[]; env: Record<string, string>; want: string[] }[] = [
    { name: 'plain node: all of them', execArgv: [], env: {}, want: AGENT_V8_FLAGS },
    { name: 'already given: none', execArgv: [...AGENT_V8_FLAGS], env: {}, want: [] },
    { name: 'a value given by the user is kept, the others are added', execArgv: ['--max-semi-space-size=8', '--inspect'], env: {}, want: ['--no-opt', '--no-maglev', '--optimize-for-size'] },
    { name: 'underscore spelling counts as given', execArgv: ['--max_semi_space_size=2', '--no_opt', '--no-maglev', '--optimize_for_size'], env: {}, want: [] },
    { name: 'the environment replaces the list', execArgv: [], env: { FLOTILLA_AGENT_V8_FLAGS: ' --max-old-space-size=96  --no-opt ' }, want: ['--max-old-space-size=96', '--no-opt'] },
    { name: 'an empty list turns it off', execArgv: [], env: { FLOTILLA_AGENT_V8_FLAGS: '' }, want: [] },
    { name: 'never twice: the re-executed process asks for nothing', execArgv: [], env: { [REEXEC_MARKER]: '1' }, want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(missingV8Flags(c.execArgv, c.env), c.want));
  }
});
