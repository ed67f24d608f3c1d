// The web UI's static files (hub/ui/dist, built by `npm run build`), served by the hub at /.
// Hashed assets under /assets/ are cached forever (immutable); index.html is never cached and is
// the answer to any other GET that accepts text/html outside /api and /auth, so every page of the
// single-page app has a deep link (history API). Every answer carries a CSP of default-src 'self':
// the UI loads nothing from elsewhere (no CDN, no web fonts). Without a build, / says how to make one.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { ErrorBody } from '@flotilla/shared';

/** The Content-Security-Policy of every UI answer. */
export const UI_CSP = "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; form-action 'self'";

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.js', '.css', '.html', '.svg', '.json', '.map']);
// Vite writes flat, hashed names into assets/: nothing else (no `..`, no subdirectories) is served.
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** Where the hub package's built UI lives. */
export function defaultUiDir(): string {
  return fileURLToPath(new URL('../../ui/dist/', import.meta.url));
}

/** Whether a GET is a page of the UI (answered with index.html): not the API, not /auth, and a browser asking for HTML. */
export function isUiPage(path: string, accept: string | undefined): boolean {
  if (path === '/api' || path.startsWith('/api/') || path === '/auth' || path.startsWith('/auth/') || path.startsWith('/assets/')) return false;
  return path === '/' || (accept ?? '').includes('text/html');
}

interface CachedFile {
  body: Buffer;
  gzip?: Buffer;
  type: string;
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Flotilla</title></head><body>
<h1>Flotilla</h1><p>The web UI is not built in this checkout. Run <code>npm run build</code> (or <code>npm ci</code>) at the repository root and restart the hub.</p>
<p>The API is at <a href="/api/openapi.json">/api/openapi.json</a>.</p></body></html>`;

/** The plugin serving the UI from `dir` (defaultUiDir() unless a test gives another). */
export const uiStaticRoutes = (dir: string = defaultUiDir()): FastifyPluginAsync => async (app) => {
  const cache = new Map<string, CachedFile | null>();
  const load = (relative: string): CachedFile | null => {
    if (cache.has(relative)) return cache.get(relative)!;
    const file = join(dir, relative);
    let entry: CachedFile | null = null;
    if (existsSync(file)) {
      const body = readFileSync(file);
      const ext = relative.slice(relative.lastIndexOf('.'));
      entry = { body, type: TYPES[ext] ?? 'application/octet-stream', ...(COMPRESSIBLE.has(ext) && body.length > 512 ? { gzip: gzipSync(body, { level: 9 }) } : {}) };
    }
    // index.html is read again after a rebuild; hashed assets never change under one name. A miss is
    // not kept: anyone may ask for any name, and the cache holds only files that exist.
    if (relative !== 'index.html' && entry) cache.set(relative, entry);
    return entry;
  };
  const send = (request: FastifyRequest, reply: FastifyReply, file: CachedFile, cacheControl: string) => {
    void reply.header('content-type', file.type).header('cache-control', cacheControl).header('content-security-policy', UI_CSP)
      .header('x-content-type-options', 'nosniff').header('referrer-policy', 'same-origin').header('vary', 'accept-encoding');
    if (file.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(file.gzip);
    return reply.send(file.body);
  };
  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    reply.status(404).send({ error: { code: 'FLT_ERR_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } } satisfies ErrorBody);

  app.get<{ Params: { name: string } }>('/assets/:name', { schema: { hide: true } }, async (request, reply) => {
    const name = request.params.name;
    const file = ASSET_NAME.test(name) ? load(`assets/${name}`) : null;
    if (!file) return notFound(request, reply);
    return send(request, reply, file, 'public, max-age=31536000, immutable');
  });

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (!isUiPage(path, request.headers.accept)) return notFound(request, reply);
    const index = load('index.html');
    if (!index) return send(request, reply, { body: Buffer.from(NOT_BUILT), type: TYPES['.html']! }, 'no-cache');
    return send(request, reply, index, 'no-cache');
  });
};
