// Table tests for Argo CD's `${VAR}` substitution (Go os.Expand rules) and its build environment.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildEnv, envsubst } from './argocd-env.ts';

describe('envsubst', () => {
  const env = buildEnv({ appName: 'guestbook', namespace: 'web', source: { repoURL: 'https://git.example/apps.git', path: 'apps/gb', targetRevision: 'main' } }, { revision: '0123456789abcdef', project: 'team' });
  // input | output
  const rows: [string, string][] = [
    ['nginx:${ARGOCD_APP_NAME}', 'nginx:guestbook'],
    ['$ARGOCD_APP_NAMESPACE-x', 'web-x'],
    ['${ARGOCD_APP_REVISION_SHORT}', '0123456'],
    ['${ARGOCD_APP_REVISION_SHORT_8}', '01234567'],
    ['${ARGOCD_APP_SOURCE_PATH}@${ARGOCD_APP_SOURCE_TARGET_REVISION}', 'apps/gb@main'],
    ['cost: $$5', 'cost: $5'],
    ['${UNKNOWN}x', 'x'],
    ['trailing $', 'trailing $'],
    ['$ alone', '$ alone'],
    ['${}eaten', 'eaten'],
    ['${unclosed', 'unclosed'],
    ['$1st', 'st'],
    ['no variables', 'no variables'],
    ['${ARGOCD_APP_PROJECT_NAME}', 'team'],
  ];
  for (const [input, expected] of rows) it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => assert.equal(envsubst(input, env), expected));
});
