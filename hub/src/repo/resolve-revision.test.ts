// resolveRevision follows Argo CD's order: HEAD, SHA, branch, tag, full ref.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRevision } from './resolve-revision.ts';
import type { RemoteRef } from './git.ts';

const sha = (c: string) => c.repeat(40);
const refs: RemoteRef[] = [
  { ref: 'HEAD', oid: sha('a'), target: 'refs/heads/main' },
  { ref: 'refs/heads/main', oid: sha('a') },
  { ref: 'refs/heads/dev', oid: sha('b') },
  { ref: 'refs/tags/v1.0.0', oid: sha('c'), peeled: sha('d') },
  { ref: 'refs/tags/light', oid: sha('e') },
  { ref: 'refs/heads/v1.0.0', oid: sha('f') },
];

describe('resolveRevision', () => {
  // targetRevision | commit (or undefined when refused) | ref fetched | message contains
  const rows: [string | undefined, string | undefined, string | undefined, string][] = [
    [undefined, sha('a'), 'refs/heads/main', ''],
    ['', sha('a'), 'refs/heads/main', ''],
    ['HEAD', sha('a'), 'refs/heads/main', ''],
    ['dev', sha('b'), 'refs/heads/dev', ''],
    ['v1.0.0', sha('f'), 'refs/heads/v1.0.0', ''], // a branch wins over a tag of the same name
    ['light', sha('e'), 'refs/tags/light', ''],
    ['refs/tags/v1.0.0', sha('d'), 'refs/tags/v1.0.0', ''], // annotated tags resolve to their commit
    [sha('9'), sha('9'), undefined, ''],
    [sha('A'), sha('a'), undefined, ''],
    ['nope', undefined, undefined, 'neither a branch, a tag nor a commit'],
  ];
  for (const [target, commit, ref, message] of rows) {
    it(`${JSON.stringify(target)} → ${commit?.slice(0, 6) ?? 'refused'}`, () => {
      const resolved = resolveRevision(refs, target);
      if (commit) assert.deepEqual(resolved, ref ? { ok: true, commit, ref } : { ok: true, commit });
      else assert.ok(!resolved.ok && resolved.message.includes(message));
    });
  }

  it('explains a HEAD that points at a missing branch', () => {
    const resolved = resolveRevision([{ ref: 'HEAD', oid: sha('0'), target: 'refs/heads/master' }, { ref: 'refs/heads/main', oid: sha('a') }], 'HEAD');
    assert.ok(!resolved.ok && /refs\/heads\/master, which does not exist/.test(resolved.message));
  });
});
