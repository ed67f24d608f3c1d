// A minimal HTTPS client for the harness's own calls to a kube-apiserver (readiness polls,
// creating kwok Nodes): the token and the cluster's CA, nothing else. Tests use @kubernetes/client-node.
import { request } from 'node:https';

/** Where an apiserver is and how to talk to it as admin. */
export interface KubeEndpoint {
  server: string;
  ca: string;
  token: string;
}

/** The answer to one request: status code and parsed JSON body (or raw text). */
export interface KubeResponse {
  status: number;
  body: unknown;
  text: string;
}

/** Sends one request to the apiserver. */
export function kubeRequest(endpoint: KubeEndpoint, method: string, path: string, body?: unknown): Promise<KubeResponse> {
  const url = new URL(path, endpoint.server);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: endpoint.ca,
        headers: {
          authorization: `Bearer ${endpoint.token}`,
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON (e.g. /readyz answers "ok")
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout on ${method} ${url.href}`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Polls `check` every intervalMs until it returns true or timeoutMs passes; the error names what. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
}
