// The enforcer in force, per database: every request reads the policy's version (one single-row
// query) and rebuilds the enforcer when it moved, so a policy or project change made through any
// hub replica is enforced by every replica from its next request on. Rebuilds are shared by the
// requests that wait for them.
import type { Logger } from 'pino';
import type { Queryable } from '../store/db.ts';
import { getRbacSettings, rbacVersion } from '../store/rbac.ts';
import { listProjects } from '../store/projects.ts';
import { buildEnforcer, type RbacEnforcer } from './enforcer.ts';
import { parseScopes, DEFAULT_RBAC_SETTINGS } from './policy.ts';
import { projectRoleRules } from './project-roles.ts';

/** The policy of one database, as of the last request. */
export class CurrentPolicy {
  readonly #db: Queryable;
  readonly #log: Logger | undefined;
  #built: { version: string; enforcer: Promise<RbacEnforcer> } | undefined;
  #scopes = DEFAULT_RBAC_SETTINGS.scopes;

  constructor(db: Queryable, log?: Logger) {
    this.#db = db;
    this.#log = log;
  }

  /** The enforcer for the stored policy now. */
  async enforcer(): Promise<RbacEnforcer> {
    const version = await rbacVersion(this.#db);
    if (this.#built?.version !== version) {
      const enforcer = this.#build();
      this.#built = { version, enforcer };
      // A failed build is not kept: the next request tries again.
      enforcer.catch(() => {
        if (this.#built?.enforcer === enforcer) this.#built = undefined;
      });
    }
    return this.#built.enforcer;
  }

  /** The OIDC claims whose values count as groups (the `scopes` setting), as of the last load. */
  groupsClaims(): string[] {
    return parseScopes(this.#scopes);
  }

  async #build(): Promise<RbacEnforcer> {
    const settings = await getRbacSettings(this.#db);
    this.#scopes = settings.scopes;
    const roles = projectRoleRules(await listProjects(this.#db));
    for (const issue of roles.issues) this.#log?.warn({ project: issue.project, role: issue.role, line: issue.line }, `project role policy ignored: ${issue.message}`);
    return buildEnforcer(settings, roles.rules);
  }
}

const byDatabase = new WeakMap<object, CurrentPolicy>();

/** The current policy of this pool (one per pool, shared by the hub's routes). */
export function currentPolicy(db: Queryable, log?: Logger): CurrentPolicy {
  let policy = byDatabase.get(db);
  if (!policy) byDatabase.set(db, (policy = new CurrentPolicy(db, log)));
  return policy;
}

/** The OIDC claims that count as groups for this database's hub (for the SSO side); loads the settings once if needed. */
export async function groupsClaims(db: Queryable): Promise<string[]> {
  const policy = currentPolicy(db);
  await policy.enforcer();
  return policy.groupsClaims();
}
