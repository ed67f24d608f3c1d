-- The hub's first schema: accounts and sessions, projects, clusters and their tokens, repositories,
-- bundles and the render cache, applications with their status, the per-cluster assignment log,
-- operations, sync history, agent events and the audit log.

CREATE TABLE accounts (
  name                text PRIMARY KEY,
  password_hash       text NOT NULL,
  enabled             boolean NOT NULL DEFAULT true,
  created_at          timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  account    text NOT NULL REFERENCES accounts(name) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

CREATE TABLE projects (
  name       text PRIMARY KEY,
  spec       jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO projects (name, spec) VALUES ('default', '{"sourceRepos":["*"],"destinations":[{"server":"*","name":"*","namespace":"*"}],"clusterResourceWhitelist":[{"group":"*","kind":"*"}]}');

CREATE TABLE clusters (
  id             bigserial PRIMARY KEY,
  name           text NOT NULL UNIQUE,
  labels         jsonb NOT NULL DEFAULT '{}',
  server_url     text,
  agent_info     jsonb,
  revision       bigint NOT NULL DEFAULT 0,
  acked_revision bigint NOT NULL DEFAULT 0,
  connected_at   timestamptz,
  last_seen_at   timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cluster_tokens (
  token_hash text PRIMARY KEY,
  cluster_id bigint NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
  kind       text NOT NULL CHECK (kind IN ('bootstrap', 'credential')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  used_at    timestamptz,
  revoked_at timestamptz
);
CREATE INDEX cluster_tokens_cluster ON cluster_tokens (cluster_id);

CREATE TABLE repositories (
  url            text PRIMARY KEY,
  normalized_url text NOT NULL UNIQUE,
  username       text,
  password_enc   text,
  created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE bundles (
  key        text PRIMARY KEY,
  manifests  jsonb NOT NULL,
  size_bytes integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE renders (
  render_key text PRIMARY KEY,
  bundle_key text NOT NULL REFERENCES bundles(key),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE applications (
  name           text PRIMARY KEY,
  project        text NOT NULL REFERENCES projects(name),
  metadata       jsonb NOT NULL DEFAULT '{}',
  spec           jsonb NOT NULL,
  cluster_id     bigint NOT NULL REFERENCES clusters(id),
  repo_url       text NOT NULL,
  bundle_key     text REFERENCES bundles(key),
  revision       text,
  conditions     jsonb NOT NULL DEFAULT '[]',
  generation     bigint NOT NULL DEFAULT 1,
  operation      jsonb,
  deletion       jsonb,
  refreshed_at   timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX applications_cluster ON applications (cluster_id);
CREATE INDEX applications_repo ON applications (repo_url);
CREATE INDEX applications_bundle ON applications (bundle_key);

CREATE TABLE application_status (
  app_name   text PRIMARY KEY REFERENCES applications(name) ON DELETE CASCADE,
  seq        bigint NOT NULL,
  status     jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE assignment_log (
  cluster_id bigint NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
  revision   bigint NOT NULL,
  app_name   text NOT NULL,
  assignment jsonb,
  PRIMARY KEY (cluster_id, revision)
);

CREATE TABLE operations (
  id           uuid PRIMARY KEY,
  app_name     text NOT NULL REFERENCES applications(name) ON DELETE CASCADE,
  kind         text NOT NULL,
  spec         jsonb NOT NULL DEFAULT '{}',
  phase        text NOT NULL DEFAULT 'Pending',
  message      text,
  initiated_by text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  finished_at  timestamptz
);
CREATE INDEX operations_app ON operations (app_name, created_at DESC);

CREATE TABLE sync_history (
  id           bigserial PRIMARY KEY,
  app_name     text NOT NULL REFERENCES applications(name) ON DELETE CASCADE,
  revision     text,
  bundle_key   text,
  operation_id uuid,
  deployed_at  timestamptz NOT NULL DEFAULT now(),
  detail       jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE cluster_events (
  cluster_id  bigint NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
  seq         bigint NOT NULL,
  app_name    text,
  event       jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cluster_id, seq)
);

CREATE TABLE audit_log (
  id       bigserial PRIMARY KEY,
  at       timestamptz NOT NULL DEFAULT now(),
  actor    text NOT NULL,
  action   text NOT NULL,
  resource text NOT NULL,
  object   text NOT NULL,
  detail   jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_object ON audit_log (resource, object, at DESC);
