-- RBAC (issue 16): the site's policy in Argo CD's argocd-rbac-cm terms, one row. `version` counts
-- writes of it and `projects_version` counts writes of projects (whose spec.roles are policy too),
-- so every hub replica can tell with one read whether its enforcer is still current.
CREATE TABLE rbac_settings (
  id               boolean PRIMARY KEY DEFAULT true CHECK (id),
  policy_csv       text NOT NULL DEFAULT '',
  policy_default   text NOT NULL DEFAULT '',
  match_mode       text NOT NULL DEFAULT 'glob' CHECK (match_mode IN ('glob', 'regex')),
  scopes           text NOT NULL DEFAULT '[groups]',
  version          bigint NOT NULL DEFAULT 1,
  projects_version bigint NOT NULL DEFAULT 1,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  updated_by       text
);
INSERT INTO rbac_settings (id) VALUES (true);

CREATE FUNCTION rbac_projects_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE rbac_settings SET projects_version = projects_version + 1;
  RETURN NULL;
END;
$$;
CREATE TRIGGER projects_rbac_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON projects
  FOR EACH STATEMENT EXECUTE FUNCTION rbac_projects_changed();
