// The stored RBAC settings (one row of rbac_settings, migration 010) and the facts the RBAC hook
// reads per request: the policy's version (settings and project writes both bump it) and the
// project an application belongs to.
import type { Queryable } from './db.ts';
import type { MatchMode, RbacSettings } from '../rbac/policy.ts';

/** The stored settings with who wrote them last. */
export interface StoredRbacSettings extends RbacSettings {
  version: number;
  updatedAt: Date;
  updatedBy: string | null;
}

interface SettingsRow {
  policy_csv: string;
  policy_default: string;
  match_mode: MatchMode;
  scopes: string;
  version: string;
  updated_at: Date;
  updated_by: string | null;
}

/** The current settings. */
export async function getRbacSettings(db: Queryable): Promise<StoredRbacSettings> {
  const r = (await db.query<SettingsRow>('SELECT * FROM rbac_settings')).rows[0]!;
  return { policyCsv: r.policy_csv, policyDefault: r.policy_default, matchMode: r.match_mode, scopes: r.scopes, version: Number(r.version), updatedAt: r.updated_at, updatedBy: r.updated_by };
}

/** Replaces the settings (the caller validated them); answers the new version. */
export async function putRbacSettings(db: Queryable, settings: RbacSettings, actor: string): Promise<number> {
  const res = await db.query<{ version: string }>(
    'UPDATE rbac_settings SET policy_csv = $1, policy_default = $2, match_mode = $3, scopes = $4, version = version + 1, updated_at = now(), updated_by = $5 RETURNING version',
    [settings.policyCsv, settings.policyDefault, settings.matchMode, settings.scopes, actor],
  );
  return Number(res.rows[0]!.version);
}

/** The version of everything the enforcer is built from: `<settings version>.<projects version>`. */
export async function rbacVersion(db: Queryable): Promise<string> {
  const r = (await db.query<{ version: string; projects_version: string }>('SELECT version, projects_version FROM rbac_settings')).rows[0]!;
  return `${r.version}.${r.projects_version}`;
}

/** The project of an application, or undefined when there is no such application. */
export async function applicationProject(db: Queryable, name: string): Promise<string | undefined> {
  return (await db.query<{ project: string }>('SELECT project FROM applications WHERE name = $1', [name])).rows[0]?.project;
}
