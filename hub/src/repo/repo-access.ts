// Whether and how the hub may fetch from a repository: the URL policy (for Git through the guarded
// client, which checks every address it dials; for helm, which dials on its own, the host's
// addresses are checked here before it runs) and the stored credential matched to the URL.
import { lookup } from 'node:dns/promises';
import type pg from 'pg';
import { storedCredentials } from '../store/repositories.ts';
import type { SecretBox } from '../store/secrets.ts';
import { credentialUrlKey, matchCredential } from './credential-match.ts';
import type { GitAuth } from './git.ts';
import { normalizeRepoUrl } from './repo-url.ts';
import { checkDialedAddress, checkRepoUrl, type UrlPolicy, type Verdict } from './url-policy.ts';

/** A username and password for a repository. */
export type RepoCredential = { username: string; password: string };

/** The fetch policy and the credentials of repositories. */
export class RepoAccess {
  private readonly pool: pg.Pool;
  private readonly secrets: SecretBox;
  private readonly policy: UrlPolicy;

  constructor(pool: pg.Pool, secrets: SecretBox, policy: UrlPolicy) {
    this.pool = pool;
    this.secrets = secrets;
    this.policy = policy;
  }

  /**
   * Whether the policy lets the hub fetch from this URL. Git goes through the guarded client, which
   * checks every address it dials; helm dials on its own, so for a Helm repository or OCI registry
   * (`byTool`) the host's addresses are checked here, before helm runs (oci:// is checked as https://).
   */
  async mayFetch(url: string, byTool = false): Promise<Verdict> {
    const asHttp = url.replace(/^oci:\/\//, 'https://');
    const verdict = checkRepoUrl(asHttp, this.policy);
    if (!verdict.ok || (!byTool && asHttp === url)) return verdict;
    let host: string;
    try {
      host = new URL(asHttp).hostname.replace(/^\[|\]$/g, '');
    } catch {
      return { ok: false, reason: 'not a URL' };
    }
    const addresses = await lookup(host, { all: true }).catch(() => []);
    for (const { address } of addresses) {
      const dialed = checkDialedAddress(host, address, this.policy);
      if (!dialed.ok) return dialed;
    }
    return { ok: true };
  }

  /** The stored credential bound to this URL's scheme, host and path, if any (credential-match.ts). */
  async auth(url: string): Promise<GitAuth | undefined> {
    const chosen = matchCredential(await storedCredentials(this.pool), url);
    return chosen && { username: chosen.username ?? '', password: this.secrets.open(chosen.passwordSealed) };
  }

  /** Credentials for the Helm repositories and OCI registries a chart pulls from, matched as Git's are. */
  async helmCredentials(): Promise<(url: string) => RepoCredential | undefined> {
    const stored = await storedCredentials(this.pool);
    return (url) => {
      const chosen = matchCredential(stored, url.replace(/^oci:\/\//, 'https://'));
      return chosen && { username: chosen.username ?? '', password: this.secrets.open(chosen.passwordSealed) };
    };
  }
}

/** The key a repository is fetched, cached and credentialed under: scheme, host and path. */
export function fetchKey(url: string): string {
  return credentialUrlKey(url) ?? normalizeRepoUrl(url);
}
