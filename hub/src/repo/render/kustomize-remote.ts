// Remote Kustomize bases the hub's settings allow (FLOTILLA_REMOTE_SOURCES): kustomize fetches them
// itself (git clone, or an HTTP GET for a file), so the hub checks, just before the build, every
// address each remote entry's host resolves to now (no link-local or metadata address, the list
// still matching), and runs kustomize with an environment that keeps the repository's own files
// out of git's configuration: the tool's HOME is the checkout, so without GIT_CONFIG_GLOBAL a
// `.gitconfig` committed at the repository's root would configure (core.sshCommand, core.fsmonitor)
// the git kustomize runs. GIT_ALLOW_PROTOCOL limits git to http(s). What a fetched base fetches in
// turn (nested remote bases) is not checked here: docs/security.md says so.
import { lookup } from 'node:dns/promises';
import { checkDialedAddress, type UrlPolicy } from '../url-policy.ts';
import type { KustomizeWalk } from './kustomize-walk.ts';
import { REMOTE_SETTING, remoteEntryUrl } from './remote-sources.ts';
import type { RenderError } from './types.ts';

/** The remote entries whose host resolves to an address the policy refuses, as errors naming the entry. */
export async function checkRemoteHosts(walk: Pick<KustomizeWalk, 'remote'>, policy: UrlPolicy): Promise<RenderError[]> {
  const errors: RenderError[] = [];
  for (const entry of walk.remote) {
    const host = new URL(remoteEntryUrl(entry.entry)).hostname.replace(/^\[|\]$/g, '');
    const addresses = await lookup(host, { all: true }).catch(() => []);
    for (const { address } of addresses) {
      const verdict = checkDialedAddress(host, address, policy);
      if (!verdict.ok) {
        errors.push({ file: entry.from, message: `${entry.field} entry "${entry.entry}": is remote and refused: ${verdict.reason.replace("the hub's repository allow-list", REMOTE_SETTING)}` });
        break;
      }
    }
  }
  return errors;
}

/** The environment kustomize runs with when it fetches remote bases (git sees no configuration but its own). */
export function remoteFetchEnv(tmpDir: string): Record<string, string> {
  return {
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: 'http:https',
    TMPDIR: tmpDir,
  };
}
