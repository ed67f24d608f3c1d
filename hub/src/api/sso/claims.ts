// Who an ID token names, as Argo CD reads it: the subject is `federated_claims.user_id` (Dex) or
// else `sub` (argo-cd util/jwt GetUserIdentifier), and the groups are the values of the claims the
// RBAC `scopes` setting names (GetScopeValues: a string or a list of strings each); `email` counts
// for RBAC only when `scopes` names it (`[groups, email]`), as in Argo CD. Unlike Argo CD, a group
// named like an RBAC role (`role:admin`) or project role (`proj:p:r`) is dropped: casbin would
// match it as that role itself, handing the provider's group admins the hub's roles.

/** The RBAC subject and groups of an ID token's claims. */
export interface ClaimsIdentity {
  subject: string;
  email?: string;
  groups: string[];
  /** Groups dropped because they are named like RBAC roles. */
  ignoredGroups: string[];
}

/** Whether a name is an RBAC role's or a project role's (no SSO user or group may be one). */
export function isReservedSubject(name: string): boolean {
  return name.startsWith('role:') || name.startsWith('proj:');
}

/** The identity in claims; undefined when they name no subject. */
export function identityOfClaims(claims: Record<string, unknown>, scopes: string[]): ClaimsIdentity | undefined {
  const federated = claims.federated_claims;
  const userId = typeof federated === 'object' && federated !== null ? (federated as Record<string, unknown>).user_id : undefined;
  const subject = typeof userId === 'string' && userId !== '' ? userId : claims.sub;
  if (typeof subject !== 'string' || subject === '') return undefined;
  const groups = new Set<string>();
  for (const scope of scopes) {
    const value = claims[scope];
    if (typeof value === 'string' && value !== '') groups.add(value);
    if (Array.isArray(value)) for (const item of value) if (typeof item === 'string' && item !== '') groups.add(item);
  }
  const all = [...groups];
  return { subject, ...(typeof claims.email === 'string' ? { email: claims.email } : {}), groups: all.filter((g) => !isReservedSubject(g)), ignoredGroups: all.filter(isReservedSubject) };
}
