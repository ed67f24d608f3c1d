// The one render interface every source type implements (issue 14). A driver gets the source's
// files checked out into a scratch directory of its own (the whole repository at one commit, so
// Kustomize's `../base` and Helm's value files work), the source spec, the application and its
// destination, and the destination cluster's capabilities; it answers the manifests, the
// repository paths it read (so a later commit that leaves them unchanged costs no render), or
// errors that name the file and line. Drivers run tools (helm, kustomize, jsonnet) through
// `run-tool.ts`, which bounds their time and output; they never touch Git, the store or the
// network beyond what their tool fetches (Helm repositories, OCI registries).
import type { SourceLike } from '../../store/applications.ts';
import type { RenderError } from '../render-directory.ts';
import type { RemoteSources } from './remote-sources.ts';

export type { RenderError } from '../render-directory.ts';

/** Argo CD's source types, as `detectSourceType` decides them. */
export type SourceType = 'Directory' | 'Helm' | 'Kustomize' | 'Plugin';

/** What the destination cluster's agent reported at hello: `.Capabilities` for Helm, `--kube-version` etc. */
export interface ClusterCapabilities {
  /** e.g. `v1.34.4` (empty when the agent did not report it). */
  kubeVersion: string;
  /** Group versions and `group/version/Kind` entries the API serves, sorted (Helm's `--api-versions`). */
  apiVersions: string[];
}

/** Paths of the tools a driver may run; a missing one is a condition naming the tool. */
export interface RenderTools {
  helm?: string;
  kustomize?: string;
  jsonnet?: string;
  /** More kustomize binaries, by version name, for `spec.source.kustomize.version` (FLOTILLA_KUSTOMIZE_PATHS). */
  kustomizeVersions?: Record<string, string>;
}

/** Bounds every tool run keeps. */
export interface RenderBounds {
  /** Wall time of one tool run. */
  timeoutMs: number;
  /** Bytes of standard output one tool run may write. */
  maxOutputBytes: number;
}

/** Everything a driver needs, gathered before it runs. */
export interface RenderRequest {
  /** The scratch directory holding the repository at the commit (the driver may write in it). */
  root: string;
  /** The source path, repository-relative, already checked to stay inside (`''` for the root). */
  path: string;
  /** The source spec as the Application has it (`helm`, `kustomize`, `directory`, `chart` ...). */
  source: SourceLike;
  /** The application's name (Helm's default release name) and destination namespace. */
  appName: string;
  namespace: string;
  /** The commit (or chart version) rendered, and the application's project: Argo CD's `ARGOCD_APP_REVISION` and `ARGOCD_APP_PROJECT_NAME`. */
  revision?: string;
  project?: string;
  capabilities: ClusterCapabilities;
  tools: RenderTools;
  bounds: RenderBounds;
  /** Multi-source: for each `ref` name, the scratch root of that source's repository (`$ref/…` value files). */
  refs: Record<string, string>;
  /** Hub-wide `kustomize.buildOptions` (e.g. `--enable-helm`), split into arguments. */
  kustomizeBuildOptions: string[];
  /** Credentials for Helm repositories and OCI registries, by URL prefix (already matched by scheme, host and path). */
  helmCredentials(url: string): { username: string; password: string } | undefined;
  /** The hub's fetch policy (url-policy.ts, the allow-list included) for what a tool fetches by itself. */
  mayFetch?: (url: string) => Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Hosts remote Helm value files and Kustomize bases may come from (FLOTILLA_REMOTE_SOURCES, remote-sources.ts); absent: refused. */
  remoteSources?: RemoteSources;
}

/** What a driver answers: manifests and the repository paths they depend on, or errors. */
export type DriverResult =
  | { ok: true; manifests: object[]; inputs: string[] }
  | { ok: false; errors: RenderError[] };

/** A source type's renderer. */
export type Driver = (request: RenderRequest) => Promise<DriverResult>;
