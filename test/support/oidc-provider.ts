// A real OpenID Connect provider for tests: the `oidc-provider` package (a certified OP) served
// over HTTPS on 127.0.0.1 with a self-signed certificate (the hub trusts it as its rootCA), one
// confidential client, and users with passwords and groups. Its login and consent pages are plain
// HTML forms (our own interaction handlers, the way a real deployment writes them), so a test
// signs in over HTTP exactly as a browser does: GET the page, POST the form, follow redirects.
// `Browser` is that browser: a cookie jar per origin and manual redirects, over node:https with
// the provider's CA (the global fetch cannot take one).
import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { generateSelfSigned } from '../../hub/src/tls/self-signed.ts';
import { fetchTrusting } from '../../hub/src/api/sso/oidc-fetch.ts';
import { recordSecret } from './secret-ledger.ts';

/** A user the provider knows. */
export interface OidcUser {
  password: string;
  email: string;
  groups: string[];
}

/** A running provider. */
export interface TestOidcProvider {
  issuer: string;
  /** The PEM certificate it serves (self-signed: also its CA). */
  ca: string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
}

/** What the provider is started with. */
export interface OidcProviderOptions {
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  users: Record<string, OidcUser>;
}

/** Starts the provider on a free port of 127.0.0.1. */
export async function startOidcProvider(options: OidcProviderOptions): Promise<TestOidcProvider> {
  const tls = generateSelfSigned({ commonName: 'test-oidc', hosts: ['127.0.0.1'], notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000) });
  const server = createServer({ key: tls.key, cert: tls.cert });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'flotilla';
  const clientSecret = `oidc-client-secret-${Math.random().toString(36).slice(2)}`;
  recordSecret('oidc client secret', clientSecret);
  for (const user of Object.values(options.users)) recordSecret('oidc user password', user.password);
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: options.redirectUris,
      post_logout_redirect_uris: options.postLogoutRedirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    scopes: ['openid', 'profile', 'email', 'groups'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    // As Dex and Keycloak do: the scopes' claims are in the ID token itself.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true, logoutSource: logoutPage } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test-cookie-key-0123456789'] },
    // Its own signing key and lifetimes (the package's defaults print development warnings).
    jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    async findAccount(_ctx: unknown, id: string) {
      const user = options.users[id];
      if (!user) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, email: user.email, email_verified: true, name: id, groups: user.groups }) };
    },
  });
  const callback = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/interaction\/([\w-]+)(\/login|\/confirm)?$/.exec(req.url?.split('?')[0] ?? '');
    if (!match) return void callback(req, res);
    interaction(provider, options.users, req, res, match[2]).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  return {
    issuer,
    ca: tls.cert,
    clientId,
    clientSecret,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

// The login form, its POST (password checked), and the consent form and its POST.
async function interaction(provider: Provider, users: Record<string, OidcUser>, req: IncomingMessage, res: ServerResponse, step: string | undefined): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, params, session } = details;
  if (req.method === 'GET') return page(res, 200, prompt.name === 'login' ? loginForm(uid) : consentForm(uid, String(params.scope)));
  const form = new URLSearchParams(await body(req));
  if (step === '/login') {
    const user = users[form.get('login') ?? ''];
    if (!user || user.password !== form.get('password')) return page(res, 401, `<p>wrong username or password</p>${loginForm(uid)}`);
    return provider.interactionFinished(req, res, { login: { accountId: form.get('login') } }, { mergeWithLastSubmission: false });
  }
  const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
  const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
}

// The provider's "log out?" page (RP-initiated logout): its form, as the package builds it.
async function logoutPage(ctx: { body: string }, form: string): Promise<void> {
  ctx.body = `<!doctype html><html><body><p>Log out of the test provider?</p>${form}<button form="op.logoutForm" value="yes" name="logout">Yes</button></body></html>`;
}

const loginForm = (uid: string) => `<form method="post" action="/interaction/${uid}/login"><input name="login"><input name="password" type="password"><button>Sign in</button></form>`;
const consentForm = (uid: string, scope: string) => `<p>Allow ${scope}?</p><form method="post" action="/interaction/${uid}/confirm"><button>Allow</button></form>`;

function page(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html><body>${html}</body></html>`);
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

/** One answer the browser got. */
export interface Page {
  url: URL;
  status: number;
  location?: URL;
  text: string;
  /** The Set-Cookie lines of the answer, as sent. */
  setCookies: string[];
}

/** A browser: cookies per origin (Max-Age=0 removes), redirects followed by hand, forms posted. */
export class Browser {
  readonly #fetch: ReturnType<typeof fetchTrusting>;
  readonly #cookies = new Map<string, Map<string, string>>();

  constructor(ca: string) {
    this.#fetch = fetchTrusting(ca);
  }

  /** The cookies held for an origin. */
  cookies(origin: string): Map<string, string> {
    let jar = this.#cookies.get(origin);
    if (!jar) this.#cookies.set(origin, (jar = new Map()));
    return jar;
  }

  /** One request, cookies sent and kept; no redirect followed. */
  async request(url: URL | string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Page> {
    const target = new URL(url);
    const jar = this.cookies(target.origin);
    const headers: Record<string, string> = { accept: 'text/html' };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const form = init.form ? new URLSearchParams(init.form).toString() : undefined;
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await this.#fetch(target.toString(), { method: init.method ?? (form !== undefined ? 'POST' : 'GET'), headers, ...(form !== undefined ? { body: form } : {}) });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair = ''] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      if (/max-age=0\b/i.test(line) || /expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, pair.slice(i + 1).trim());
    }
    const location = res.headers.get('location');
    return { url: target, status: res.status, text: await res.text(), setCookies, ...(location ? { location: new URL(location, target) } : {}) };
  }

  /** Follows redirects from url until an answer is no redirect or its next hop is where `stop` says (that hop is answered, not fetched). */
  async follow(url: URL | string, stop: (next: URL) => boolean = () => false, first?: Page): Promise<Page> {
    let page = first ?? await this.request(url);
    for (let hops = 0; page.location && hops < 20; hops++) {
      if (stop(page.location)) return page;
      page = await this.request(page.location);
    }
    return page;
  }

  /** Signs in at the provider's pages from wherever `start` leads: the login form, then consent; answers the last page reached. */
  async signIn(start: URL | string, login: string, password: string, stop: (next: URL) => boolean = () => false): Promise<Page> {
    let page = await this.follow(start, stop);
    for (let forms = 0; forms < 3 && !page.location; forms++) {
      const action = /<form method="post" action="([^"]+)"/.exec(page.text)?.[1];
      if (!action) return page;
      const posted = await this.request(new URL(action, page.url), { form: action.endsWith('/login') ? { login, password } : {} });
      page = await this.follow(posted.url, stop, posted);
    }
    return page;
  }
}
