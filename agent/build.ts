// Builds the shipped agent: one ESM file, `agent/dist/flotilla-agent.js`, with its dependencies
// and @flotilla/shared bundled in. The agent runs in every spoke cluster, so it starts from plain
// JavaScript: no type stripping at start-up and one module instead of hundreds (about 40 MB less
// resident memory than running the TypeScript sources). Type checking stays with `tsc`.
import { buildSync, type BuildOptions } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const agentDir = fileURLToPath(new URL('.', import.meta.url));
export const AGENT_BUNDLE = `${agentDir}dist/flotilla-agent.js`;

const options: BuildOptions = {
  entryPoints: [`${agentDir}src/main.ts`],
  outfile: AGENT_BUNDLE,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Some bundled CommonJS (yaml, pino) calls require() for Node built-ins; give the ESM bundle one.
  banner: { js: "import { createRequire as __flotillaRequire } from 'node:module';\nconst require = __flotillaRequire(import.meta.url);" },
};

/**
 * Bundles the agent; fast enough (well under a second) for every test run to build what it runs.
 * Each file is written whole then renamed, so processes building at once never see half a bundle.
 */
export function buildAgent(): string {
  const { outputFiles } = buildSync({ ...options, write: false });
  for (const file of outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const partial = `${file.path}.${process.pid}.partial`;
    writeFileSync(partial, file.contents);
    renameSync(partial, file.path);
  }
  return AGENT_BUNDLE;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildAgent();
  console.log(`built ${AGENT_BUNDLE}`);
}
