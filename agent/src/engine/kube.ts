// The agent's Kubernetes edge (plain HTTPS over kept-alive connections): discovery, server-side apply (and its dry
// run), replace, JSON patch, get, delete, lists (page by page) and informers. Failures are wrapped with the object they concern and the
// API's reason, and classified by small predicates. A 401 re-reads the token (a projected or rotated token file
// changes under us) and retries once.
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { httpRequest } from '../runtime/node-http.ts';
import type { ClusterAccess } from './kubeconfig.ts';
import { collectPages, type FullList, type ListPage } from './list-pages.ts';
import { Informer, type InformerOptions, type WatchTiming } from '../watch/informer.ts';
import type { Capabilities } from '@flotilla/shared';
import { apiVersionsOf, groupVersionsFromLegacy, servedFromAggregated, type ServedGroupVersion } from './capabilities.ts';
import { unknownFieldPaths, withoutFields } from './unknown-fields.ts';
import { describeObject, isGone, isNotFound, isUnauthorized, KubeError, wrap } from './kube-errors.ts';

export { describeObject, isGone, isImmutable, isNotFound, isUnauthorized, KubeError } from './kube-errors.ts';

/** Asks for aggregated discovery (every group's resources in one answer), falling back to the older documents. */
const AGGREGATED_DISCOVERY = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

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

/** How an apply is sent. */
export interface ApplyOptions {
  dryRun?: boolean;
  force?: boolean;
  /** The API's fieldValidation (Validate=false: Ignore); absent: the server's default. */
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
}

/** Tuning of the client; the defaults suit the agent, tests make them short. */
export interface KubeOptions {
  /** How long one request (not a watch) may take; default 30 s. */
  requestTimeoutMs?: number;
  /** Items per list page; default 500. */
  pageSize?: number;
  /** Watch timing of the informers this client makes. */
  watch?: Partial<WatchTiming>;
}

interface Transport {
  agent: HttpsAgent;
  watchAgent: HttpsAgent;
  headers: Record<string, string>;
  at: number;
}

/** Object-level access to one cluster. */
/** Where a group version is served: `/api/v1` for the core group, `/apis/<group>/<version>` for the others. */
export function apiPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export class Kube {
  readonly access: ClusterAccess;
  private pool: Transport | undefined;
  private readonly discovery = new Map<string, Map<string, ResourceInfo>>();
  readonly fieldManager: string;
  private readonly requestTimeoutMs: number;
  private readonly pageSize: number;
  private readonly watchTiming: Partial<WatchTiming>;

  constructor(access: ClusterAccess, fieldManager: string, options: KubeOptions = {}) {
    this.access = access;
    this.fieldManager = fieldManager;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.pageSize = options.pageSize ?? 500;
    this.watchTiming = options.watch ?? {};
  }

  /** The API server's version (e.g. v1.34.4). */
  async serverVersion(): Promise<string> {
    return (await this.raw<{ gitVersion: string }>('GET', '/version', undefined, { what: 'server version' })).gitVersion;
  }

  /** The server version and the `--api-versions` list (capabilities.ts); `dropped` entries did not fit the bound. */
  async capabilities(): Promise<Capabilities & { dropped: number }> {
    const [version, served] = await Promise.all([this.serverVersion(), this.servedGroupVersions()]);
    // Within the hello's bounds, or the hub would refuse every hello (64 characters: no real version is longer).
    return { kubeVersion: String(version ?? '').slice(0, 64), ...apiVersionsOf(served) };
  }

  /**
   * Every served group version with its resources: two requests with aggregated discovery (`/api`,
   * `/apis`; Kubernetes 1.26+), else one per group version through the per-kind discovery cache
   * (a group version that fails, e.g. an aggregated API that is down, is left out).
   */
  async servedGroupVersions(): Promise<ServedGroupVersion[]> {
    const roots = await Promise.all(['/api', '/apis'].map((root) => this.raw<unknown>('GET', root, undefined, { what: `discover ${root}`, accept: AGGREGATED_DISCOVERY })));
    const served: ServedGroupVersion[] = [];
    for (const root of roots) {
      const aggregated = servedFromAggregated(root);
      if (aggregated) {
        served.push(...aggregated);
        continue;
      }
      for (const groupVersion of groupVersionsFromLegacy(root)) {
        const kinds = await this.loadDiscovery(groupVersion).catch(() => undefined);
        if (kinds) served.push({ groupVersion, resources: [...kinds].map(([kind, info]) => ({ kind, verbs: info.verbs, resource: info.name, namespaced: info.namespaced })) });
      }
    }
    return served;
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
    const path = apiPath(apiVersion);
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
    const base = apiPath(apiVersion);
    return info.namespaced && namespace ? `${base}/namespaces/${namespace}/${info.name}` : `${base}/${info.name}`;
  }

  /**
   * Server-side apply as our field manager (force: take over conflicting fields); dryRun: only compute.
   * fieldValidation Ignore (Validate=false): the server ignores unknown fields, and the fields a
   * server-side apply still refuses as "not declared in schema" are dropped and the apply sent again.
   */
  async apply(obj: KubeObject, options: ApplyOptions = {}): Promise<KubeObject> {
    const what = `${options.dryRun ? 'dry-run apply' : 'apply'} ${describeObject(obj)}`;
    const query = `fieldManager=${encodeURIComponent(this.fieldManager)}&force=${options.force ?? true}${options.dryRun ? '&dryRun=All' : ''}${options.fieldValidation ? `&fieldValidation=${options.fieldValidation}` : ''}`;
    const path = await this.objectPath(obj.apiVersion, obj.kind, obj.metadata.name, obj.metadata.namespace, what);
    let body = obj;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.raw<KubeObject>('PATCH', `${path}?${query}`, body, { contentType: 'application/apply-patch+yaml', what });
      } catch (error) {
        const unknown = options.fieldValidation === 'Ignore' && attempt < 8 ? unknownFieldPaths((error as Error).message) : undefined;
        const dropped = unknown ? withoutFields(body, unknown) : undefined;
        if (!dropped) throw error;
        body = dropped;
      }
    }
  }

  /** Replace=true: a PUT of the whole object as our field manager, or a create when it does not exist. */
  async replace(obj: KubeObject, options: Pick<ApplyOptions, 'fieldValidation'> = {}): Promise<KubeObject> {
    const query = `fieldManager=${encodeURIComponent(this.fieldManager)}${options.fieldValidation ? `&fieldValidation=${options.fieldValidation}` : ''}`;
    const path = await this.objectPath(obj.apiVersion, obj.kind, obj.metadata.name, obj.metadata.namespace, `replace ${describeObject(obj)}`);
    try {
      return await this.raw<KubeObject>('PUT', `${path}?${query}`, obj, { what: `replace ${describeObject(obj)}` });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    const collection = await this.collectionPath(obj.apiVersion, obj.kind, obj.metadata.namespace);
    return this.raw<KubeObject>('POST', `${collection}?${query}`, obj, { what: `create ${describeObject(obj)}` });
  }

  /** A JSON patch (RFC 6902) of an object, e.g. its managedFields at adoption. */
  async patchJson(obj: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>, ops: readonly unknown[]): Promise<KubeObject> {
    const what = `patch ${describeObject(obj as KubeObject)}`;
    const path = await this.objectPath(obj.apiVersion, obj.kind, obj.metadata.name, obj.metadata.namespace, what);
    return this.raw<KubeObject>('PATCH', `${path}?fieldManager=${encodeURIComponent(this.fieldManager)}`, ops, { contentType: 'application/json-patch+json', what });
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
    const base = apiPath(apiVersion);
    return `${base}${info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${info.name}/${encodeURIComponent(name)}`;
  }

  /** Lists objects of a kind (all namespaces, or one) matching a label selector, page by page. */
  async list(apiVersion: string, kind: string, labelSelector?: string, namespace?: string): Promise<KubeObject[]> {
    const path = await this.collectionPath(apiVersion, kind, namespace);
    const list = await this.listAll(path, labelSelector ? `labelSelector=${encodeURIComponent(labelSelector)}` : '', `list ${kind}`);
    return list.items.map((item) => ({ ...item, apiVersion, kind }));
  }

  /** A whole collection at `path` (query: extra parameters; accept: e.g. metadata only), read `pageSize` items at a time; its resourceVersion is the one to watch from. */
  listAll(path: string, query: string, what: string, accept?: string): Promise<FullList<KubeObject>> {
    const page = (token: string | undefined) => {
      const params = [query, `limit=${this.pageSize}`, token ? `continue=${encodeURIComponent(token)}` : ''].filter(Boolean).join('&');
      return this.raw<ListPage<KubeObject>>('GET', `${path}?${params}`, undefined, { what, ...(accept ? { accept } : {}) });
    };
    return collectPages(page, isGone);
  }

  /** An informer (list + watch + cache, or a tail of changes only) over a kind, in all namespaces or one, optionally filtered by label. */
  async informer(apiVersion: string, kind: string, options: { labelSelector?: string; namespace?: string; tail?: boolean; transform?: InformerOptions['transform'] } = {}): Promise<Informer> {
    return new Informer(this, await this.collectionPath(apiVersion, kind, options.namespace), apiVersion, kind, { ...options, timing: this.watchTiming });
  }

  /** A streaming GET (watch): calls onLine for each JSON line until the server ends it or abort(); a 401 re-reads the token and retries once. */
  stream(path: string, onLine: (line: string) => void): { abort(): void; done: Promise<void> } {
    const controller = new AbortController();
    const done = (async () => {
      const transport = await this.transport();
      try {
        await this.openStream(transport, path, onLine, controller.signal);
      } catch (error) {
        if (controller.signal.aborted || !(await this.hasNewToken(error, transport))) throw error;
        await this.openStream(await this.transport(), path, onLine, controller.signal);
      }
    })();
    return { abort: () => controller.abort(), done };
  }

  private openStream(transport: Transport, path: string, onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
    const url = new URL(path, this.access.server);
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const what = `watch ${url.pathname}`;
    return new Promise<void>((resolve, reject) => {
      const req = send(url, { method: 'GET', headers: { ...transport.headers, accept: 'application/json' }, agent: url.protocol === 'http:' ? undefined : transport.watchAgent, signal }, (res) => {
        if ((res.statusCode ?? 500) >= 400) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => reject(wrap(what, { code: res.statusCode, body: Buffer.concat(chunks).toString('utf8') })));
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
        res.on('error', (error) => reject(wrap(what, error)));
        // A stream cut short (aborted, or the connection dropped) may end with neither 'end' nor 'error'.
        res.on('close', () => (signal.aborted ? resolve() : reject(new KubeError(what, 0, 'Unreachable', 'the watch stream closed early'))));
      });
      req.on('error', (error) => reject(wrap(what, error)));
      req.end();
    });
  }

  /** Closes kept-alive connections not in use: once a watch fell silent, the network path may have dropped them all. */
  dropIdleConnections(): void {
    for (const agent of [this.pool?.agent, this.pool?.watchAgent]) {
      for (const sockets of Object.values(agent?.freeSockets ?? {})) for (const socket of sockets ?? []) socket.destroy();
    }
  }

  /** A JSON request to the API server over a kept-alive connection pool; a 401 re-reads the token and retries once. */
  async raw<T>(method: string, path: string, body?: unknown, options: { contentType?: string; what?: string; accept?: string } = {}): Promise<T> {
    const what = options.what ?? `${method} ${path}`;
    const transport = await this.transport().catch((error: unknown) => Promise.reject(wrap(what, error)));
    try {
      return await this.send<T>(transport, method, path, body, options.contentType, what, options.accept);
    } catch (error) {
      if (!(await this.hasNewToken(error, transport))) throw error;
      return this.send<T>(await this.transport(), method, path, body, options.contentType, what, options.accept);
    }
  }

  private send<T>(transport: Transport, method: string, path: string, body: unknown, contentType: string | undefined, what: string, accept = 'application/json'): Promise<T> {
    const url = new URL(path, this.access.server);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { ...transport.headers, accept };
    if (payload !== undefined) {
      headers['content-type'] = contentType ?? 'application/json';
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
      req.setTimeout(this.requestTimeoutMs, () => req.destroy(new Error(`timeout after ${this.requestTimeoutMs / 1000} s`)));
      req.on('error', (error) => reject(wrap(what, error)));
      req.end(payload);
    });
  }

  /**
   * After a failure: whether it was a 401 and the token, read again now, differs from the one the request carried (a
   * rotated token file, a refreshed projected token), so one retry is worth it.
   */
  private async hasNewToken(error: unknown, used: Transport): Promise<boolean> {
    if (!isUnauthorized(error) || !this.access.token) return false;
    if (this.pool === used) this.pool = { ...used, at: 0 }; // not refreshed by a concurrent request yet: read it again now
    const fresh = await this.transport().catch(() => undefined);
    return fresh !== undefined && fresh.headers['authorization'] !== used.headers['authorization'];
  }

  /** One keep-alive agent for requests and one for watches (TLS handshakes are the cost of a request otherwise); the token is re-read every minute, as tokens rotate, and after a 401. */
  private async transport(): Promise<Transport> {
    if (this.pool && Date.now() - this.pool.at < 60_000) return this.pool;
    const a = this.access;
    const tls = { ca: a.ca, cert: a.cert, key: a.key, rejectUnauthorized: !a.insecure };
    // 16 connections: as many requests as one application's compare or sync has in flight. Each kept-alive TLS
    // connection holds about 115 KB of native memory, and 32 of them, all kept after a burst of syncs, cost 3.6 MB.
    const agent = this.pool?.agent ?? new HttpsAgent({ keepAlive: true, maxSockets: 16, ...tls });
    const watchAgent = this.pool?.watchAgent ?? new HttpsAgent({ keepAlive: true, ...tls });
    const headers: Record<string, string> = {};
    if (a.token) headers['authorization'] = `Bearer ${a.token()}`;
    else if (a.basic) headers['authorization'] = `Basic ${Buffer.from(`${a.basic.username}:${a.basic.password}`).toString('base64')}`;
    this.pool = { agent, watchAgent, headers, at: Date.now() };
    return this.pool;
  }
}
