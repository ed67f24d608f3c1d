-- App of apps (issue 14): an application whose destination is the hub itself has no cluster
-- (cluster_id NULL), never an assignment, and owns the Application and AppProject objects it renders
-- (owner = the parent application's name). Deleting a parent row leaves its children unowned; the
-- hub deletes (or keeps) them first, as the parent's deletion asked.
ALTER TABLE applications ALTER COLUMN cluster_id DROP NOT NULL;
ALTER TABLE applications ADD COLUMN owner text REFERENCES applications(name) ON DELETE SET NULL;
CREATE INDEX applications_owner ON applications (owner) WHERE owner IS NOT NULL;

ALTER TABLE projects ADD COLUMN owner text REFERENCES applications(name) ON DELETE SET NULL;
ALTER TABLE projects ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}';
CREATE INDEX projects_owner ON projects (owner) WHERE owner IS NOT NULL;
