// The V8 settings the agent runs with, for a small and steady footprint in every spoke cluster.
// The agent waits on the network far more than it computes, so it gives up V8's optimising
// compilers (whose code and compile buffers cost ~10 MB of resident memory; the benchmarks show
// no loss in sync speed), keeps the young generation at 1 MB per semi-space (V8 grows it to
// 16 MB under allocation bursts and rarely gives it back), and optimises the heap for size: without
// it the old generation grows well past what is live before a full collection (the agent's
// allocations, HTTP answers parsed and dropped, are promoted early with a small young generation):
// with 100 applications of 20 objects, 44 MB of heap were in use while 24 MB were live.
// `FLOTILLA_AGENT_V8_FLAGS` replaces the list (empty: none).

/** The flags the agent asks for by default. */
export const AGENT_V8_FLAGS = ['--max-semi-space-size=1', '--no-opt', '--no-maglev', '--optimize-for-size'];

/** Set in the environment of the re-executed process, so it never re-executes again. */
export const REEXEC_MARKER = 'FLOTILLA_AGENT_V8_REEXEC';

/** The flags this process still lacks: those asked for that are not already among its Node options. */
export function missingV8Flags(execArgv: readonly string[], env: Record<string, string | undefined>): string[] {
  if (env[REEXEC_MARKER]) return [];
  const wanted = env['FLOTILLA_AGENT_V8_FLAGS'] !== undefined ? env['FLOTILLA_AGENT_V8_FLAGS'].split(/\s+/).filter(Boolean) : AGENT_V8_FLAGS;
  const name = (flag: string) => flag.split('=')[0]!.replace(/_/g, '-');
  const given = new Set(execArgv.map(name));
  return wanted.filter((flag) => !given.has(name(flag)));
}
