// Argo CD's build environment (reposerver newEnv) and its `${VAR}` substitution (v1alpha1 Env.Envsubst,
// which is Go's os.Expand with `$$` kept as `$`). Argo CD substitutes it into Kustomize images and
// common labels (annotations with commonAnnotationsEnvsubst) and into Jsonnet TLAs and ext vars, so
// `${ARGOCD_APP_NAME}` there means the same thing here. Unknown names become empty, as in Argo CD.
import type { RenderRequest } from './types.ts';

/** Variable name → value. */
export type BuildEnv = Record<string, string>;

/** Overrides of the render's commit and the application's project (RenderRequest carries both). */
export interface EnvExtras {
  revision?: string;
  project?: string;
}

/** The variables Argo CD sets for a render. */
export function buildEnv(request: Pick<RenderRequest, 'appName' | 'namespace' | 'source' | 'revision' | 'project'>, extras: EnvExtras = {}): BuildEnv {
  const revision = extras.revision ?? request.revision ?? '';
  return {
    ARGOCD_APP_NAME: request.appName,
    ARGOCD_APP_NAMESPACE: request.namespace,
    ARGOCD_APP_PROJECT_NAME: extras.project ?? request.project ?? '',
    ARGOCD_APP_REVISION: revision,
    ARGOCD_APP_REVISION_SHORT: revision.slice(0, 7),
    ARGOCD_APP_REVISION_SHORT_8: revision.slice(0, 8),
    ARGOCD_APP_SOURCE_REPO_URL: request.source.repoURL,
    ARGOCD_APP_SOURCE_PATH: request.source.path ?? '',
    ARGOCD_APP_SOURCE_TARGET_REVISION: request.source.targetRevision ?? '',
  };
}

/** Replaces `$NAME` and `${NAME}` with their values (pure; Go's os.Expand rules, `$$` → `$`). */
export function envsubst(text: string, env: BuildEnv): string {
  let out = '';
  let i = 0;
  for (let j = 0; j < text.length; j++) {
    if (text[j] !== '$' || j + 1 >= text.length) continue;
    out += text.slice(i, j);
    const [name, width] = shellName(text.slice(j + 1));
    if (name === '' && width === 0) out += '$';
    else if (name !== '') out += name === '$' ? '$' : (env[name] ?? '');
    j += width;
    i = j + 1;
  }
  return out + text.slice(i);
}

const SPECIAL = '*#$@!?-0123456789';

/** Go's getShellName: the name after a `$` and how many characters it spans (a bad `${` is eaten, name ''). */
function shellName(s: string): [string, number] {
  if (s[0] === '{') {
    if (s.length > 2 && SPECIAL.includes(s[1]!) && s[2] === '}') return [s[1]!, 3];
    for (let i = 1; i < s.length; i++) {
      if (s[i] === '}') return i === 1 ? ['', 2] : [s.slice(1, i), i + 1];
    }
    return ['', 1];
  }
  if (SPECIAL.includes(s[0]!)) return [s[0]!, 1];
  const match = /^[A-Za-z0-9_]*/.exec(s)![0];
  return [match, match.length];
}
