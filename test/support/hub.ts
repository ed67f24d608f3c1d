// Starting a real hub (embedded PostgreSQL in a temporary data directory) for a test, logging in
// as admin, and calling its API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub, type Hub, type HubOptions } from '../../hub/src/hub.ts';
import { DEFAULT_LOGIN_SETTINGS, type LoginSettings } from '../../hub/src/api/login.ts';
import { recordHubSecrets, recordRequestSecrets, testLogger } from './secret-ledger.ts';

/** Cheap scrypt for test hubs: the default (OWASP's N=2^17) costs 0.2-1 s a login on 2 cores. */
export const TEST_LOGIN_SETTINGS: LoginSettings = { ...DEFAULT_LOGIN_SETTINGS, scrypt: { N: 1024, r: 8, p: 1 } };

/** A hub for a test, with an admin token. */
export interface TestHub {
  hub: Hub;
  dataDir: string;
  token: string;
  /** Calls the API as admin (or with the given token); answers status and parsed JSON. */
  api(method: string, path: string, body?: unknown, options?: { token?: string | null; contentType?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  /** Stops the hub; the data directory stays unless `remove`. */
  stop(remove?: boolean): Promise<void>;
}

/** Starts a hub on a free port; pass dataDir to restart one on the same store. */
export async function startTestHub(options: Partial<HubOptions> = {}): Promise<TestHub> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'flotilla-hub-'));
  const hub = await startHub({ listen: '127.0.0.1:0', heartbeatIntervalMs: 1000, login: TEST_LOGIN_SETTINGS, ...options, log: options.log ?? testLogger('hub-test'), dataDir });
  const call = async (method: string, path: string, body?: unknown, opts: { token?: string | null; contentType?: string; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? test.token : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = opts.contentType ?? 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(`${hub.url}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    // Passwords and tokens a test sends or gets go to the suite's secret ledger.
    recordRequestSecrets(`${method} ${path}`, body, headers, parsed);
    return { status: res.status, body: parsed as any };
  };
  const test: TestHub = {
    hub,
    dataDir,
    token: '',
    api: call,
    async stop(remove = false) {
      await hub.close();
      if (remove) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  recordHubSecrets(dataDir);
  const { readInitialPassword } = await import('../../hub/src/store/accounts.ts');
  const password = readInitialPassword(dataDir);
  if (password) {
    const login = await call('POST', '/api/v1/session', { username: 'admin', password }, { token: null });
    if (login.status !== 200) throw new Error(`admin login failed: ${JSON.stringify(login.body)}`);
    test.token = login.body.token;
  }
  return test;
}

/** Polls until fn returns a truthy value (or throws after timeoutMs, naming what). */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 15_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
