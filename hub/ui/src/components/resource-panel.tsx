// One resource (role region "Resource <Kind> <name>"): its live and desired manifests, their diff,
// and its events, as tabs. Manifests come from GET …/resource (the agent's live object and the
// rendered one); the Diff tab compares live with the live object as the desired one would leave it
// (predicted-live.ts); without manifests the agent's own diff text from the tree is shown.
import { useEffect, useState } from 'preact/hooks';
import { diffLines } from 'diff';
import { api, ApiError } from '../api.ts';
import { toYaml } from '../lib/to-yaml.ts';
import { predictedLive } from '../lib/predicted-live.ts';
import type { TreeNode } from '../lib/tree.ts';
import { ErrorAlert } from './alert.tsx';
import { Time } from './time.tsx';

/** The panel's tabs and their URL values. */
export const TABS = [['live', 'Live manifest'], ['desired', 'Desired manifest'], ['diff', 'Diff'], ['events', 'Events']] as const;
/** A tab's URL value. */
export type Tab = (typeof TABS)[number][0];

/** An event the agent reported. */
export interface AppEvent {
  reason: string;
  message: string;
  eventType?: string;
  object?: string;
  at: string;
}

interface Manifests {
  live?: unknown;
  desired?: unknown;
  diff?: string;
}

const text = (manifest: unknown): string | undefined => (manifest === undefined || manifest === null ? undefined : typeof manifest === 'string' ? manifest : toYaml(manifest));

/** The resource panel. */
export function ResourcePanel({ app, node, tab, events, onTab, onClose }: { app: string; node: TreeNode; tab: Tab; events: AppEvent[]; onTab: (tab: Tab) => void; onClose: () => void }) {
  const [manifests, setManifests] = useState<Manifests | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    setManifests(undefined);
    setError(undefined);
    if (node.kind === 'Application' && !node.resource) return;
    const q = new URLSearchParams({ group: node.group, kind: node.kind, namespace: node.namespace ?? '', name: node.name });
    api<Manifests>('GET', `/api/v1/applications/${encodeURIComponent(app)}/resource?${q.toString()}`)
      .then(setManifests)
      .catch((e: unknown) => {
        // A hub without the resource route (404 "no route"): the tree's own diff is what there is.
        // Any other failure (the agent on another replica, an older agent, no answer) is shown, with that diff still there.
        if (!(e instanceof ApiError && e.status === 404 && e.message.startsWith('no route'))) setError(e);
        setManifests({});
      });
  }, [app, node.key]);

  const live = text(manifests?.live);
  const desired = text(manifests?.desired);
  const diffText = manifests?.diff ?? node.resource?.diff;
  const mine = events.filter((e) => !e.object || e.object.includes(node.name));
  const id = `panel-${node.key.replace(/[^A-Za-z0-9_-]/g, '-')}`;

  return (
    <section role="region" aria-label={`Resource ${node.kind} ${node.name}`} class="panel">
      <div class="title-row">
        <h2>{node.kind} {node.name}</h2>
        <button type="button" onClick={onClose}>Close</button>
      </div>
      {node.healthMessage && <p>{node.healthMessage}</p>}
      <div role="tablist" aria-label="Resource views">
        {TABS.map(([value, label]) => (
          <button key={value} type="button" role="tab" id={`${id}-${value}`} aria-selected={tab === value} aria-controls={`${id}-body`} tabIndex={tab === value ? 0 : -1}
            onClick={() => onTab(value)}
            onKeyDown={(e) => {
              const at = TABS.findIndex(([v]) => v === tab);
              if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                e.preventDefault();
                const next = TABS[(at + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]![0];
                onTab(next);
                document.getElementById(`${id}-${next}`)?.focus();
              }
            }}>{label}</button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-body`} aria-labelledby={`${id}-${tab}`} class="tabpanel">
        <ErrorAlert error={error} />
        {!manifests && !error && tab !== 'events' && <p class="muted">Loading…</p>}
        {manifests && tab === 'live' && (live ? <pre class="code">{live}</pre> : <p class="muted">No live manifest{node.sync === 'OutOfSync' ? ': the resource may not exist yet' : ''}.</p>)}
        {manifests && tab === 'desired' && (desired ? <pre class="code">{desired}</pre> : <p class="muted">No desired manifest{node.resource?.requiresPruning ? ': the resource is no longer in Git and would be pruned' : ''}.</p>)}
        {manifests && tab === 'diff' && <Diff live={live} desired={manifests.live != null && manifests.desired != null ? text(predictedLive(manifests.live, manifests.desired)) : desired} agentDiff={diffText} />}
        {tab === 'events' && (mine.length ? (
          <table class="grid" aria-label="Events"><thead><tr><th scope="col">Type</th><th scope="col">Reason</th><th scope="col">Message</th><th scope="col">When</th></tr></thead>
            <tbody>{mine.map((e, i) => <tr key={i}><td>{e.eventType ?? ''}</td><td>{e.reason}</td><td>{e.message}</td><td><Time at={e.at} /></td></tr>)}</tbody></table>
        ) : <p class="muted">No events.</p>)}
      </div>
    </section>
  );
}

function Diff({ live, desired, agentDiff }: { live?: string; desired?: string; agentDiff?: string }) {
  if (live !== undefined && desired !== undefined) {
    const parts = diffLines(live, desired);
    if (!parts.some((p) => p.added || p.removed)) return <p class="muted">No difference: the live resource matches the desired one.</p>;
    return (
      <pre class="code diff" aria-label="Diff, live to predicted live">
        {parts.map((p, i) => {
          const sign = p.added ? '+' : p.removed ? '-' : ' ';
          const body = p.value.replace(/\n$/, '').split('\n').map((l) => `${sign} ${l}`).join('\n');
          return <span key={i} class={p.added ? 'add' : p.removed ? 'del' : 'same'}>{body}{'\n'}</span>;
        })}
      </pre>
    );
  }
  if (agentDiff) return <pre class="code diff">{agentDiff.split('\n').map((l, i) => <span key={i} class={l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : 'same'}>{l}{'\n'}</span>)}</pre>;
  return <p class="muted">No difference reported.</p>;
}
