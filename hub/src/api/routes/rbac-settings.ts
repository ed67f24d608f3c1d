// /api/v1/settings/rbac: the RBAC policy as an argocd-rbac-cm ConfigMap (policy.csv,
// policy.default, policy.matchMode, scopes). GET answers it; PUT replaces it from a ConfigMap (JSON
// or YAML, as Argo CD users keep it) or from a bare policy.csv (text/csv: the other keys stay),
// refusing an invalid policy with a 400 naming each bad line, and one that would take the right
// to change it from its writer; POST /can answers a decision with its reason (what
// `flotilla admin rbac can` asks). Reading and writing the policy take `accounts get` and
// `accounts update` on every account (`*`): admins.
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { invalidInput } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { getRbacSettings, putRbacSettings } from '../../store/rbac.ts';
import { recordAudit } from '../../store/audit.ts';
import { settingsFromConfigMap, settingsToConfigMap, validateSettings, type RbacSettings } from '../../rbac/policy.ts';
import { currentPolicy } from '../../rbac/current-policy.ts';
import { buildEnforcer } from '../../rbac/enforcer.ts';
import { errorResponses } from '../schemas.ts';

const CSV_TYPES = ['text/csv', 'text/plain'];
const MAX_POLICY_BYTES = 1024 * 1024;
const PolicyBody = Type.Union([Type.String({ description: 'policy.csv text (text/csv)' }), Type.Object({}, { additionalProperties: true, description: 'an argocd-rbac-cm ConfigMap, or its data map' })]);
const CanBody = Type.Object({
  subject: Type.String({ minLength: 1, maxLength: 512, description: 'an account, a role (role:readonly) or proj:<project>:<role>' }),
  groups: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { maxItems: 256 })),
  action: Type.String({ minLength: 1, maxLength: 256 }),
  resource: Type.String({ minLength: 1, maxLength: 64 }),
  object: Type.String({ minLength: 1, maxLength: 1024 }),
}, { additionalProperties: false });

const present = (settings: RbacSettings & { version: number; updatedAt: Date; updatedBy: string | null }) => ({
  ...settingsToConfigMap(settings),
  status: { version: settings.version, updatedAt: settings.updatedAt.toISOString(), updatedBy: settings.updatedBy ?? undefined },
});

/** The settings a PUT body gives: a ConfigMap, its data, or policy.csv text over the stored rest. */
async function settingsOfBody(ctx: HubContext, body: unknown): Promise<RbacSettings> {
  if (typeof body === 'string') return { ...(await getRbacSettings(ctx.pool)), policyCsv: body };
  const read = settingsFromConfigMap(body);
  if (!read.ok) throw invalidInput(read.message);
  return read.settings;
}

/** /api/v1/settings/rbac. */
export const rbacSettingsRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  app.addContentTypeParser(CSV_TYPES, { parseAs: 'string', bodyLimit: MAX_POLICY_BYTES }, (_req, body, done) => done(null, body));

  app.get('/', {
    config: { rbac: { resource: 'accounts', action: 'get', object: '*' } },
    schema: { summary: 'The RBAC policy, as an argocd-rbac-cm ConfigMap', tags: ['settings'], response: errorResponses },
  }, async () => present(await getRbacSettings(ctx.pool)));

  app.put<{ Body: Static<typeof PolicyBody> }>('/', {
    config: { rbac: { resource: 'accounts', action: 'update', object: '*' } },
    schema: { summary: 'Replace the RBAC policy (an argocd-rbac-cm ConfigMap as JSON or YAML, or policy.csv as text/csv)', tags: ['settings'], body: PolicyBody, response: errorResponses },
  }, async (request) => {
    const settings = await settingsOfBody(ctx, request.body);
    const issues = validateSettings(settings);
    if (issues.length) {
      const at = (line: number) => (line === 0 ? 'data' : `data.policy.csv:${line}`);
      throw invalidInput(`the RBAC policy is invalid: ${issues.map((i) => `${i.line ? `line ${i.line}: ` : ''}${i.message}`).join('; ')}`, issues.map((i) => ({ path: at(i.line), message: i.message })));
    }
    // A policy that would take the right to change it from the one writing it is refused: nobody could undo it.
    const next = await buildEnforcer(settings);
    const self = next.decide({ account: request.account, groups: request.groups ?? [] }, 'accounts', 'update', '*');
    if (!self.allowed) throw invalidInput(`the RBAC policy would lock ${request.account} out of changing it: ${self.reason}`);
    const version = await putRbacSettings(ctx.pool, settings, request.account);
    await recordAudit(ctx.pool, { actor: request.account, action: 'update', resource: 'rbac', object: 'argocd-rbac-cm', detail: { version } });
    return present(await getRbacSettings(ctx.pool));
  });

  app.post<{ Body: Static<typeof CanBody> }>('/can', {
    config: { rbac: { resource: 'accounts', action: 'get', object: '*' } },
    schema: { summary: 'May this subject do this? Answers the decision of the stored policy and its reason', tags: ['settings'], body: CanBody, response: errorResponses },
  }, async (request) => {
    const { subject, groups = [], action, resource, object } = request.body;
    const enforcer = await currentPolicy(ctx.pool, ctx.log).enforcer();
    return enforcer.decide({ account: subject, groups }, resource, action, object);
  });
};
