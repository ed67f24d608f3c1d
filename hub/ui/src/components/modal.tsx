// A modal dialog on the native <dialog> (focus kept inside, Escape closes), named by its heading.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

/** A modal dialog that is open while mounted; `onClose` on Escape or Cancel. */
export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby={id} class="modal" onCancel={(e) => { e.preventDefault(); props.onClose(); }}>
      <h2 id={id}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}
