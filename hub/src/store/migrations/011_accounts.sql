-- Local accounts and their tokens (issue 16): an account may log in with a password (`login`) and
-- hold API tokens (`apiKey`); an account made for automation has no password. API tokens and the
-- ids of project role JWTs live here, so a revoked or expired one is refused on every replica at
-- the next request (each request reads this table). A revoked token's row stays (revoked_at set)
-- so that its later use is recognised and audited; ids are unique among live tokens only.

ALTER TABLE accounts ADD COLUMN capabilities text[] NOT NULL DEFAULT '{login}';
ALTER TABLE accounts ALTER COLUMN password_hash DROP NOT NULL;

CREATE TABLE api_tokens (
  token_hash   text PRIMARY KEY,
  account      text NOT NULL REFERENCES accounts(name) ON DELETE CASCADE,
  id           text NOT NULL,
  issued_at    timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE UNIQUE INDEX api_tokens_live_id ON api_tokens (account, id) WHERE revoked_at IS NULL;

-- Project role JWTs: stored as the SHA-256 of the whole JWT beside its id (jti), so a revoked
-- token stays refused even when a new one is given the same id.
CREATE TABLE project_tokens (
  token_hash   text PRIMARY KEY,
  project      text NOT NULL REFERENCES projects(name) ON DELETE CASCADE,
  role         text NOT NULL,
  id           text NOT NULL,
  issued_at    timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE UNIQUE INDEX project_tokens_live_id ON project_tokens (project, role, id) WHERE revoked_at IS NULL;

-- The HS256 keys project JWTs are signed with, sealed with the hub's secret key (FLOTILLA_SECRET_KEY
-- or secret.key, which replicas share); the newest signs, any verifies.
CREATE TABLE token_signing_keys (
  kid        text PRIMARY KEY,
  key_sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
