// A cluster as GET /api/v1/clusters answers it (the fields the pages read).

/** One registered cluster. */
export interface ClusterItem {
  name: string;
  labels?: Record<string, string>;
  server?: string | null;
  info: {
    connectionState?: { status: string; message?: string };
    agent?: { version?: string } | null;
    capabilities?: { kubeVersion?: string } | null;
    applicationsCount?: number;
    lastSeenAt?: string | null;
  };
  createdAt?: string;
}

/** A cluster's labels as `k=v` text. */
export function labelText(labels: Record<string, string> | undefined): string {
  return Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
}

/** `k=v, k2=v2` text as labels (blank parts skipped); undefined when a part is not `k=v`. */
export function parseLabels(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = part.indexOf('=');
    if (at <= 0) return undefined;
    labels[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return labels;
}
