// Argo CD's casbin model and built-in policy, kept as Argo CD ships them (assets/model.conf and
// assets/builtin-policy.csv), so a policy.csv written for Argo CD means the same here. The one
// matcher function, globOrRegexMatch, is registered by enforcer.ts (glob or regex per matchMode).

/** Argo CD's RBAC model: `p, subject, resource, action, object, effect`, `g, user-or-group, role`; deny beats allow. */
export const RBAC_MODEL = `
[request_definition]
r = sub, res, act, obj

[policy_definition]
p = sub, res, act, obj, eft

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = g(r.sub, p.sub) && globOrRegexMatch(r.res, p.res) && globOrRegexMatch(r.act, p.act) && globOrRegexMatch(r.obj, p.obj)
`;

/** The built-in roles role:readonly and role:admin, and the local admin account holding role:admin. */
export const BUILTIN_POLICY = `
p, role:readonly, applications, get, */*, allow
p, role:readonly, applicationsets, get, */*, allow
p, role:readonly, certificates, get, *, allow
p, role:readonly, clusters, get, *, allow
p, role:readonly, repositories, get, *, allow
p, role:readonly, projects, get, *, allow
p, role:readonly, accounts, get, *, allow
p, role:readonly, gpgkeys, get, *, allow
p, role:readonly, logs, get, */*, allow

p, role:admin, applications, create, */*, allow
p, role:admin, applications, update, */*, allow
p, role:admin, applications, update/*, */*, allow
p, role:admin, applications, delete, */*, allow
p, role:admin, applications, delete/*, */*, allow
p, role:admin, applications, sync, */*, allow
p, role:admin, applications, override, */*, allow
p, role:admin, applications, action/*, */*, allow
p, role:admin, applicationsets, create, */*, allow
p, role:admin, applicationsets, update, */*, allow
p, role:admin, applicationsets, delete, */*, allow
p, role:admin, certificates, create, *, allow
p, role:admin, certificates, update, *, allow
p, role:admin, certificates, delete, *, allow
p, role:admin, clusters, create, *, allow
p, role:admin, clusters, update, *, allow
p, role:admin, clusters, delete, *, allow
p, role:admin, repositories, create, *, allow
p, role:admin, repositories, update, *, allow
p, role:admin, repositories, delete, *, allow
p, role:admin, projects, create, *, allow
p, role:admin, projects, update, *, allow
p, role:admin, projects, delete, *, allow
p, role:admin, accounts, update, *, allow
p, role:admin, accounts, create, *, allow
p, role:admin, accounts, delete, *, allow
p, role:admin, gpgkeys, create, *, allow
p, role:admin, gpgkeys, delete, *, allow
p, role:admin, exec, create, */*, allow
p, role:admin, logs, get, */*, allow

g, role:admin, role:readonly
g, admin, role:admin
`;

/** Resources whose objects are `<project>/<name>` (Argo CD's project-scoped resources). */
export const PROJECT_SCOPED_RESOURCES: readonly string[] = ['applications', 'applicationsets', 'logs', 'exec'];

/** Every resource a policy may name. */
export const RBAC_RESOURCES: readonly string[] = ['applications', 'applicationsets', 'clusters', 'projects', 'repositories', 'accounts', 'certificates', 'gpgkeys', 'logs', 'exec', 'extensions'];

/** Every action a policy may name (besides globs and `action/…`, `update/…`, `delete/…` sub-actions). */
export const RBAC_ACTIONS: readonly string[] = ['get', 'create', 'update', 'delete', 'sync', 'override', 'action', 'invoke'];
