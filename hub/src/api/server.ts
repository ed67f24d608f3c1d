// The hub's HTTP API: one fastify instance with the error format, YAML bodies, OpenAPI from the
// route schemas, the access hook, and one plugin per resource under /api/v1.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { FlotillaError, parseManifestText, type ErrorBody } from '@flotilla/shared';
import type { HubContext } from './context.ts';
import { authenticateHook, authorizeHook } from './auth.ts';
import { MAX_BODY_DEPTH, MAX_YAML_BODY_BYTES, nestingDepth } from './body-limits.ts';
import { storeInputError } from './store-input-error.ts';
import { hasDeclaredAccess } from './rbac.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { sessionRoutes } from './routes/session.ts';
import { clusterRoutes } from './routes/clusters.ts';
import { repositoryRoutes } from './routes/repositories.ts';
import { repoCredsRoutes } from './routes/repo-creds.ts';
import { applicationRoutes } from './routes/applications.ts';
import { projectRoutes } from './routes/projects.ts';
import { webhookRoutes } from './routes/webhook.ts';
import { agentRoutes } from './routes/agent.ts';
import { auditRoutes } from './routes/audit.ts';
import { auditFailures } from './failure-audit.ts';
import { rbacSettingsRoutes } from './routes/rbac-settings.ts';
import { accountRoutes } from './routes/accounts.ts';
import { projectTokenRoutes } from './routes/project-tokens.ts';
import { ssoRoutes } from './routes/sso.ts';
import { canIRoutes } from './routes/can-i.ts';
import { uiStaticRoutes } from './ui-static.ts';
import { streamRoutes } from './routes/streams.ts';
import { resourceRoutes } from './routes/resource.ts';
import { ErrorBodySchema } from './schemas.ts';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/** Builds the API (not yet listening). */
export async function buildApi(ctx: HubContext, connectedAgents: () => number = () => 0, https?: { key: string; cert: string }): Promise<FastifyInstance> {
  // Request lines stay out of the log (warn level); failures are logged by the error handler.
  const app = Fastify({
    // HTTPS when given a certificate (hub/src/tls/server-tls.ts); the agent gateway shares the server.
    ...(https ? ({ https } as object) : {}),
    loggerInstance: ctx.log.child({ component: 'api' }, { level: ctx.log.levelVal > 40 ? ctx.log.level : 'warn' }),
    bodyLimit: 4 * 1024 * 1024,
    // The client's address (login throttling, logs) from X-Forwarded-For only through the proxies named.
    trustProxy: ctx.settings.trustProxy,
    // Unknown fields are errors, not silently dropped (fastify's default strips them).
    ajv: { customOptions: { removeAdditional: false } },
  });
  app.decorateRequest('account', '');
  app.decorateRequest('groups', null as unknown as string[]); // set per request (a shared [] would be mutable across requests)

  // Authentication runs on arrival, before any body is read or parsed.
  app.addHook('onRequest', authenticateHook(ctx));

  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string', bodyLimit: MAX_YAML_BODY_BYTES }, (_req, body, done) => {
    let parsed: ReturnType<typeof parseManifestText>;
    try {
      parsed = parseManifestText(body as string, 'request body');
    } catch (error) {
      // The YAML composer recurses per nesting level: text nested deeply enough overflows it.
      if (error instanceof RangeError) return done(tooDeep());
      throw error;
    }
    // The yaml library reports its own stack overflow on deep text as a syntax error.
    if (!parsed.ok && parsed.errors.some((e) => e.message.includes('Maximum call stack size exceeded'))) return done(tooDeep());
    if (!parsed.ok) return done(new FlotillaError('FLT_ERR_INVALID_INPUT', 'the request body is not valid YAML', parsed.errors));
    if (parsed.objects.length !== 1) return done(new FlotillaError('FLT_ERR_INVALID_INPUT', `the request body must hold one object, not ${parsed.objects.length}`));
    done(null, parsed.objects[0]);
  });

  app.setErrorHandler((raised: FastifyError | FlotillaError, request, reply) => {
    const error = storeInputError(raised) ?? raised;
    const body = toErrorBody(error);
    const status = error instanceof FlotillaError ? error.statusCode : (error.statusCode ?? 500);
    if (status >= 500) request.log.error({ err: error, url: request.url }, 'request failed');
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'FLT_ERR_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } } satisfies ErrorBody);
  });

  // Every /api route must say how it is authorized: a route without it fails startup, not later.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/') && route.url !== '/api/openapi.json' && !hasDeclaredAccess(route.config)) {
      throw new Error(`route ${route.method} ${route.url} declares no access (public, agent or rbac)`);
    }
  });
  app.addHook('preValidation', async (request) => {
    if (request.body !== undefined && nestingDepth(request.body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) throw tooDeep();
  });
  app.addHook('preHandler', authorizeHook(ctx));
  auditFailures(app, ctx); // failed mutations are audited (failure-audit.ts)

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Flotilla API', version: '1', description: 'GitOps continuous delivery for fleets of Kubernetes clusters' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  app.addSchema({ ...ErrorBodySchema, $id: 'ErrorBody' });

  await app.register(healthRoutes(ctx));
  await app.register(metricsRoutes(ctx, connectedAgents));
  await app.register(webhookRoutes(ctx));
  await app.register(sessionRoutes(ctx), { prefix: '/api/v1' });
  await app.register(ssoRoutes(ctx));
  await app.register(clusterRoutes(ctx), { prefix: '/api/v1/clusters' });
  await app.register(repositoryRoutes(ctx), { prefix: '/api/v1/repositories' });
  await app.register(repoCredsRoutes(ctx), { prefix: '/api/v1/repocreds' });
  await app.register(applicationRoutes(ctx), { prefix: '/api/v1/applications' });
  await app.register(resourceRoutes(ctx), { prefix: '/api/v1/applications' });
  await app.register(streamRoutes(ctx), { prefix: '/api/v1/stream' });
  await app.register(projectRoutes(ctx), { prefix: '/api/v1/projects' });
  await app.register(auditRoutes(ctx), { prefix: '/api/v1/audit' });
  await app.register(rbacSettingsRoutes(ctx), { prefix: '/api/v1/settings/rbac' });
  await app.register(accountRoutes(ctx), { prefix: '/api/v1/account' });
  await app.register(canIRoutes(ctx), { prefix: '/api/v1/account' });
  await app.register(projectTokenRoutes(ctx), { prefix: '/api/v1/projects' });
  await app.register(agentRoutes(ctx), { prefix: '/api/v1/agent' });
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  // The web UI at / (hub/ui/dist): assets, and index.html for every page's deep link.
  await app.register(uiStaticRoutes());
  return app as unknown as FastifyInstance;
}

function tooDeep(): FlotillaError {
  return new FlotillaError('FLT_ERR_INVALID_INPUT', `the request body nests deeper than ${MAX_BODY_DEPTH} levels`);
}

function toErrorBody(error: FastifyError | FlotillaError): ErrorBody {
  if (error instanceof FlotillaError) {
    return { error: { code: error.code, message: error.message, ...(error.issues.length ? { issues: error.issues } : {}) } };
  }
  if (error.validation) {
    const issues = error.validation.map((v) => ({
      path: [error.validationContext, ...v.instancePath.split('/').filter(Boolean)].filter(Boolean).join('.') + (v.params && 'missingProperty' in v.params ? `.${String(v.params.missingProperty)}` : '') + (v.params && 'additionalProperty' in v.params ? `.${String(v.params.additionalProperty)}` : ''),
      message: v.params && 'additionalProperty' in v.params ? 'unknown field' : (v.message ?? 'invalid'),
    }));
    return { error: { code: 'FLT_ERR_INVALID_INPUT', message: `invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues } };
  }
  const status = error.statusCode ?? 500;
  if (status === 413) return { error: { code: 'FLT_ERR_PAYLOAD_TOO_LARGE', message: error.message } };
  if (status >= 400 && status < 500) return { error: { code: 'FLT_ERR_INVALID_INPUT', message: error.message } };
  return { error: { code: 'FLT_ERR_INTERNAL', message: 'internal error; the hub logged the details' } };
}
