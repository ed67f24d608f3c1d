// A destination cluster's capabilities as renders use them (issue 14): what its agent reported at
// hello, normalized (version trimmed, API versions sorted and deduplicated), and one stable key for
// them, so clusters that serve the same version and APIs share one render and a change of either
// makes a new one.
import { contentKey } from '@flotilla/shared';
import type { ClusterCapabilities } from './types.ts';

/** What a cluster whose agent never reported gets: no version, no API versions (Helm then uses its defaults); a new object each call. */
export function noCapabilities(): ClusterCapabilities {
  return { kubeVersion: '', apiVersions: [] };
}

/** Capabilities from a stored or reported value: strings only, API versions sorted and unique (pure). */
export function normalizeCapabilities(value: unknown): ClusterCapabilities {
  const raw = (value ?? {}) as { kubeVersion?: unknown; apiVersions?: unknown };
  const kubeVersion = typeof raw.kubeVersion === 'string' ? raw.kubeVersion.trim() : '';
  const list = Array.isArray(raw.apiVersions) ? raw.apiVersions.filter((v): v is string => typeof v === 'string' && v !== '') : [];
  return { kubeVersion, apiVersions: [...new Set(list)].sort() };
}

/** `sha256:<hex>` of the normalized capabilities: equal for clusters that serve the same version and APIs, whatever the order reported (pure). */
export function capabilitiesKey(capabilities: ClusterCapabilities): string {
  const { kubeVersion, apiVersions } = normalizeCapabilities(capabilities);
  return contentKey({ kubeVersion, apiVersions });
}
