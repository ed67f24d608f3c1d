// The application page's resource tree: the Application at the root, then the resources the agent
// reported, each under the parent its parentRefs name (Deployment → ReplicaSet → Pod); a resource
// whose parent is not in the list hangs off the Application. Keys are the URL's
// `resource=<group>/<kind>/<namespace>/<name>`. Pure.

/** A resource as GET /api/v1/applications/:name/resource-tree answers it (the agent's report). */
export interface ResourceNode {
  group: string;
  version?: string;
  kind: string;
  namespace?: string;
  name: string;
  status?: string;
  health?: { status: string; message?: string };
  requiresPruning?: boolean;
  diff?: string;
  parentRefs?: { group: string; kind: string; namespace?: string; name: string }[];
}

/** One node of the tree shown. */
export interface TreeNode {
  key: string;
  kind: string;
  name: string;
  namespace?: string;
  group: string;
  sync?: string;
  health?: string;
  healthMessage?: string;
  /** The agent's report, absent for the Application root. */
  resource?: ResourceNode;
  children: TreeNode[];
}

/** The key of a resource (and its `resource=` URL value). */
export function resourceKey(ref: { group: string; kind: string; namespace?: string; name: string }): string {
  return `${ref.group}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** The parts of a `resource=` URL value, or undefined when it is not `<group>/<kind>/<namespace>/<name>`. */
export function parseResourceKey(value: string): { group: string; kind: string; namespace: string; name: string } | undefined {
  const parts = value.split('/');
  if (parts.length !== 4 || parts[1] === '' || parts[3] === '') return undefined;
  const [group, kind, namespace, name] = parts as [string, string, string, string];
  return { group, kind, namespace, name };
}

const byKindThenName = (a: TreeNode, b: TreeNode) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name) || (a.namespace ?? '').localeCompare(b.namespace ?? '');

/** The tree of an application's resources, rooted at the Application itself. */
export function buildTree(app: { name: string; sync?: string; health?: string; healthMessage?: string }, nodes: readonly ResourceNode[]): TreeNode {
  const root: TreeNode = { key: resourceKey({ group: 'argoproj.io', kind: 'Application', name: app.name }), kind: 'Application', name: app.name, group: 'argoproj.io', sync: app.sync, health: app.health, healthMessage: app.healthMessage, children: [] };
  const byKey = new Map<string, TreeNode>();
  for (const resource of nodes) {
    const key = resourceKey(resource);
    if (byKey.has(key)) continue;
    byKey.set(key, { key, kind: resource.kind, name: resource.name, namespace: resource.namespace, group: resource.group, sync: resource.status, health: resource.health?.status, healthMessage: resource.health?.message, resource, children: [] });
  }
  // A parent in another namespace is looked up there; a namespaced child of a cluster-scoped parent (no namespace) too.
  const parentOf = (node: TreeNode): TreeNode | undefined => {
    for (const ref of node.resource?.parentRefs ?? []) {
      const parent = byKey.get(resourceKey({ ...ref, namespace: ref.namespace ?? node.namespace })) ?? byKey.get(resourceKey({ ...ref, namespace: undefined }));
      if (parent && parent !== node) return parent;
    }
    return undefined;
  };
  const parents = new Map<TreeNode, TreeNode>();
  for (const node of byKey.values()) {
    const parent = parentOf(node);
    if (parent) parents.set(node, parent);
  }
  // A cycle of parentRefs (a report that cannot be right) is broken at the node that closes it.
  for (const node of byKey.values()) {
    const seen = new Set<TreeNode>([node]);
    for (let up = parents.get(node); up; up = parents.get(up)) {
      if (seen.has(up)) {
        parents.delete(node);
        break;
      }
      seen.add(up);
    }
  }
  for (const node of byKey.values()) (parents.get(node) ?? root).children.push(node);
  const sortAll = (node: TreeNode) => {
    node.children.sort(byKindThenName);
    node.children.forEach(sortAll);
  };
  sortAll(root);
  return root;
}

/** The keys of the nodes shown, top to bottom, when only `expanded` nodes show their children (keyboard order). */
export function visibleKeys(root: TreeNode, expanded: ReadonlySet<string>): string[] {
  const keys: string[] = [];
  const walk = (node: TreeNode) => {
    keys.push(node.key);
    if (expanded.has(node.key)) node.children.forEach(walk);
  };
  walk(root);
  return keys;
}

/** Every node's key that has children (a tree opens fully expanded). */
export function expandableKeys(root: TreeNode): string[] {
  const keys: string[] = [];
  const walk = (node: TreeNode) => {
    if (node.children.length) keys.push(node.key);
    node.children.forEach(walk);
  };
  walk(root);
  return keys;
}

/** The node with this key, if any. */
export function findNode(root: TreeNode, key: string): TreeNode | undefined {
  if (root.key === key) return root;
  for (const child of root.children) {
    const found = findNode(child, key);
    if (found) return found;
  }
  return undefined;
}
