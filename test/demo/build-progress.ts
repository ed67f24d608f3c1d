// What `npm run demo` shows of the cluster binaries' build: it reads test/cluster/build-tools.sh's
// lines ("[build-tools   12s] building kube-apiserver v1.34.4 ...", "built … in 366s", "to build:
// … (9 of 9)") into a small state, and says where the build is, per binary, with elapsed times.
// Pure: the caller passes each line with the time it arrived, and the time now.

/** Where the build is. */
export interface BuildProgress {
  /** How many binaries are to be built (from the plan line); undefined until it is read. */
  planned?: number;
  built: { name: string; seconds: number }[];
  cached: number;
  current?: { name: string; sinceMs: number };
  done: boolean;
}

/** The state before the first line. */
export const BUILD_STARTED: BuildProgress = { built: [], cached: 0, done: false };

const LINE = /^\[build-tools\s+\d+s\] (.*)$/;

/** Pure: "45 s", "6 min 05 s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

function count(state: BuildProgress): string {
  return state.planned === undefined ? `${state.built.length + 1}` : `${state.built.length + 1} of ${state.planned}`;
}

/** Pure: the state after one line, and the line to print for it, if it is worth a line of its own. */
export function readBuildLine(state: BuildProgress, line: string, atMs: number): { state: BuildProgress; say?: string } {
  const text = LINE.exec(line.trim())?.[1];
  if (text === undefined) return { state };
  let m: RegExpExecArray | null;
  if ((m = /^to build: (.*) \((\d+) of (\d+)\)$/.exec(text))) {
    const planned = Number(m[2]);
    return { state: { ...state, planned }, say: planned === 0 ? 'all cluster binaries are built already' : `${planned} of ${m[3]} cluster binaries to build: ${m[1]}` };
  }
  if ((m = /^building (.+) \.\.\.$/.exec(text))) return { state: { ...state, current: { name: m[1]!, sinceMs: atMs } }, say: `building ${m[1]} (${count(state)})` };
  if ((m = /^built (.+) in (\d+)s$/.exec(text))) {
    const built = [...state.built, { name: m[1]!, seconds: Number(m[2]) }];
    return { state: { ...state, built, current: undefined }, say: `built ${m[1]} in ${formatDuration(Number(m[2]) * 1000)} (${built.length}${state.planned === undefined ? '' : ` of ${state.planned}`} done)` };
  }
  if (/^\S+ \S+ cached$/.test(text)) return { state: { ...state, cached: state.cached + 1 } };
  if (/^fetching /.test(text)) return { state, say: text };
  if (/^all tools ready/.test(text)) return { state: { ...state, done: true, current: undefined } };
  return { state };
}

/** Pure: one status line, e.g. "building kube-apiserver v1.34.4 (1 of 9): 1 min 30 s; 1 min 32 s in all". */
export function describeBuild(state: BuildProgress, nowMs: number, startedMs: number): string {
  const all = formatDuration(nowMs - startedMs);
  if (state.done) return `cluster binaries ready (${state.built.length} built, ${state.cached} cached) in ${all}`;
  if (!state.current) return `preparing the build: ${all}`;
  return `building ${state.current.name} (${count(state)}): ${formatDuration(nowMs - state.current.sinceMs)}; ${all} in all`;
}
