// The Sync dialog (Argo CD's): prune (and its Prune=confirm confirmation), dry run, force, a revision, the resources to sync,
// and sync options. No "Apply out of sync only" box: the engine always applies only out-of-sync resources (the dialog says so).
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import type { TreeNode } from '../lib/tree.ts';
import { ErrorAlert } from './alert.tsx';
import { Modal } from './modal.tsx';

const OPTIONS: [option: string, label: string][] = [
  ['Validate=false', 'Skip schema validation'],
  ['CreateNamespace=true', 'Auto-create namespace'],
  ['PruneLast=true', 'Prune last'],
  ['RespectIgnoreDifferences=true', 'Respect ignore differences'],
  ['Replace=true', 'Replace'],
];

/** Opens over the application page; `onDone` gets the application the API answered. */
export function SyncDialog({ app, resources, onClose, onDone }: { app: string; resources: TreeNode[]; onClose: () => void; onDone: () => void }) {
  const [prune, setPrune] = useState(false);
  const [dryRun, setDryRun] = useState(false);
  const [force, setForce] = useState(false);
  const [confirmPrune, setConfirmPrune] = useState(false);
  const [revision, setRevision] = useState('');
  const [options, setOptions] = useState<Set<string>>(new Set());
  const [chosen, setChosen] = useState<Set<string>>(new Set(resources.map((r) => r.key)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const flip = (set: Set<string>, value: string, on: boolean) => {
    const next = new Set(set);
    if (on) next.add(value);
    else next.delete(value);
    return next;
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const some = chosen.size < resources.length;
    try {
      await api('POST', `/api/v1/applications/${encodeURIComponent(app)}/sync`, {
        prune, dryRun, force,
        ...(confirmPrune ? { confirm: true } : {}),
        ...(revision.trim() ? { revision: revision.trim() } : {}),
        ...(options.size ? { syncOptions: [...options] } : {}),
        ...(some ? { resources: resources.filter((r) => chosen.has(r.key)).map((r) => ({ group: r.group, kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) })) } : {}),
      });
      onDone();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal title="Sync application" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} class="stack">
        <fieldset><legend>Sync</legend>
          <label class="check"><input type="checkbox" checked={prune} onChange={(e) => setPrune(e.currentTarget.checked)} />Prune</label>
          <label class="check"><input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.currentTarget.checked)} />Dry run</label>
          <label class="check"><input type="checkbox" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} />Force</label>
          <label class="check"><input type="checkbox" checked={confirmPrune} onChange={(e) => setConfirmPrune(e.currentTarget.checked)} />Confirm pruning (Prune=confirm)</label>
        </fieldset>
        <label>Revision<input value={revision} placeholder="the target revision" onInput={(e) => setRevision(e.currentTarget.value)} /></label>
        <fieldset><legend>Sync options</legend>
          {OPTIONS.map(([option, label]) => <label key={option} class="check"><input type="checkbox" checked={options.has(option)} onChange={(e) => setOptions(flip(options, option, e.currentTarget.checked))} />{label}</label>)}
          <p class="muted">Only out-of-sync resources are applied, always (Argo CD's ApplyOutOfSyncOnly is always on).</p>
        </fieldset>
        {resources.length > 0 && (
          <fieldset class="resources"><legend>Resources</legend>
            <div class="row">
              <button type="button" onClick={() => setChosen(new Set(resources.map((r) => r.key)))}>All</button>
              <button type="button" onClick={() => setChosen(new Set(resources.filter((r) => r.sync === 'OutOfSync').map((r) => r.key)))}>Out of sync</button>
              <button type="button" onClick={() => setChosen(new Set())}>None</button>
            </div>
            {resources.map((r) => <label key={r.key} class="check"><input type="checkbox" checked={chosen.has(r.key)} onChange={(e) => setChosen(flip(chosen, r.key, e.currentTarget.checked))} />{r.kind} {r.namespace ? `${r.namespace}/` : ''}{r.name}</label>)}
          </fieldset>
        )}
        <ErrorAlert error={error} />
        <div class="row">
          <button type="submit" class="primary" disabled={busy || (resources.length > 0 && chosen.size === 0)}>Synchronize</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Modal>
  );
}
