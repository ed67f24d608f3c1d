-- Render only what changed (issue 14): for each source (repository, path, parameters, and the
-- destination facts its type reads, but no commit) the repository paths its last render read.
-- At a new commit the hub compares the Git object ids of those paths; unchanged ids mean the
-- render of that content is already in `renders`, so nothing is rendered again.
CREATE TABLE render_inputs (
  source_key text PRIMARY KEY,
  inputs     jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
