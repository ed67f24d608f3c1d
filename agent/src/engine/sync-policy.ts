// The assignment's sync policy as the engine reads it (pure): whether automated sync is on and how,
// and the application-level sync options (Argo CD's `spec.syncPolicy`).
import type { Assignment } from '@flotilla/shared';

/** The automated sync policy, if enabled (Argo CD: `automated: {}` enables; `enabled: false` disables). */
export function automation(a: Assignment): { prune: boolean; selfHeal: boolean; allowEmpty: boolean } | undefined {
  const automated = (a.syncPolicy as { automated?: { prune?: boolean; selfHeal?: boolean; allowEmpty?: boolean; enabled?: boolean } | null } | undefined)?.automated;
  if (!automated || automated.enabled === false) return undefined;
  return { prune: automated.prune ?? false, selfHeal: automated.selfHeal ?? false, allowEmpty: automated.allowEmpty ?? false };
}

/** `syncPolicy.syncOptions`: the options every resource of the application gets. */
export function syncOptionsOf(a: Assignment): string[] {
  return (a.syncPolicy as { syncOptions?: string[] } | undefined)?.syncOptions ?? [];
}
