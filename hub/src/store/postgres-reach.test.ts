// Which folder stops the `postgres` user on its way to a path: columns are the folders (path,
// mode, owner uid, group gid), the account, and the folder expected to block (or none).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeFolder, findBlockingFolder, foldersTo, type Account, type FolderMode } from './postgres-reach.ts';

const postgres: Account = { name: 'postgres', uid: 101, gid: 104 };
const dir = (path: string, mode: number, uid = 0, gid = 0): FolderMode => ({ path, mode, uid, gid });
const root = dir('/', 0o755);

describe('findBlockingFolder', () => {
  const cases: { name: string; chain: FolderMode[]; account: Account; want?: string }[] = [
    { name: 'all 0755', chain: [root, dir('/work', 0o755), dir('/work/main', 0o755)], account: postgres },
    { name: "root's home folder blocks", chain: [root, dir('/root', 0o700), dir('/root/flotilla', 0o755)], account: postgres, want: '/root' },
    { name: 'a mktemp -d folder blocks', chain: [root, dir('/tmp', 0o1777), dir('/tmp/tmp.x', 0o700), dir('/tmp/tmp.x/hub', 0o711)], account: postgres, want: '/tmp/tmp.x' },
    { name: 'search-only (0711) is enough', chain: [root, dir('/srv', 0o711), dir('/srv/hub', 0o711)], account: postgres },
    { name: 'its own 0700 folder', chain: [root, dir('/var/lib/pg', 0o700, 101, 104)], account: postgres },
    { name: 'owner bits decide for the owner (0070 folder it owns)', chain: [root, dir('/x', 0o070, 101, 104)], account: postgres, want: '/x' },
    { name: 'group bits for its primary group', chain: [root, dir('/g', 0o750, 0, 104)], account: postgres },
    { name: 'a supplementary group does not count (spawn drops it)', chain: [root, dir('/ssl', 0o750, 0, 103)], account: postgres, want: '/ssl' },
    { name: 'other bits for everyone else', chain: [root, dir('/o', 0o701)], account: postgres },
    { name: 'root gets through anything', chain: [root, dir('/root', 0o700)], account: { name: 'root', uid: 0, gid: 0 } },
    { name: 'the first blocking folder is named', chain: [root, dir('/a', 0o700), dir('/a/b', 0o700)], account: postgres, want: '/a' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(findBlockingFolder(c.chain, c.account)?.path, c.want));
});

describe('foldersTo', () => {
  const cases: [string, string[]][] = [
    ['/', ['/']],
    ['/root', ['/', '/root']],
    ['/root/flotilla/node_modules', ['/', '/root', '/root/flotilla', '/root/flotilla/node_modules']],
  ];
  for (const [path, want] of cases) it(path, () => assert.deepEqual(foldersTo(path), want));
});

describe('describeFolder', () => {
  it('prints the mode in octal with the owner', () => assert.equal(describeFolder(dir('/root', 0o40700)), '/root (mode 0700, owner uid 0)'));
});
