-- Repository credentials bound to scheme, host and path (issue 13): a repository's credential is
-- keyed by `scheme://host[:port]/path` (credential_key), so http:// and https:// of one host never
-- share one; credential templates (Argo CD's repocreds) cover every repository under a URL prefix.
-- normalized_url (scheme-less, as applications.repo_url) stays, to find a repository's applications.

ALTER TABLE repositories DROP CONSTRAINT repositories_normalized_url_key;
ALTER TABLE repositories ADD COLUMN credential_key text;
-- Rows from before: the API took only http(s) URLs; the key is the URL's scheme and the old key.
-- A password once written into the URL itself is dropped from it (the stored credential stays).
UPDATE repositories SET
  credential_key = coalesce(lower(substring(btrim(url) from '^([A-Za-z]+)://')), 'https') || '://' || normalized_url,
  url = regexp_replace(btrim(url), '^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@]*@', '\1');
ALTER TABLE repositories ALTER COLUMN credential_key SET NOT NULL;
ALTER TABLE repositories ADD CONSTRAINT repositories_credential_key_key UNIQUE (credential_key);

CREATE TABLE repo_creds (
  credential_key text PRIMARY KEY,
  url            text NOT NULL,
  username       text,
  password_enc   text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
