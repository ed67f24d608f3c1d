-- The audit log (issue 16 §6): every entry says how it ended (`success`, `failure` or `denied`),
-- and is found by time, by actor and by object newest first (keyset paging by id). Entries written
-- before this migration are given the result their action already told: a failed login is a
-- failure, a refused token and a sync refused by a sync window are denials.

ALTER TABLE audit_log ADD COLUMN result text NOT NULL DEFAULT 'success'
  CHECK (result IN ('success', 'failure', 'denied'));
UPDATE audit_log SET result = 'failure' WHERE action = 'login-failed';
UPDATE audit_log SET result = 'denied' WHERE action = 'token-refused' OR detail ? 'refused';

-- Retention prunes by time; since/until filter by it.
CREATE INDEX audit_log_at ON audit_log (at);
-- `?actor=` and `?resource=&object=`, newest first by id (the paging key).
CREATE INDEX audit_log_actor ON audit_log (actor, id DESC);
CREATE INDEX audit_log_resource_object_id ON audit_log (resource, object, id DESC);
-- (audit_log_object, on (resource, object, at DESC), stays: the coalesced entries look back 60 s by it.)
