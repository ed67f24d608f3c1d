// The agent's Kubernetes edge (plain HTTPS over kept-alive connections): discovery, server-side apply (and its dry
// run), get, delete, list and informers. Failures are wrapped with the object they concern and the
// API's reason, and classified by small predicates.
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { ClusterAccess } from './kubeconfig.ts';
import { Informer } from '../watch/informer.ts';

/** A Kubernetes object as the engine handles it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** What discovery says about a kind. */
export interface ResourceInfo {
  name: string;
  namespaced: boolean;
  verbs: string[];
}

/** An API failure about one object. */
export class KubeError extends Error {
  readonly status: number;
  readonly reason: string;
  constructor(what: string, status: number, reason: string, message: string, cause?: unknown) {
    super(`${what}: ${message}`, { cause });
    this.name = 'KubeError';
    this.status = status;
    this.reason = reason;
  }
}

/** 404 NotFound. */
export const isNotFound = (e: unknown) => e instanceof KubeError && e.status === 404;

/** Names an object as Kind/namespace/name. */
export const describeObject = (obj: Pick<KubeObject, 'kind' | 'metadata'>) => `${obj.kind}/${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;

function wrap(what: string, error: unknown): KubeError {
  const e = error as { code?: number; body?: unknown; message?: string };
  if (typeof e.code === 'number') {
    let status: { reason?: string; message?: string } = {};
    try {
      status = typeof e.body === 'string' ? JSON.parse(e.body) : (e.body as typeof status) ?? {};
    } catch {
      status = { message: String(e.body) };
    }
    return new KubeError(what, e.code, status.reason ?? '', status.message ?? e.message ?? 'request failed', error);
  }
  return new KubeError(what, 0, 'Unreachable', e.message ?? String(error), error);
}

/** Object-level access to one cluster. */
export class Kube {
  readonly access: ClusterAccess;
  private pool: { agent: HttpsAgent; watchAgent: HttpsAgent; headers: Record<string, string>; at: number } | undefined;
  private readonly discovery = new Map<string, Map<string, ResourceInfo>>();
  readonly fieldManager: string;

  constructor(access: ClusterAccess, fieldManager: string) {
    this.access = access;
    this.fieldManager = fieldManager;
  }

  /** The API server's version (e.g. v1.34.4). */
  async serverVersion(): Promise<string> {
    return (await this.raw<{ gitVersion: string }>('GET', '/version', undefined, { what: 'server version' })).gitVersion;
  }

  /** The server URL of the current context. */
  get server(): string {
    return this.access.server;
  }

  /** Discovery for one kind (cached per group/version; refreshed once on a miss, as CRDs appear). */
  async resource(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    for (const refresh of [false, true]) {
      let kinds = this.discovery.get(apiVersion);
      if (!kinds || refresh) {
        kinds = await this.loadDiscovery(apiVersion);
        if (!kinds) return undefined;
      }
      const info = kinds.get(kind);
      if (info) return info;
    }
    return undefined;
  }

  private async loadDiscovery(apiVersion: string): Promise<Map<string, ResourceInfo> | undefined> {
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const list = await this.raw<{ resources: { name: string; kind: string; namespaced: boolean; verbs: string[] }[] }>('GET', path, undefined, { what: `discover ${apiVersion}` }).catch((error: unknown) => {
      if (isNotFound(error)) return undefined;
      throw error;
    });
    if (!list) return undefined;
    const kinds = new Map<string, ResourceInfo>();
    for (const r of list.resources) if (!r.name.includes('/')) kinds.set(r.kind, { name: r.name, namespaced: r.namespaced, verbs: r.verbs });
    this.discovery.set(apiVersion, kinds);
    return kinds;
  }

  /** The collection path of a kind (namespace undefined: all namespaces). */
  async collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const info = await this.resource(apiVersion, kind);
    if (!info) throw new KubeError(`${kind} (${apiVersion})`, 404, 'NotFound', 'the server does not serve this kind');
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    return info.namespaced && namespace ? `${base}/namespaces/${namespace}/${info.name}` : `${base}/${info.name}`;
  }

  /** Server-side apply as our field manager (force: take over conflicting fields); dryRun: only compute. */
  async apply(obj: KubeObject, options: { dryRun?: boolean; force?: boolean } = {}): Promise<KubeObject> {
    const what = `${options.dryRun ? 'dry-run apply' : 'apply'} ${describeObject(obj)}`;
    const query = `fieldManager=${encodeURIComponent(this.fieldManager)}&force=${options.force ?? true}${options.dryRun ? '&dryRun=All' : ''}`;
    const path = await this.objectPath(obj.apiVersion, obj.kind, obj.metadata.name, obj.metadata.namespace, what);
    return this.raw<KubeObject>('PATCH', `${path}?${query}`, obj, { contentType: 'application/apply-patch+yaml', what });
  }

  /** The live object, or undefined when it does not exist. */
  async get(ref: { apiVersion: string; kind: string; name: string; namespace?: string }): Promise<KubeObject | undefined> {
    const what = `get ${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
    try {
      const path = await this.objectPath(ref.apiVersion, ref.kind, ref.name, ref.namespace, what);
      return await this.raw<KubeObject>('GET', path, undefined, { what });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Deletes an object (gone already counts as done). */
  async delete(obj: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>, propagationPolicy: 'Foreground' | 'Background' | 'Orphan' = 'Background'): Promise<void> {
    const what = `delete ${describeObject(obj as KubeObject)}`;
    try {
      const path = await this.objectPath(obj.apiVersion, obj.kind, obj.metadata.name, obj.metadata.namespace, what);
      await this.raw('DELETE', path, { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy }, { what });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  private async objectPath(apiVersion: string, kind: string, name: string, namespace: string | undefined, what: string): Promise<string> {
    const info = await this.resource(apiVersion, kind);
    if (!info) throw new KubeError(what, 404, 'NotFound', `the server does not serve ${kind} in ${apiVersion}`);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    return `${base}${info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${info.name}/${encodeURIComponent(name)}`;
  }

  /** Lists objects of a kind (all namespaces) matching a label selector. */
  async list(apiVersion: string, kind: string, labelSelector?: string, namespace?: string): Promise<KubeObject[]> {
    const path = await this.collectionPath(apiVersion, kind, namespace);
    const qs = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
    const list = await this.raw<{ items: KubeObject[] }>('GET', `${path}${qs}`);
    return list.items.map((item) => ({ ...item, apiVersion, kind }));
  }

  /** An informer (list + watch + cache, or a tail of changes only) over a kind, in all namespaces or one, optionally filtered by label. */
  async informer(apiVersion: string, kind: string, options: { labelSelector?: string; namespace?: string; tail?: boolean } = {}): Promise<Informer> {
    return new Informer(this, await this.collectionPath(apiVersion, kind, options.namespace), apiVersion, kind, options);
  }

  /** A streaming GET (watch): calls onLine for each JSON line until the server ends it or abort(). */
  stream(path: string, onLine: (line: string) => void): { abort(): void; done: Promise<void> } {
    const url = new URL(path, this.access.server);
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    let abort = () => {};
    const done = this.transport().then((transport) => new Promise<void>((resolve, reject) => {
      const req = send(url, { method: 'GET', headers: { ...transport.headers, accept: 'application/json' }, agent: url.protocol === 'http:' ? undefined : transport.watchAgent }, (res) => {
        if ((res.statusCode ?? 500) >= 400) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => reject(wrap(`watch ${url.pathname}`, { code: res.statusCode, body: Buffer.concat(chunks).toString('utf8') })));
          return;
        }
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            if (line) onLine(line);
          }
        });
        res.on('end', () => resolve());
        res.on('error', reject);
      });
      req.on('error', (error) => reject(wrap(`watch ${url.pathname}`, error)));
      abort = () => req.destroy();
      req.end();
    }));
    return { abort: () => abort(), done };
  }

  /** A JSON request to the API server over a kept-alive connection pool. */
  async raw<T>(method: string, path: string, body?: unknown, options: { contentType?: string; what?: string } = {}): Promise<T> {
    const what = options.what ?? `${method} ${path}`;
    const transport = await this.transport();
    const url = new URL(path, this.access.server);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { ...transport.headers, accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/json';
      // Explicit: Node sends a DELETE body without a length, which breaks the kept-alive connection.
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise<T>((resolve, reject) => {
      const req = send(url, { method, headers, agent: url.protocol === 'http:' ? undefined : transport.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 500) >= 400) {
            reject(wrap(what, { code: res.statusCode, body: text }));
            return;
          }
          try {
            resolve(JSON.parse(text) as T);
          } catch (error) {
            reject(wrap(what, error));
          }
        });
      });
      req.setTimeout(30_000, () => req.destroy(new Error(`timeout after 30 s`)));
      req.on('error', (error) => reject(wrap(what, error)));
      req.end(payload);
    });
  }

  /** One keep-alive agent for requests and one for watches (TLS handshakes are the cost of a request otherwise); the token is re-read every minute, as tokens rotate. */
  private async transport(): Promise<{ agent: HttpsAgent; watchAgent: HttpsAgent; headers: Record<string, string> }> {
    if (this.pool && Date.now() - this.pool.at < 60_000) return this.pool;
    const a = this.access;
    const tls = { ca: a.ca, cert: a.cert, key: a.key, rejectUnauthorized: !a.insecure };
    const agent = this.pool?.agent ?? new HttpsAgent({ keepAlive: true, maxSockets: 32, ...tls });
    const watchAgent = this.pool?.watchAgent ?? new HttpsAgent({ keepAlive: true, ...tls });
    const headers: Record<string, string> = {};
    if (a.token) headers['authorization'] = `Bearer ${a.token()}`;
    else if (a.basic) headers['authorization'] = `Basic ${Buffer.from(`${a.basic.username}:${a.basic.password}`).toString('base64')}`;
    this.pool = { agent, watchAgent, headers, at: Date.now() };
    return this.pool;
  }
}
