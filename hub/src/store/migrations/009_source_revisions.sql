-- Multi-source applications (issue 14): the revision of each of `spec.sources`, in source order
-- (a commit, or a chart's version), as Argo CD's status.sync.revisions; null for a `spec.source`
-- application. Sync history keeps them (and the sources) in sync_history.detail.
ALTER TABLE applications ADD COLUMN revisions jsonb;

-- The API shows each application's newest history entries (status.history).
CREATE INDEX IF NOT EXISTS sync_history_app ON sync_history (app_name, id DESC);
