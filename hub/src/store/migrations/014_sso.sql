-- OIDC single sign-on (issue 16 §4). Everything a login needs between its two requests lives
-- here, not in one hub's memory, so the provider may send the browser back to any replica.
--   sso_requests: a login started (GET /auth/login): the state (stored as its SHA-256), the PKCE
--     verifier (sealed with the hub's secret key), the nonce, where to go after, and for a CLI
--     login the loopback port and the CLI's own PKCE challenge. One use, ten minutes.
--   sso_cli_codes: a CLI login the provider finished, waiting for the CLI to redeem its one-time
--     code with its PKCE verifier (POST /auth/cli/token). One use, one minute.
--   sso_sessions: sessions of SSO users, who have no row in accounts: the RBAC subject (Argo CD's
--     user identifier: federated_claims.user_id, else sub), the groups taken from the claims the
--     RBAC `scopes` setting names at login, and the ID token (sealed) for the provider's logout.

CREATE TABLE sso_requests (
  state_hash           text PRIMARY KEY,
  code_verifier_sealed text NOT NULL,
  nonce                text NOT NULL,
  return_to            text NOT NULL,
  cli_port             integer,
  cli_challenge        text,
  cli_state            text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  expires_at           timestamptz NOT NULL
);
CREATE INDEX sso_requests_expires ON sso_requests (expires_at);

CREATE TABLE sso_cli_codes (
  code_hash       text PRIMARY KEY,
  subject         text NOT NULL,
  email           text,
  groups          text[] NOT NULL,
  id_token_sealed text,
  cli_challenge   text NOT NULL,
  expires_at      timestamptz NOT NULL
);

CREATE TABLE sso_sessions (
  token_hash      text PRIMARY KEY,
  subject         text NOT NULL,
  email           text,
  groups          text[] NOT NULL,
  id_token_sealed text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL
);
CREATE INDEX sso_sessions_expires ON sso_sessions (expires_at);
