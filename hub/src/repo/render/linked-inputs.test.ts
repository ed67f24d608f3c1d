// Table tests for linkedInputs on a real temporary checkout holding symlinks to files and
// directories elsewhere in the repository, a chain of links, a cycle, a dangling link and links
// leading outside.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkedInputs } from './linked-inputs.ts';

let top: string;
let root: string;

before(() => {
  top = mkdtempSync(join(tmpdir(), 'linked-inputs-'));
  root = join(top, 'repo');
  for (const dir of ['chart/templates', 'shared/base', 'shared/more', 'envs', 'plain']) mkdirSync(join(root, dir), { recursive: true });
  mkdirSync(join(top, 'outside'));
  for (const file of ['chart/Chart.yaml', 'shared/cm.yaml', 'shared/base/a.yaml', 'shared/more/b.yaml', 'envs/prod.yaml', 'plain/cm.yaml']) writeFileSync(join(root, file), 'x\n');
  writeFileSync(join(top, 'outside/secret'), 'secret\n');
  symlinkSync('../../shared/cm.yaml', join(root, 'chart/templates/cm.yaml'));
  symlinkSync('../envs/prod.yaml', join(root, 'chart/values-prod.yaml'));
  symlinkSync('../shared/base', join(root, 'chart/base'));
  symlinkSync('../more', join(root, 'shared/base/more')); // a chain: base links on to more
  symlinkSync('../../outside/secret', join(root, 'chart/templates/out.yaml'));
  symlinkSync('/etc/hostname', join(root, 'chart/abs'));
  symlinkSync('nowhere', join(root, 'chart/dangling'));
  symlinkSync('loop-b', join(root, 'plain/loop-a'));
  symlinkSync('loop-a', join(root, 'plain/loop-b'));
  symlinkSync('cm.yaml', join(root, 'plain/same.yaml'));
});
after(() => rmSync(top, { recursive: true, force: true }));

describe('linkedInputs', () => {
  // name | inputs | expected inputs (the given ones first, then link targets, breadth first in name order)
  const rows: [string, string[], string[]][] = [
    ['follows links to files and directories, and links inside those', ['chart'], ['chart', 'shared/base', 'shared/cm.yaml', 'envs/prod.yaml', 'shared/more']],
    ['a linked input itself', ['chart/values-prod.yaml'], ['chart/values-prod.yaml', 'envs/prod.yaml']],
    ['a target below another input is not added', ['chart', 'shared'], ['chart', 'shared', 'envs/prod.yaml']],
    ['the repository root covers everything', [''], ['']],
    ['links within the input, cycles and dangling links add nothing', ['plain'], ['plain']],
    ['$ref inputs are left as they are', ['$values/envs/prod.yaml', 'envs'], ['$values/envs/prod.yaml', 'envs']],
    ['a missing input adds nothing', ['gone'], ['gone']],
  ];
  for (const [name, inputs, expected] of rows) it(name, () => assert.deepEqual(linkedInputs(root, inputs), expected));
});
