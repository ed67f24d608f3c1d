-- Lists that scale (issue 16): what the paged, filtered lists read through (store/list-applications.ts,
-- store/list-named.ts). Pages walk the primary key in name order; a tenant's page is one project's
-- range of (project, name); label selectors use a GIN index on the labels object, exactly the
-- expression the list query writes; a namespace filter its own. Sync and health filters read the
-- agent's reported values as generated columns, so a filter never unpacks a status document (with
-- its resource tree) per row.
CREATE INDEX applications_project_name ON applications (project, name);
CREATE INDEX applications_labels ON applications USING gin ((COALESCE(metadata->'labels', '{}'::jsonb)));
CREATE INDEX applications_namespace ON applications ((spec->'destination'->>'namespace'), name);

ALTER TABLE application_status
  ADD COLUMN sync_status text GENERATED ALWAYS AS (status->'sync'->>'status') STORED,
  ADD COLUMN sync_bundle text GENERATED ALWAYS AS (status->'sync'->>'bundle') STORED,
  ADD COLUMN health_status text GENERATED ALWAYS AS (status->'health'->>'status') STORED;
