// The operation state (region "Operation"): phase and message, then one row per sync wave with
// its resources' progress and times.
import { Time } from './time.tsx';

/** status.operationState as the agent reports it. */
export interface OperationState {
  id?: string;
  phase?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  result?: { resources?: { key?: string; kind?: string; phase?: string; wave?: number; status?: string; message?: string }[]; waves?: { phase: string; wave: number; startedAt?: string; finishedAt?: string }[] };
}

/** The operation region (nothing before the first operation). */
export function Operation({ state }: { state?: OperationState }) {
  if (!state) return <section aria-label="Operation" class="box"><h2>Operation</h2><p class="muted">No operation yet.</p></section>;
  const resources = state.result?.resources ?? [];
  const waves = state.result?.waves ?? [];
  // Waves reported, else the waves the resources name.
  const rows: { phase: string; wave: number; startedAt?: string; finishedAt?: string }[] = waves.length ? waves : [...new Map(resources.map((r) => [`${r.phase ?? 'Sync'}/${r.wave ?? 0}`, { phase: r.phase ?? 'Sync', wave: r.wave ?? 0 }])).values()];
  return (
    <section aria-label="Operation" class="box">
      <h2>Operation</h2>
      <p><span class={`status op-${state.phase ?? 'Unknown'}`}>{state.phase ?? 'Unknown'}</span> {state.message}</p>
      <p class="muted">Started <Time at={state.startedAt} />{state.finishedAt && <>, finished <Time at={state.finishedAt} /></>}</p>
      {rows.length > 0 && (
        <table class="grid" aria-label="Waves">
          <thead><tr><th scope="col">Phase</th><th scope="col">Wave</th><th scope="col">Progress</th><th scope="col">Started</th><th scope="col">Finished</th></tr></thead>
          <tbody>
            {rows.map((w) => {
              const mine = resources.filter((r) => (r.phase ?? 'Sync') === w.phase && (r.wave ?? 0) === w.wave);
              const done = mine.filter((r) => r.status === 'Synced' || r.status === 'Pruned' || r.status === 'Succeeded').length;
              const failed = mine.filter((r) => r.status === 'SyncFailed' || r.status === 'Failed' || r.status === 'Error');
              return (
                <tr key={`${w.phase}/${w.wave}`}>
                  <td>{w.phase}</td><td>{w.wave}</td>
                  <td>{done} of {mine.length} done{failed.length ? `, ${failed.length} failed: ${failed.map((f) => `${f.kind ?? ''} ${f.key ?? ''} ${f.message ?? ''}`.trim()).join('; ')}` : ''}</td>
                  <td><Time at={w.startedAt} /></td><td><Time at={w.finishedAt} /></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
