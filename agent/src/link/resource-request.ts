// The agent's answer to the hub's `resource.get` (protocol/resource.ts): the live object, read from
// the cluster only when it is in that application's inventory (the hub cannot use the agent to
// read anything else), shown as the UI may show it (Secret values masked, managedFields and a
// Secret's last-applied dropped), and refused when too large for one message. Loaded on the first
// request only: an agent nobody looks at through the UI never loads it.
import { objectForDisplay, type ResourceGet, type ResourceGot } from '@flotilla/shared';
import type { InventoryEntry } from './state.ts';

/** Largest object sent back (its JSON), well under the hub's limit for one agent message. */
export const MAX_RESOURCE_BYTES = 512 * 1024;

/** What answering needs: the application's inventory and a live read. */
export interface ResourceReader {
  inventory(app: string): readonly InventoryEntry[] | undefined;
  get(ref: { apiVersion: string; kind: string; name: string; namespace?: string }): Promise<Record<string, unknown> | undefined>;
}

/** The answer to one request (never throws: a failure is the answer's error). */
export async function answerResourceGet(reader: ResourceReader, request: ResourceGet): Promise<ResourceGot> {
  const { ref, app, requestId } = request;
  const entry = reader.inventory(app)?.find((e) => e.group === ref.group && e.kind === ref.kind && e.name === ref.name && (e.namespace ?? '') === (ref.namespace ?? ''));
  const what = `${ref.group ? `${ref.group}/` : ''}${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
  if (!entry) return { type: 'resource.got', requestId, error: `not in the inventory of application "${app}": ${what}` };
  try {
    const live = await reader.get({ apiVersion: entry.group ? `${entry.group}/${entry.version}` : entry.version, kind: entry.kind, name: entry.name, ...(entry.namespace ? { namespace: entry.namespace } : {}) });
    if (!live) return { type: 'resource.got', requestId };
    const object = objectForDisplay(live);
    const bytes = Buffer.byteLength(JSON.stringify(object));
    if (bytes > MAX_RESOURCE_BYTES) return { type: 'resource.got', requestId, error: `${what} is ${bytes} bytes, more than the ${MAX_RESOURCE_BYTES} a live read carries` };
    return { type: 'resource.got', requestId, object };
  } catch (error) {
    return { type: 'resource.got', requestId, error: `reading ${what} failed: ${(error as Error).message}`.slice(0, 2048) };
  }
}
