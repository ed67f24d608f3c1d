// What refreshing one application came to (a bundle at a commit, or a condition saying why not),
// and the conditions that leaves on it (pure).
import type { AppCondition } from '../store/applications.ts';

/** A refresh that went wrong: the condition's type and message. */
export type RenderFailure = { ok: false; type: string; message: string };

/** `revisions`: one per source of a `spec.sources` application, in source order (a chart's version for a chart source). */
export type RenderOutcome = { ok: true; bundleKey: string; commit: string; revisions?: string[] } | RenderFailure;

/** The hub's conditions after a render: render errors replace older ones, success clears them (pure). */
export function nextConditions(current: AppCondition[], outcome: RenderOutcome, now: Date): AppCondition[] {
  const kept = current.filter((c) => c.type !== 'ComparisonError' && c.type !== 'InvalidSpecError');
  if (outcome.ok) return kept;
  const same = current.find((c) => c.type === outcome.type && c.message === outcome.message);
  return [...kept, same ?? { type: outcome.type, message: outcome.message, lastTransitionTime: now.toISOString() }];
}
