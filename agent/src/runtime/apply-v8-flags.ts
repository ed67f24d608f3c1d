// Imported first by the agent's entry point: when its V8 flags are missing (`npx flotilla-agent`,
// `node flotilla-agent.js`), the process re-executes itself once, in place (same pid), with them.
// The V8 heap is sized when the process starts, so setting the flags later would not do. If the
// re-exec is refused, the agent runs on without them (and says so).
import { missingV8Flags, REEXEC_MARKER } from './v8-flags.ts';

const missing = missingV8Flags(process.execArgv, process.env);
if (missing.length && typeof process.execve === 'function') {
  try {
    process.execve(process.execPath, [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)], { ...process.env, [REEXEC_MARKER]: '1' });
  } catch (error) {
    process.emitWarning(`running without the agent's V8 flags (${missing.join(' ')}): ${(error as Error).message}`);
  }
}
