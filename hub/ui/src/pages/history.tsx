// An application's sync history (newest first), each entry with Rollback (confirmed in a dialog).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { navigate } from '../navigation.ts';
import { applicationPath } from '../lib/route.ts';
import { shortRevision } from '../lib/fleet-matrix.ts';
import { ErrorAlert } from '../components/alert.tsx';
import { GuardedButton } from '../components/guarded-button.tsx';
import { Link } from '../components/link.tsx';
import { Modal } from '../components/modal.tsx';
import { Time } from '../components/time.tsx';

interface HistoryEntry {
  id: number;
  revision: string;
  deployedAt: string;
  deployStartedAt?: string;
  initiatedBy?: { username?: string; automated?: boolean };
  source?: { repoURL?: string; path?: string; targetRevision?: string };
}

/** The history page. */
export function HistoryPage({ name }: { name: string }) {
  const [app, setApp] = useState<{ spec: { project?: string; syncPolicy?: { automated?: object } }; status?: { history?: HistoryEntry[] } } | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [confirm, setConfirm] = useState<HistoryEntry | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [rollbackError, setRollbackError] = useState<unknown>(undefined);
  useEffect(() => {
    api<typeof app>('GET', `/api/v1/applications/${encodeURIComponent(name)}`).then(setApp).catch(setError);
  }, [name]);

  const rollback = async (entry: HistoryEntry) => {
    setBusy(true);
    setRollbackError(undefined);
    try {
      await api('POST', `/api/v1/applications/${encodeURIComponent(name)}/rollback`, { id: entry.id });
      setConfirm(undefined);
      navigate(applicationPath(name));
    } catch (e) {
      setRollbackError(e);
    } finally {
      setBusy(false);
    }
  };

  const entries = [...(app?.status?.history ?? [])].reverse();
  const object = `${app?.spec.project ?? 'default'}/${name}`;
  return (
    <>
      <div class="title-row"><h1>{name}: history</h1><Link href={applicationPath(name)} class="button">Back to {name}</Link></div>
      <ErrorAlert error={error} />
      {app?.spec.syncPolicy?.automated && <p class="muted">Automated sync is on: the hub refuses a rollback until it is turned off (as Argo CD does).</p>}
      {app && entries.length === 0 && <p class="muted">No syncs recorded yet.</p>}
      {entries.length > 0 && (
        <table aria-label="History" class="grid">
          <thead><tr><th scope="col">ID</th><th scope="col">Revision</th><th scope="col">Deployed</th><th scope="col">Initiated by</th><th scope="col">Source</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{e.id}</td>
                <td class="mono" title={e.revision}>{shortRevision(e.revision)}</td>
                <td><Time at={e.deployedAt} /></td>
                <td>{e.initiatedBy?.automated ? 'automated' : e.initiatedBy?.username ?? ''}</td>
                <td class="mono wrap">{e.source ? `${e.source.repoURL ?? ''} ${e.source.path ?? ''} ${e.source.targetRevision ?? ''}` : ''}</td>
                <td><GuardedButton resource="applications" action="sync" object={object} onClick={() => setConfirm(e)}>Rollback</GuardedButton></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {confirm && (
        <Modal title="Roll back application" onClose={() => setConfirm(undefined)}>
          <p>Roll <strong>{name}</strong> back to entry {confirm.id}, revision <span class="mono">{shortRevision(confirm.revision)}</span>?</p>
          <ErrorAlert error={rollbackError} />
          <div class="row">
            <button type="button" class="primary" disabled={busy} onClick={() => void rollback(confirm)}>Roll back</button>
            <button type="button" onClick={() => setConfirm(undefined)}>Cancel</button>
          </div>
        </Modal>
      )}
    </>
  );
}
