// The resource tree (role tree "Resources"): one treeitem "<Kind> <name>" per resource with its sync
// and health; arrow keys move and open or close, Enter or Space selects (opens the resource panel).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { expandableKeys, visibleKeys, type TreeNode } from '../lib/tree.ts';
import { HealthStatus, SyncStatus } from './status.tsx';

/** The tree; `selected` is the key of the resource shown in the panel. */
export function ResourceTree({ root, selected, onSelect }: { root: TreeNode; selected?: string; onSelect: (node: TreeNode) => void }) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const expanded = useMemo(() => new Set(expandableKeys(root).filter((k) => !collapsed.has(k))), [root, collapsed]);
  const order = useMemo(() => visibleKeys(root, expanded), [root, expanded]);
  const [focused, setFocused] = useState(selected ?? root.key);
  const refs = useRef(new Map<string, HTMLElement>());
  const active = order.includes(focused) ? focused : root.key;
  useEffect(() => { if (selected) setFocused(selected); }, [selected]);

  const byKey = useMemo(() => {
    const map = new Map<string, { node: TreeNode; parent?: string }>();
    const walk = (node: TreeNode, parent?: string) => {
      map.set(node.key, { node, parent });
      node.children.forEach((c) => walk(c, node.key));
    };
    walk(root);
    return map;
  }, [root]);

  const focus = (key: string) => {
    setFocused(key);
    refs.current.get(key)?.focus();
  };
  const toggle = (key: string, open: boolean) => setCollapsed((c) => {
    const next = new Set(c);
    if (open) next.delete(key);
    else next.add(key);
    return next;
  });
  const onKeyDown = (event: KeyboardEvent, node: TreeNode) => {
    const at = order.indexOf(node.key);
    const entry = byKey.get(node.key)!;
    switch (event.key) {
      case 'ArrowDown': if (at < order.length - 1) focus(order[at + 1]!); break;
      case 'ArrowUp': if (at > 0) focus(order[at - 1]!); break;
      case 'Home': focus(order[0]!); break;
      case 'End': focus(order[order.length - 1]!); break;
      case 'ArrowRight':
        if (node.children.length && !expanded.has(node.key)) toggle(node.key, true);
        else if (node.children[0]) focus(node.children[0].key);
        break;
      case 'ArrowLeft':
        if (node.children.length && expanded.has(node.key)) toggle(node.key, false);
        else if (entry.parent) focus(entry.parent);
        break;
      case 'Enter': case ' ': onSelect(node); break;
      default: return;
    }
    event.preventDefault();
  };

  const item = (node: TreeNode, level: number) => {
    const open = expanded.has(node.key);
    return (
      <li key={node.key} role="treeitem" aria-label={`${node.kind} ${node.name}`} aria-level={level} aria-selected={node.key === selected}
        aria-expanded={node.children.length ? open : undefined} tabIndex={node.key === active ? 0 : -1}
        ref={(el) => { if (el) refs.current.set(node.key, el); else refs.current.delete(node.key); }}
        onKeyDown={(e) => { if (e.currentTarget === e.target) onKeyDown(e, node); }}
        onClick={(e) => { e.stopPropagation(); setFocused(node.key); onSelect(node); }}>
        <div class={`node${node.key === selected ? ' selected' : ''}`}>
          {node.children.length > 0 && <span class={`twisty${open ? ' open' : ''}`} aria-hidden="true" onClick={(e) => { e.stopPropagation(); toggle(node.key, !open); }} />}
          <span class="kind">{node.kind}</span> <span class="name">{node.name}</span>
          {node.namespace && <span class="muted ns">{node.namespace}</span>}
          {node.sync && <SyncStatus status={node.sync} />}
          {node.health && <HealthStatus status={node.health} message={node.healthMessage} />}
          {node.resource?.requiresPruning && <span class="badge">prune</span>}
        </div>
        {node.children.length > 0 && open && <ul role="group">{node.children.map((c) => item(c, level + 1))}</ul>}
      </li>
    );
  };
  return <ul role="tree" aria-label="Resources" class="tree">{item(root, 1)}</ul>;
}
