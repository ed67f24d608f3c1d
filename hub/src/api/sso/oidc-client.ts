// The hub as an OIDC relying party, over openid-client: the provider's metadata is discovered on
// first use (and again after a failure, so a provider that was down at the hub's start is picked
// up later), the authorization URL carries PKCE (S256), state and nonce, and the callback's code is
// exchanged and its ID token verified (signature, issuer, audience, expiry, nonce) by
// openid-client. Plain http is allowed only to a loopback issuer (a local Dex).
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { FlotillaError, unauthenticated } from '@flotilla/shared';
import type { SsoConfig } from './sso-config.ts';
import { fetchTrusting } from './oidc-fetch.ts';

/** What one login needs to remember between its two requests. */
export interface LoginSecrets {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** What a verified callback gives. */
export interface VerifiedLogin {
  claims: Record<string, unknown>;
  idToken: string | undefined;
}

/** New random state, nonce and PKCE verifier for a login. */
export function newLoginSecrets(): LoginSecrets {
  return { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
}

/** The S256 PKCE challenge of a verifier (RFC 7636), as the CLI computes it too. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** The relying party of one SSO configuration. */
export class OidcClient {
  readonly #config: SsoConfig;
  #discovered: Promise<oidc.Configuration> | undefined;

  constructor(config: SsoConfig) {
    this.#config = config;
  }

  /** The provider's configuration, discovered once; a failed discovery is retried at the next call. */
  async configuration(): Promise<oidc.Configuration> {
    if (!this.#discovered) {
      const issuer = new URL(this.#config.issuer);
      const options: oidc.DiscoveryRequestOptions = {
        ...(issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
        ...(this.#config.rootCa ? { [oidc.customFetch]: fetchTrusting(this.#config.rootCa) as oidc.CustomFetch } : {}),
      };
      const discovered = oidc.discovery(issuer, this.#config.clientId, this.#config.clientSecret, undefined, options);
      this.#discovered = discovered;
      discovered.catch(() => {
        if (this.#discovered === discovered) this.#discovered = undefined;
      });
    }
    try {
      return await this.#discovered;
    } catch (error) {
      throw new FlotillaError('FLT_ERR_UNAVAILABLE', `the identity provider ${this.#config.issuer} cannot be reached: ${(error as Error).message}`, [], { cause: error });
    }
  }

  /** The provider URL that starts a login. */
  async authorizationUrl(secrets: LoginSecrets, redirectUri: string): Promise<URL> {
    const parameters: Record<string, string> = {
      redirect_uri: redirectUri,
      scope: this.#config.requestedScopes.join(' '),
      response_type: 'code',
      state: secrets.state,
      nonce: secrets.nonce,
      code_challenge: pkceChallenge(secrets.codeVerifier),
      code_challenge_method: 'S256',
    };
    if (this.#config.requestedIdTokenClaims) parameters.claims = JSON.stringify({ id_token: this.#config.requestedIdTokenClaims });
    return oidc.buildAuthorizationUrl(await this.configuration(), parameters);
  }

  /** Exchanges the callback's code and verifies the ID token; 401 when the provider's answer is refused, 503 when it cannot be reached. */
  async verifyCallback(callbackUrl: URL, expected: LoginSecrets): Promise<VerifiedLogin> {
    const config = await this.configuration();
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: expected.codeVerifier,
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      if (isUnreachable(error)) throw new FlotillaError('FLT_ERR_UNAVAILABLE', `the identity provider ${this.#config.issuer} cannot be reached: ${(error as Error).message}`, [], { cause: error });
      throw unauthenticated(`SSO login refused: ${describe(error)}`);
    }
    const claims = tokens.claims();
    if (!claims) throw unauthenticated('SSO login refused: the provider sent no ID token');
    return { claims: claims as Record<string, unknown>, idToken: tokens.id_token };
  }

  /** The provider's logout URL for a session's ID token, when it advertises end_session_endpoint. */
  async endSessionUrl(idToken: string | undefined, postLogoutRedirectUri: string): Promise<URL | undefined> {
    let config: oidc.Configuration;
    try {
      config = await this.configuration();
    } catch {
      return undefined; // the hub's session is over anyway
    }
    if (!config.serverMetadata().end_session_endpoint) return undefined;
    return oidc.buildEndSessionUrl(config, { post_logout_redirect_uri: postLogoutRedirectUri, ...(idToken ? { id_token_hint: idToken } : {}) });
  }
}

function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return error instanceof TypeError || (typeof code === 'string' && /^E[A-Z]+$/.test(code));
}

// The provider's own error words when it sent some (access_denied, invalid_grant), else the check that failed.
function describe(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) {
    return `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
  }
  return (error as Error).message;
}
