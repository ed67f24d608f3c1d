// ssoConfigOf: columns are the flags (with an oidc.config file's text), and the settings expected
// or the error message they are refused with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ssoConfigOf, type SsoFlags } from './sso-config.ts';

const argo = `name: Okta
issuer: https://dev-123.okta.com
clientID: aaaabbbbccccddddeee
clientSecret: $oidc.okta.clientSecret
requestedScopes: ["openid", "profile", "email", "groups"]
requestedIDTokenClaims: {"groups": {"essential": true}}
`;
const file = (text: string) => ({ config: { path: 'oidc.yaml', text } });
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

const cases: Array<[string, SsoFlags, Record<string, unknown> | undefined | RegExp]> = [
  ['nothing configured', {}, undefined],
  ['flags only', { issuer: 'https://idp.example', clientId: 'flotilla', clientSecret: 's' },
    { name: 'SSO', issuer: 'https://idp.example', clientId: 'flotilla', clientSecret: 's', requestedScopes: ['openid', 'profile', 'email', 'groups'] }],
  ['scopes flag gets openid', { issuer: 'https://idp.example', clientId: 'c', clientSecret: 's', scopes: 'email,groups' },
    { requestedScopes: ['openid', 'email', 'groups'] }],
  ["Argo CD's oidc.config with the secret from the environment", { ...file(argo), clientSecret: 'from-env' },
    { name: 'Okta', issuer: 'https://dev-123.okta.com', clientId: 'aaaabbbbccccddddeee', clientSecret: 'from-env', requestedIdTokenClaims: { groups: { essential: true } } }],
  ['an argocd-secret reference and no secret given', file(argo), /clientSecret \$oidc\.okta\.clientSecret names a key of argocd-secret.*FLOTILLA_OIDC_CLIENT_SECRET/],
  ['the file inside its argocd-cm ConfigMap', { ...file(`kind: ConfigMap\ndata:\n  oidc.config: |\n${argo.replace(/^/gm, '    ')}`), clientSecret: 'x' },
    { name: 'Okta', clientId: 'aaaabbbbccccddddeee' }],
  ['JSON works too', file('{"issuer":"https://idp.example","clientID":"c","clientSecret":"literal"}'), { clientSecret: 'literal' }],
  ['flags win over the file', { ...file('issuer: https://a.example\nclientID: a\nclientSecret: s'), issuer: 'https://b.example' }, { issuer: 'https://b.example' }],
  ['an unknown key is named', file('issuer: https://a.example\nclientID: a\nclientSecret: s\nclientId: typo'), /oidc\.yaml: unknown key clientId/],
  ['an Argo CD key Flotilla does not act on', file('issuer: https://a.example\nclientID: a\nclientSecret: s\ncliClientID: cli'), /cliClientID is an Argo CD setting Flotilla does not support/],
  ['an inline rootCA as Argo CD takes it', { ...file(`issuer: https://a.example\nclientID: a\nclientSecret: s\nrootCA: |\n  ${CA.trim().replace(/\n/g, '\n  ')}\n`) }, { rootCa: CA }],
  ['a rootCA that is no PEM', { issuer: 'https://a.example', clientId: 'a', clientSecret: 's', rootCa: 'nope' }, /rootCA holds no PEM/],
  ['plain http to a remote issuer', { issuer: 'http://idp.example', clientId: 'a', clientSecret: 's' }, /must be https/],
  ['plain http to a loopback issuer', { issuer: 'http://127.0.0.1:5556/dex', clientId: 'a', clientSecret: 's' }, { issuer: 'http://127.0.0.1:5556/dex' }],
  ['no client id', { issuer: 'https://a.example' }, /client id is missing/],
  ['no issuer', { clientId: 'a' }, /issuer is missing/],
  ['requestedScopes not a list', file('issuer: https://a.example\nclientID: a\nclientSecret: s\nrequestedScopes: openid'), /requestedScopes must be a list/],
  ['not YAML', file('issuer: [unclosed'), /not YAML or JSON/],
];

test('SSO settings from flags and an Argo CD oidc.config', () => {
  for (const [name, flags, expected] of cases) {
    if (expected instanceof RegExp) {
      assert.throws(() => ssoConfigOf(flags), expected, name);
      continue;
    }
    const got = ssoConfigOf(flags);
    if (expected === undefined) assert.equal(got, undefined, name);
    else for (const [key, value] of Object.entries(expected)) assert.deepEqual((got as unknown as Record<string, unknown>)[key], value, `${name}: ${key}`);
  }
});
