// The hub's half of `flotilla login --sso` (pure). The CLI listens on 127.0.0.1 and opens
//   /auth/login?cli_port=PORT&cli_challenge=S256(verifier)&cli_state=STATE
// in a browser; after the provider's login the hub sends the browser to
//   http://127.0.0.1:PORT/callback?code=ONE-TIME-CODE&state=STATE
// and the CLI redeems the code with its verifier (POST /auth/cli/token) for a session token. The
// session token itself never travels in a URL (browser history, proxies, logs), and a code caught
// by another local process is worthless without the verifier only the CLI holds (RFC 8252 §8.1).
import { invalidInput } from '@flotilla/shared';

/** A CLI login's parameters. */
export interface CliLogin {
  port: number;
  challenge: string;
  state: string;
}

/** The CLI parameters of /auth/login: none (a browser login), or all three valid; else a 400. */
export function cliLoginOf(query: { cli_port?: unknown; cli_challenge?: unknown; cli_state?: unknown }): CliLogin | undefined {
  const { cli_port: port, cli_challenge: challenge, cli_state: state } = query;
  if (port === undefined && challenge === undefined && state === undefined) return undefined;
  const number = typeof port === 'string' && /^\d{1,5}$/.test(port) ? Number(port) : NaN;
  if (!(number >= 1024 && number <= 65535)) throw invalidInput('cli_port must be a port number from 1024 to 65535', [{ path: 'querystring.cli_port', message: 'invalid' }]);
  if (typeof challenge !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) throw invalidInput('cli_challenge must be the S256 PKCE challenge of the CLI (43 base64url characters)', [{ path: 'querystring.cli_challenge', message: 'invalid' }]);
  if (typeof state !== 'string' || !/^[A-Za-z0-9_-]{16,128}$/.test(state)) throw invalidInput('cli_state must be 16 to 128 base64url characters', [{ path: 'querystring.cli_state', message: 'invalid' }]);
  return { port: number, challenge, state };
}

/** Where the browser takes the one-time code: the CLI's loopback listener, never another host. */
export function cliCallbackUrl(login: CliLogin, code: string): string {
  const url = new URL(`http://127.0.0.1:${login.port}/callback`);
  url.searchParams.set('code', code);
  url.searchParams.set('state', login.state);
  return url.toString();
}
