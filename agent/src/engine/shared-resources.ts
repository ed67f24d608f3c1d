// SharedResourceWarning (pure): a desired object whose live copy another application tracks (its
// tracking id names that app) is reported as a condition naming the object and both apps, in
// Argo CD's words, whether or not FailOnSharedResource fails the sync (that is the sync's error).
import { sharedWith } from './apply-options.ts';
import type { Compared } from './status.ts';

/** The SharedResourceWarning conditions of an app's comparison, one per shared object. */
export function sharedResourceWarnings(compared: readonly Compared[], app: string): { type: 'SharedResourceWarning'; message: string }[] {
  const warnings: { type: 'SharedResourceWarning'; message: string }[] = [];
  for (const { live } of compared) {
    const other = sharedWith(live, app);
    if (other === undefined) continue;
    const where = live!.metadata.namespace ? `${live!.metadata.namespace}/` : '';
    warnings.push({ type: 'SharedResourceWarning', message: `${live!.kind}/${where}${live!.metadata.name} is part of applications ${app} and ${other}` });
  }
  return warnings;
}
