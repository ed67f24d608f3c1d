-- Cluster identity (issue 13): an agent's hello no longer sets the URL that destination.server
-- routes by. `server_url` is what an admin set or confirmed, unique across clusters; what the
-- agent reports is kept apart, for the admin to confirm. URLs stored before this came from agents,
-- so they move to the reported column and wait for confirmation.
ALTER TABLE clusters ADD COLUMN reported_server_url text;
UPDATE clusters SET reported_server_url = server_url, server_url = NULL;
CREATE UNIQUE INDEX clusters_server_url ON clusters (server_url) WHERE server_url IS NOT NULL;

-- A bootstrap token is spent only once the agent has stored the credential it was exchanged for:
-- the credential stays pending (activated_at NULL) until the agent acknowledges it, or first
-- connects with it. A flaky first connection no longer burns the token.
ALTER TABLE cluster_tokens ADD COLUMN activated_at timestamptz;
ALTER TABLE cluster_tokens ADD COLUMN bootstrap_hash text;
UPDATE cluster_tokens SET activated_at = created_at WHERE kind = 'credential';

-- The hub's epoch: agents compare it at hello, and a hub whose store was restored from a backup
-- (its revision logs may have diverged from what agents acked) answers with snapshots. The
-- identity of the database it was created in tells a restore apart from a restart.
CREATE TABLE hub_identity (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  epoch       text NOT NULL,
  store_id    text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
