// Preloaded with `node --import` by tests that must run the hub as if it were installed somewhere
// else: it makes the package names in FLOTILLA_TEST_MODULE_REDIRECT ({"name": "/package/dir"})
// resolve to those folders instead of node_modules, e.g. the PostgreSQL binaries' package copied
// into a 0700 folder, as in a clone in root's home folder. Nothing else is changed.
import { registerHooks } from 'node:module';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const redirects = JSON.parse(process.env.FLOTILLA_TEST_MODULE_REDIRECT ?? '{}') as Record<string, string>;

registerHooks({
  resolve(specifier, context, nextResolve) {
    const dir = redirects[specifier];
    if (!dir) return nextResolve(specifier, context);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports?: string; main?: string };
    const entry = typeof manifest.exports === 'string' ? manifest.exports : (manifest.main ?? 'index.js');
    return { url: pathToFileURL(join(dir, entry)).href, format: 'module', shortCircuit: true };
  },
});
