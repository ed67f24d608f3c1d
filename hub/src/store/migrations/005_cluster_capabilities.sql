-- What each cluster serves, as its agent reported at hello (issue 14): the server version and the
-- API versions Helm's `--kube-version` and `--api-versions` take (`.Capabilities` in charts), as
-- {"kubeVersion": "v1.34.4", "apiVersions": ["apps/v1", "apps/v1/Deployment", ...]}. NULL until an
-- agent reports them; the renderer then uses an empty version and list (capabilitiesOf).
ALTER TABLE clusters ADD COLUMN capabilities jsonb;
