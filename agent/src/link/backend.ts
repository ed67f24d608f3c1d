// Where the agent's durable state is kept: files in --state-dir (written atomically: temp file,
// fsync, rename), or Secrets in the agent's own namespace when it runs in a cluster (gzip'd JSON in
// `data.content`, one Secret per key, so a restarted pod on another node finds everything).
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';

/** A Secret as the backend reads and writes it. */
type SecretObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [field: string]: unknown };

/** The Kubernetes calls the Secret backend makes (the agent's client has them); an error with `status` 404 is "not found". */
export interface SecretsApi {
  get(ref: { apiVersion: string; kind: string; name: string; namespace?: string }): Promise<SecretObject | undefined>;
  apply(obj: SecretObject): Promise<unknown>;
  list(apiVersion: string, kind: string, labelSelector?: string, namespace?: string): Promise<SecretObject[]>;
  delete(obj: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): Promise<void>;
}

const isNotFound = (error: unknown) => (error as { status?: unknown } | null)?.status === 404;

/** Durable key → text storage. */
export interface StateBackend {
  /** Where, for logs. */
  readonly description: string;
  read(key: string): Promise<string | undefined>;
  /** Resolves once the content is durable. */
  write(key: string, content: string): Promise<void>;
  /** The stored keys that start with `prefix`. */
  list(prefix: string): Promise<string[]>;
  /** Removes a key (absent counts as done). */
  remove(key: string): Promise<void>;
}

const FILE_SUFFIX = '.json';

/** Files under a directory. */
export class FileBackend implements StateBackend {
  readonly description: string;
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    this.description = `directory ${dir}`;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** One file per key, its name the key URI-encoded (so `list` gives keys back exactly). */
  private path(key: string): string {
    return join(this.dir, `${encodeURIComponent(key)}${FILE_SUFFIX}`);
  }

  async read(key: string): Promise<string | undefined> {
    const path = this.path(key);
    return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  }

  async write(key: string, content: string): Promise<void> {
    const path = this.path(key);
    const tmp = `${path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  }

  async list(prefix: string): Promise<string[]> {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith(FILE_SUFFIX))
      .map((f) => decodeURIComponent(f.slice(0, -FILE_SUFFIX.length)))
      .filter((key) => key.startsWith(prefix));
  }

  async remove(key: string): Promise<void> {
    rmSync(this.path(key), { force: true });
  }
}

const MANAGED_BY = 'app.kubernetes.io/managed-by';
const STATE_KEY = 'flotilla.dev/state-key';

/** Secrets in one namespace (created when missing), labelled as the agent's. */
export class SecretBackend implements StateBackend {
  readonly description: string;
  private readonly kube: SecretsApi;
  private readonly namespace: string;

  constructor(kube: SecretsApi, namespace: string) {
    this.kube = kube;
    this.namespace = namespace;
    this.description = `Secrets in namespace ${namespace}`;
  }

  /** Secret names are DNS labels: a readable prefix and a hash of the key. */
  private name(key: string): string {
    const slug = key.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 30).replace(/-+$/, '');
    return `flotilla-agent-${slug}-${createHash('sha256').update(key).digest('hex').slice(0, 10)}`;
  }

  async read(key: string): Promise<string | undefined> {
    const secret = await this.kube.get({ apiVersion: 'v1', kind: 'Secret', name: this.name(key), namespace: this.namespace });
    const data = (secret?.['data'] as { content?: string } | undefined)?.content;
    return data === undefined ? undefined : gunzipSync(Buffer.from(data, 'base64')).toString('utf8');
  }

  async write(key: string, content: string): Promise<void> {
    const body = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name: this.name(key), namespace: this.namespace, labels: { [MANAGED_BY]: 'flotilla-agent' }, annotations: { [STATE_KEY]: key } },
      data: { content: gzipSync(content).toString('base64') },
    };
    try {
      await this.kube.apply(body);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await this.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.namespace } });
      await this.kube.apply(body);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const secrets = await this.kube.list('v1', 'Secret', `${MANAGED_BY}=flotilla-agent`, this.namespace).catch((error: unknown) => {
      if (isNotFound(error)) return [];
      throw error;
    });
    return secrets.map((s) => s.metadata.annotations?.[STATE_KEY]).filter((key): key is string => key !== undefined && key.startsWith(prefix));
  }

  async remove(key: string): Promise<void> {
    await this.kube.delete({ apiVersion: 'v1', kind: 'Secret', metadata: { name: this.name(key), namespace: this.namespace } });
  }
}
