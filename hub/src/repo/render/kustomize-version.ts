// `spec.source.kustomize.version`: which kustomize binary renders a source. Argo CD looks the
// version up among the binaries registered as `kustomize.path.<version>` in argocd-cm and fails
// with "kustomize version … is not registered" otherwise. The hub has its default kustomize (the
// one it logs at start) and more binaries by version from FLOTILLA_KUSTOMIZE_PATHS
// (`v4.5.7=/opt/kustomize-4.5.7,…`); a version matches with or without its leading `v`. An empty
// version is the default binary. Pure.

/** The binary to run, or why none fits (the message names the field, the version asked and those available). */
export type KustomizeChoice = { ok: true; binary: string } | { ok: false; message: string };

/** FLOTILLA_KUSTOMIZE_PATHS as version → path, or what is wrong with it. */
export function parseKustomizePaths(text: string | undefined): { ok: true; versions: Record<string, string> } | { ok: false; message: string } {
  const versions: Record<string, string> = {};
  for (const entry of (text ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const eq = entry.indexOf('=');
    const version = eq === -1 ? '' : entry.slice(0, eq).trim();
    const path = eq === -1 ? '' : entry.slice(eq + 1).trim();
    if (version === '' || !path.startsWith('/')) {
      return { ok: false, message: `FLOTILLA_KUSTOMIZE_PATHS: expected version=/absolute/path/to/kustomize entries separated by commas, got ${JSON.stringify(entry)}` };
    }
    if (Object.keys(versions).some((v) => sameVersion(v, version))) return { ok: false, message: `FLOTILLA_KUSTOMIZE_PATHS: version ${version} is listed twice` };
    versions[version] = path;
  }
  return { ok: true, versions };
}

/** The version `kustomize version` prints: `v5.7.1`, or `{Version:kustomize/v4.5.7 GitCommit:…}` from older releases. */
export function parseKustomizeVersion(stdout: string): string | undefined {
  const match = /\bv?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)/.exec(stdout);
  return match ? `v${match[1]}` : undefined;
}

/** Whether two version names are the same version (`v5.7.1` = `5.7.1`). */
export function sameVersion(a: string, b: string): boolean {
  return a.trim().replace(/^v/, '') === b.trim().replace(/^v/, '');
}

/**
 * The binary for `requested` (the source's kustomize.version): the default when it is empty or is
 * the default's version, else the configured one of that version, else a refusal.
 */
export function chooseKustomize(requested: string | undefined, fallback: { binary: string; version: string | undefined }, configured: Record<string, string>): KustomizeChoice {
  const asked = (requested ?? '').trim();
  if (asked === '') return { ok: true, binary: fallback.binary };
  if (fallback.version !== undefined && sameVersion(asked, fallback.version)) return { ok: true, binary: fallback.binary };
  const match = Object.entries(configured).find(([version]) => sameVersion(version, asked));
  if (match) return { ok: true, binary: match[1] };
  const available = [...(fallback.version !== undefined ? [`${fallback.version} (the default)`] : []), ...Object.keys(configured)];
  return {
    ok: false,
    message: `spec.source.kustomize.version: kustomize ${asked} is not available on the hub (it has ${available.length ? available.join(', ') : 'no kustomize whose version it knows'}): remove the field to render with the default, or have the operator add the binary to FLOTILLA_KUSTOMIZE_PATHS`,
  };
}
