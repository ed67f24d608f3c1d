// A button the caller's role may not allow: disabled until can-i says yes, and then it says why not
// (title and aria-description starting "Not allowed:").
import type { ComponentChildren } from 'preact';
import { useCan } from '../can-i.ts';

/** A button behind a permission. */
export function GuardedButton(props: { resource: string; action: string; object: string; onClick: () => void; children: ComponentChildren; class?: string; busy?: boolean }) {
  const can = useCan(props.resource, props.action, props.object);
  const disabled = can.disabled || Boolean(props.busy);
  return (
    <button type="button" class={props.class} disabled={disabled} title={can.title} aria-description={can.title} onClick={props.onClick}>
      {props.children}
    </button>
  );
}
