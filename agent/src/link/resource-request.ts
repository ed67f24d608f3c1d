// The agent's answer to the hub's `resource.get` (protocol/resource.ts): the live object, read from
// the cluster only when it is in the resource tree the agent reported for that application (its
// inventory, and the ReplicaSets and Pods below its workloads by owner reference), so the hub cannot
// use the agent to read anything else; shown as the UI may show it (Secret values masked,
// managedFields and a Secret's last-applied dropped) with, when the hub sent a key, an HMAC of each
// Secret value under it (protocol/resource-secrets.ts); refused when too large for one message.
// Loaded on the first request only: an agent nobody looks at through the UI never loads it.
import { objectForDisplay, secretDigests, type ResourceGet, type ResourceGot } from '@flotilla/shared';

/** Largest object sent back (its JSON), well under the hub's limit for one agent message. */
export const MAX_RESOURCE_BYTES = 512 * 1024;

/** An object of an application's resource tree, as the agent reported it. */
export interface TreeEntry {
  group: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** What answering needs: the application's inventory, the tree below it last reported, and a live read. */
export interface ResourceReader {
  inventory(app: string): readonly TreeEntry[] | undefined;
  tree(app: string): readonly TreeEntry[] | undefined;
  get(ref: { apiVersion: string; kind: string; name: string; namespace?: string }): Promise<Record<string, unknown> | undefined>;
}

/** The answer to one request (never throws: a failure is the answer's error). */
export async function answerResourceGet(reader: ResourceReader, request: ResourceGet): Promise<ResourceGot> {
  const { ref, app, requestId } = request;
  const named = (e: TreeEntry) => e.group === ref.group && e.kind === ref.kind && e.name === ref.name && (e.namespace ?? '') === (ref.namespace ?? '');
  const entry = reader.inventory(app)?.find(named) ?? reader.tree(app)?.find(named);
  const what = `${ref.group ? `${ref.group}/` : ''}${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
  if (!entry) return { type: 'resource.got', requestId, error: `not in the resource tree of application "${app}": ${what}` };
  try {
    const live = await reader.get({ apiVersion: entry.group ? `${entry.group}/${entry.version}` : entry.version, kind: entry.kind, name: entry.name, ...(entry.namespace ? { namespace: entry.namespace } : {}) });
    if (!live) return { type: 'resource.got', requestId };
    const object = objectForDisplay(live);
    const digests = request.digestKey ? secretDigests(live, Buffer.from(request.digestKey, 'base64')) : undefined;
    const bytes = Buffer.byteLength(JSON.stringify(object)) + (digests ? Buffer.byteLength(JSON.stringify(digests)) : 0);
    if (bytes > MAX_RESOURCE_BYTES) return { type: 'resource.got', requestId, error: `${what} is ${bytes} bytes, more than the ${MAX_RESOURCE_BYTES} a live read carries` };
    return { type: 'resource.got', requestId, object, ...(digests ? { secretDigests: digests } : {}) };
  } catch (error) {
    return { type: 'resource.got', requestId, error: `reading ${what} failed: ${(error as Error).message}`.slice(0, 2048) };
  }
}
