// Real hub and agent processes for end-to-end tests, started the way users start them (the bins),
// with their logs in files and parent-death signals so nothing outlives the test run.
import { mkdtempSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killProcess, startProcess, stopProcess, type Proc } from '../cluster/processes.ts';
import { freePort } from '../cluster/ports.ts';
import { waitForHubReady } from './hub-ready.ts';
import { buildAgent } from '../../agent/build.ts';
import { ledgerActive, recordHubSecrets, recordLogFile, recordRequestSecrets, recordSecret } from './secret-ledger.ts';

const root = new URL('../../', import.meta.url).pathname;

/** In a test run, processes log at debug and their logs and secrets join the suite's ledger (test/support/secret-ledger.ts); the demo and benches keep info. */
const inTestRun = ledgerActive;
const processLogLevel = inTestRun ? 'debug' : 'info';

/** A hub process and an admin API client. */
export interface HubProcess {
  url: string;
  dataDir: string;
  proc: Proc;
  token: string;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
  /** SIGKILL, as the OOM killer does: nothing is shut down cleanly (its PostgreSQL is left running). */
  kill(): Promise<void>;
  restart(): Promise<void>;
}

/** Starts `flotilla-hub` on a free port (embedded PostgreSQL in dataDir). */
export async function startHubProcess(options: { dataDir?: string; port?: number; env?: Record<string, string>; args?: string[] } = {}): Promise<HubProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'flotilla-hub-proc-'));
  mkdirSync(dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const hub: HubProcess = {
    url,
    dataDir,
    proc: undefined as unknown as Proc,
    token: '',
    async api(method, path, body, headers = {}) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { ...(hub.token ? { authorization: `Bearer ${hub.token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      if (inTestRun) recordRequestSecrets(`${method} ${path}`, body, { ...(hub.token ? { authorization: `Bearer ${hub.token}` } : {}), ...headers }, parsed);
      return { status: res.status, body: parsed };
    },
    async stop() {
      await stopProcess(hub.proc, 15_000);
    },
    async kill() {
      await killProcess(hub.proc);
    },
    async restart() {
      await hub.stop();
      await launch();
    },
  };
  const launch = async () => {
    const args = ['--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--poll-interval', '3600', '--heartbeat-interval', '1', ...(options.args ?? [])];
    hub.proc = startProcess('flotilla-hub', process.execPath, [join(root, 'hub/bin/flotilla-hub.js'), ...args],
      join(dataDir, 'hub.log'), { env: { ...process.env, FLOTILLA_LOG_LEVEL: processLogLevel, ...options.env } });
    if (inTestRun) {
      recordLogFile(hub.proc.logFile);
      for (const [key, value] of Object.entries(options.env ?? {})) if (/SECRET|PASSWORD|TOKEN/.test(key)) recordSecret(`hub env ${key}`, value);
    }
    await waitForHubReady(hub.proc, url, 60_000);
    if (inTestRun) recordHubSecrets(dataDir);
    const passwordFile = join(dataDir, 'initial-admin-password');
    if (existsSync(passwordFile)) {
      const login = await hub.api('POST', '/api/v1/session', { username: 'admin', password: readFileSync(passwordFile, 'utf8').trim() });
      hub.token = login.body.token;
    }
  };
  await launch();
  return hub;
}

/** An agent process for one cluster. */
export interface AgentProcess {
  proc: Proc;
  stateDir: string;
  logFile: string;
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  start(): void;
}

let agentBuilt = false;

/** Starts `flotilla-agent` (the bundle users run, built from the sources once per test process) against a hub with a token and a kubeconfig. */
export function startAgentProcess(hubUrl: string, token: string, kubeconfig: string, stateDir = mkdtempSync(join(tmpdir(), 'flotilla-agent-')), extraArgs: string[] = []): AgentProcess {
  if (!agentBuilt) buildAgent();
  agentBuilt = true;
  mkdirSync(stateDir, { recursive: true });
  const logFile = join(stateDir, 'agent.log');
  if (inTestRun) {
    recordLogFile(logFile);
    recordSecret('agent bootstrap token', token);
    for (const m of readFileSync(kubeconfig, 'utf8').matchAll(/^\s*token:\s*(\S+)\s*$/gm)) recordSecret('agent kubeconfig token', m[1]);
  }
  const agent: AgentProcess = {
    proc: undefined as unknown as Proc,
    stateDir,
    logFile,
    start() {
      agent.proc = startProcess('flotilla-agent', process.execPath, [join(root, 'agent/bin/flotilla-agent.js'), '--hub', hubUrl, '--token', token, '--kubeconfig', kubeconfig, ...(extraArgs.length ? extraArgs : ['--state-dir', stateDir])],
        logFile, { env: { ...process.env, FLOTILLA_LOG_LEVEL: processLogLevel } });
    },
    async stop(signal = 'SIGTERM') {
      if (signal === 'SIGKILL') {
        await killProcess(agent.proc);
      } else {
        await stopProcess(agent.proc, 5000);
      }
      if (inTestRun) recordAgentCredential(stateDir);
    },
  };
  agent.start();
  return agent;
}

/** Records the credential an agent stored in its state directory, if it got one. */
function recordAgentCredential(stateDir: string): void {
  try {
    recordSecret('agent credential', (JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as { credential?: string }).credential);
  } catch {
    // no state written (the agent never registered)
  }
}
