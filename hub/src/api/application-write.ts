// Writing an application, for the API and the app-of-apps controller alike: check an Application
// body, resolve its project and destination and check them against the project's rules (toWrite,
// 400s with field paths naming the rule), then store an update with the assignments of the
// clusters it leaves and joins (updateApplication).
import { FlotillaError, applicationViolations, invalidInput, validateApplication, type Application, type ApplicationFacts } from '@flotilla/shared';
import type { Queryable } from '../store/db.ts';
import { getApplication, primarySource, updateApplicationSpec, type ApplicationWrite } from '../store/applications.ts';
import { assignmentOf, recordAssignment } from '../store/assignments.ts';
import { getProject } from '../store/projects.ts';
import { normalizeRepoUrl } from '../repo/repo-url.ts';
import { repoUrlPasswordIssues } from '../repo/url-userinfo.ts';
import { resolveDestination, type ResolvedDestination } from './destination.ts';
import { IN_CLUSTER_NAME, IN_CLUSTER_SERVER } from './destination-lookup.ts';

/** Checks an Application body and resolves its project and destination cluster (400 with field paths); app-of-apps children go through it too. */
export async function toWrite(db: Queryable, body: unknown, nameFromPath?: string): Promise<ApplicationWrite> {
  const validated = validateApplication(body);
  if (!validated.ok) {
    throw invalidInput(`invalid Application: ${validated.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, validated.errors);
  }
  const app: Application = validated.value;
  // A password in repoURL would sit in clear in the spec, every answer and every agent: refused (issue 13).
  const passwords = repoUrlPasswordIssues(app.spec);
  if (passwords.length) throw invalidInput(`invalid Application: ${passwords.map((e) => `${e.path}: ${e.message}`).join('; ')}`, passwords);
  if (nameFromPath !== undefined && app.metadata.name !== nameFromPath) {
    throw invalidInput(`metadata.name "${app.metadata.name}" does not match the name in the path "${nameFromPath}"`, [{ path: 'metadata.name', message: 'must match the path' }]);
  }
  const project = app.spec.project ?? 'default';
  const projectRecord = await getProject(db, project);
  if (!projectRecord) throw invalidInput(`project "${project}" does not exist`, [{ path: 'spec.project', message: 'no such project' }]);
  // A registered cluster, or the hub itself (app of apps): destination.ts.
  const target = await resolveDestination(db, app.spec.destination);
  // The project's sourceRepos, destinations and sourceNamespaces (issue 16): a 400 naming the rule.
  const violations = applicationViolations({ name: project, spec: projectRecord.spec }, permitFacts(app, target));
  if (violations.length) {
    throw invalidInput(`application "${app.metadata.name}" is not permitted by project "${project}": ${violations.map((v) => `${v.path}: ${v.message}`).join('; ')}`, violations.map((v) => ({ path: v.path, message: v.message })));
  }
  const { labels, annotations, finalizers } = app.metadata as { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
  const spec = { ...app.spec, project } as unknown as ApplicationWrite['spec'];
  return {
    name: app.metadata.name,
    project,
    metadata: { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}), ...(finalizers ? { finalizers } : {}) },
    spec,
    clusterId: target.kind === 'hub' ? null : target.cluster.id,
    repoUrl: normalizeRepoUrl(primarySource(spec).repoURL),
  };
}

/** What the project rules look at: metadata.namespace, every source's repoURL, and the destination as the resolved cluster is known. */
function permitFacts(app: Application, target: ResolvedDestination): ApplicationFacts {
  const dest = app.spec.destination;
  const sources = app.spec.sources?.length
    ? app.spec.sources.map((s, i) => ({ path: `spec.sources[${i}].repoURL`, repoURL: s.repoURL }))
    : app.spec.source ? [{ path: 'spec.source.repoURL', repoURL: app.spec.source.repoURL }] : [];
  const field = 'spec.destination';
  const namespace = dest.namespace ?? '';
  const metaNamespace = (app.metadata as { namespace?: string }).namespace;
  // A cluster is known by its name and by its server URL (the one written, else the one an admin gave it).
  const destination = target.kind === 'cluster'
    ? { name: target.cluster.name, server: dest.server ?? target.cluster.serverUrl ?? '', namespace, field }
    : { name: dest.name ?? IN_CLUSTER_NAME, server: dest.server ?? IN_CLUSTER_SERVER, namespace, field };
  return { ...(metaNamespace ? { namespace: metaNamespace } : {}), sources, destination };
}

/** Applies an update; logs a removal on the old cluster when the destination moved (app-of-apps children too). */
export async function updateApplication(db: Queryable, write: ApplicationWrite): Promise<void> {
  const before = (await getApplication(db, write.name))!;
  if (before.deletion) throw new FlotillaError('FLT_ERR_CONFLICT', `application "${write.name}" is being deleted; it cannot be changed`);
  const beforeSource = primarySource(before.spec);
  const afterSource = primarySource(write.spec);
  const sourceChanged = JSON.stringify(beforeSource) !== JSON.stringify(afterSource) || (before.spec.sources?.length ?? 0) !== (write.spec.sources?.length ?? 0);
  await updateApplicationSpec(db, write, sourceChanged);
  const after = (await getApplication(db, write.name))!;
  if (before.clusterId !== after.clusterId) await recordAssignment(db, before.clusterId, write.name, null);
  await recordAssignment(db, after.clusterId, write.name, assignmentOf(after));
}
