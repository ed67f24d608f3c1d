// User info in repository URLs (`https://user:password@host/...`): finding it, taking it out, and
// masking it, so that a password written into a URL never reaches a condition, a log line, an API
// answer or the audit log. Argo CD accepts such URLs; Flotilla refuses a password in an
// application's repoURL (the password would sit in clear in the spec) and masks whatever slips by.

/** What a masked password reads as. */
export const MASK = '******';

/** `scheme://userinfo@` at the start of a URL (userinfo holds no `/`, `?`, `#` or whitespace). */
const LEADING_USERINFO = /^(\s*[a-z][a-z0-9+.-]*:\/\/)([^/?#@\s]*)@/i;
/** The same anywhere in a text (error messages quote URLs). */
const USERINFO_IN_TEXT = /([a-z][a-z0-9+.-]*:\/\/)([^/?#@\s"'<>]*)@/gi;

/** The user name and password written into a URL, if any (percent-decoded). */
export function userinfoOf(url: string): { username: string; password?: string } | undefined {
  const match = LEADING_USERINFO.exec(url);
  if (!match) return undefined;
  const info = match[2]!;
  const colon = info.indexOf(':');
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return colon < 0 ? { username: decode(info) } : { username: decode(info.slice(0, colon)), password: decode(info.slice(colon + 1)) };
}

/** Whether a URL carries a password in its user info (a user name alone, as in `git@`, is no secret). */
export function hasUrlPassword(url: string): boolean {
  return userinfoOf(url)?.password !== undefined;
}

/** The URL without its user info. */
export function stripUserinfo(url: string): string {
  return url.replace(LEADING_USERINFO, '$1');
}

/** The URL with the password in its user info replaced by the mask (`https://user:******@host/x`). */
export function redactRepoUrl(url: string): string {
  return redactUrlsIn(url);
}

/** A text with every URL's password masked; the user name stays, so the message still says who. */
export function redactUrlsIn(text: string): string {
  return text.replace(USERINFO_IN_TEXT, (_all, scheme: string, info: string) => {
    const colon = info.indexOf(':');
    return colon < 0 ? `${scheme}${info}@` : `${scheme}${info.slice(0, colon)}:${MASK}@`;
  });
}

/** The source fields of an application spec whose repoURL carries a password, as field issues (pure). */
export function repoUrlPasswordIssues(spec: { source?: { repoURL?: string }; sources?: { repoURL?: string }[] }): { path: string; message: string }[] {
  const message = 'carries a password: register the credentials with `flotilla repo add URL --username U --password P` (or `flotilla repocreds add`) and leave them out of the URL';
  const sources: [string, { repoURL?: string } | undefined][] = [['spec.source', spec.source], ...(spec.sources ?? []).map((s, i): [string, { repoURL?: string }] => [`spec.sources[${i}]`, s])];
  return sources.filter(([, s]) => s?.repoURL !== undefined && hasUrlPassword(s.repoURL)).map(([path]) => ({ path: `${path}.repoURL`, message }));
}

/** The spec with every source's repoURL password masked (the same object when there is none; pure). */
export function redactSpecRepoUrls<T extends { source?: { repoURL?: string }; sources?: { repoURL?: string }[] }>(spec: T): T {
  if (repoUrlPasswordIssues(spec).length === 0) return spec;
  const mask = <S extends { repoURL?: string }>(s: S): S => (s.repoURL === undefined ? s : { ...s, repoURL: redactRepoUrl(s.repoURL) });
  return { ...spec, ...(spec.source ? { source: mask(spec.source) } : {}), ...(spec.sources ? { sources: spec.sources.map(mask) } : {}) };
}
