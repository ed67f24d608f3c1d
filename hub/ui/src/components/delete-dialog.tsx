// The Delete dialog: foreground or background cascade (the agent deletes the resources), or non-cascading (they stay, untracked);
// a box confirms deleting resources marked Delete=confirm (`?confirm=true`).
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorAlert } from './alert.tsx';
import { Modal } from './modal.tsx';

const POLICIES = [['foreground', 'Foreground'], ['background', 'Background'], ['none', 'Non-cascading']] as const;

/** Asks how to delete, then deletes. */
export function DeleteDialog({ app, onClose, onDone }: { app: string; onClose: () => void; onDone: () => void }) {
  const [policy, setPolicy] = useState<(typeof POLICIES)[number][0]>('foreground');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const query = (policy === 'none' ? 'cascade=false' : `cascade=true&propagationPolicy=${policy}`) + (confirmDelete ? '&confirm=true' : '');
      await api('DELETE', `/api/v1/applications/${encodeURIComponent(app)}?${query}`);
      onDone();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal title="Delete application" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} class="stack">
        <p>Delete <strong>{app}</strong>?</p>
        <fieldset><legend>Propagation</legend>
          {POLICIES.map(([value, label]) => <label key={value} class="check"><input type="radio" name="policy" value={value} checked={policy === value} onChange={() => setPolicy(value)} />{label}</label>)}
        </fieldset>
        <label class="check"><input type="checkbox" checked={confirmDelete} onChange={(e) => setConfirmDelete(e.currentTarget.checked)} />Confirm deleting Delete=confirm resources</label>
        <p class="muted">{policy === 'none' ? 'The resources stay on the cluster, no longer tracked.' : 'The agent deletes the resources, then the application goes.'}</p>
        <ErrorAlert error={error} />
        <div class="row">
          <button type="submit" class="danger" disabled={busy}>Delete</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Modal>
  );
}
