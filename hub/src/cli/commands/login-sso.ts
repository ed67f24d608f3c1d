// `flotilla login --sso`: the CLI's half of the hub-brokered SSO login (the hub's half and why it
// is built this way: hub/src/api/sso/cli-login.ts). The CLI listens on 127.0.0.1 (a free port),
// prints the hub URL to open in a browser (it opens nothing itself, so it works over SSH and in CI),
// waits for the browser to bring back a one-time code with the state it chose, and redeems the code
// with its PKCE verifier for a session token. Argo CD's CLI instead runs PKCE against the provider
// with its own client id and loopback redirect; going through the hub needs no second client
// registration at the provider and gives a hub session that logout and revocation end.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from '../client.ts';
import type { TlsTrust } from '@flotilla/shared';

/** What a finished SSO login gives. */
export interface SsoLoginResult {
  token: string;
  username: string;
  groups: string[];
}

/** Runs an SSO login against the hub at `server`; `say` prints the URL to open. */
export async function loginWithSso(server: string, trust: TlsTrust | undefined, say: (line: string) => void, timeoutMs = 300_000): Promise<SsoLoginResult> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(24).toString('base64url');
  const listener = createServer();
  await new Promise<void>((resolve, reject) => listener.once('error', reject).listen(0, '127.0.0.1', resolve));
  try {
    const port = (listener.address() as AddressInfo).port;
    const url = new URL('/auth/login', server);
    url.search = new URLSearchParams({ cli_port: String(port), cli_challenge: challenge, cli_state: state }).toString();
    say(`Open this URL in a browser to log in (waiting ${Math.round(timeoutMs / 1000)} s):\n  ${url.toString()}`);
    const code = await codeFromBrowser(listener, state, timeoutMs);
    const answer = await new ApiClient(server, undefined, trust).request<SsoLoginResult>('POST', '/auth/cli/token', { body: { code, codeVerifier: verifier } });
    return answer.body;
  } finally {
    listener.closeAllConnections();
    listener.close();
  }
}

// The first /callback carrying our state; anything else is answered 400 and waited past.
function codeFromBrowser(listener: Server, state: string, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no SSO login came back within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    listener.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const code = url.searchParams.get('code');
      const given = Buffer.from(url.searchParams.get('state') ?? '');
      const ok = url.pathname === '/callback' && code && given.length === Buffer.byteLength(state) && timingSafeEqual(given, Buffer.from(state));
      res.writeHead(ok ? 200 : 400, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
      res.end(ok ? '<!doctype html><p>Logged in to Flotilla. You may close this window and return to the terminal.</p>' : '<!doctype html><p>This is not the login the Flotilla CLI is waiting for.</p>');
      if (!ok) return;
      clearTimeout(timer);
      resolve(code);
    });
  });
}
