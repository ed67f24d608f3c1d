// Writing an application, for the API and the app-of-apps controller alike: check an Application
// body and resolve its project and destination (toWrite, 400s with field paths), then store an
// update with the assignments of the clusters it leaves and joins (updateApplication).
import { FlotillaError, invalidInput, validateApplication, type Application } from '@flotilla/shared';
import type { Queryable } from '../store/db.ts';
import { getApplication, primarySource, updateApplicationSpec, type ApplicationWrite } from '../store/applications.ts';
import { assignmentOf, recordAssignment } from '../store/assignments.ts';
import { getProject } from '../store/projects.ts';
import { normalizeRepoUrl } from '../repo/repo-url.ts';
import { repoUrlPasswordIssues } from '../repo/url-userinfo.ts';
import { resolveDestination } from './destination.ts';

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
  if (!(await getProject(db, project))) throw invalidInput(`project "${project}" does not exist`, [{ path: 'spec.project', message: 'no such project' }]);
  // A registered cluster, or the hub itself (app of apps): destination.ts.
  const target = await resolveDestination(db, app.spec.destination);
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
