// AppProject sync windows in Argo CD's semantics (SyncWindows.CanSync): a window is active while
// less than `duration` has passed since its cron schedule last fired (in its timeZone, UTC by
// default). It applies to an application when its applications, namespaces or clusters globs
// match (any of them; all of the lists given with andOperator). An active deny window blocks
// syncs (a manual one passes when every active deny window has manualSync); otherwise an active
// allow window permits; otherwise, when the app has allow windows and none is active, syncs wait
// (a manual one passes when every one of them has manualSync). A window whose schedule or time zone
// does not parse counts as an active deny window: closed, not open. A sync already running is held
// between its steps while the windows forbid it, unless syncOverrun lets it run on (runMayContinue).
// Pure; the clock is a parameter.
import { Cron } from 'croner';
import type { SyncWindow } from './project-schema.ts';
import { globMatch } from './glob-match.ts';

/** An application as the windows see it: its name, destination namespace and the names/servers of its cluster. */
export interface WindowTarget {
  name: string;
  namespace: string;
  clusters: string[];
}

/** A window of the project with its index in spec.syncWindows (how `proj windows` numbers them). */
export interface IndexedWindow {
  index: number;
  window: SyncWindow;
}

/** The windows that apply to an application now: the active ones, and the allow windows that are not. */
export interface WindowsInForce {
  active: IndexedWindow[];
  inactiveAllows: IndexedWindow[];
}

/** Whether a sync may start, the window that decided (none: no window applies), and why. */
export interface SyncDecision {
  allowed: boolean;
  window?: IndexedWindow;
  reason: string;
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration ("1h30m", "90s") in milliseconds, or undefined. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
}

/** The schedule without an inline `TZ=`/`CRON_TZ=` prefix, and the zone it named. */
function splitSchedule(window: SyncWindow): { cron: string; timeZone: string } {
  const inline = /^(?:CRON_)?TZ=(\S+)\s+(.*)$/.exec(window.schedule.trim());
  return { cron: inline ? inline[2]! : window.schedule.trim(), timeZone: window.timeZone || inline?.[1] || 'UTC' };
}

/** Why a window cannot be evaluated (schedule, time zone or duration), or undefined. */
export function windowProblem(window: SyncWindow): string | undefined {
  const { cron, timeZone } = splitSchedule(window);
  if (parseGoDuration(window.duration) === undefined) return `duration ${JSON.stringify(window.duration)} is not a duration such as "1h" or "30m"`;
  try {
    new Cron(cron, { timezone: timeZone, mode: '5-part' }).nextRun(new Date(0));
  } catch (error) {
    return `schedule ${JSON.stringify(window.schedule)} in time zone ${JSON.stringify(timeZone)} does not parse: ${(error as Error).message}`;
  }
  return undefined;
}

/** Whether the window is active at `now` (a window that does not parse is: see the header). */
export function isWindowActive(window: SyncWindow, now: Date): boolean {
  const duration = parseGoDuration(window.duration);
  if (duration === undefined || windowProblem(window) !== undefined) return true;
  const { cron, timeZone } = splitSchedule(window);
  const next = new Cron(cron, { timezone: timeZone, mode: '5-part' }).nextRun(new Date(now.getTime() - duration));
  return next !== null && next.getTime() < now.getTime();
}

/** A window that cannot be evaluated acts as a deny window. */
function effectiveKind(window: SyncWindow): 'allow' | 'deny' {
  return windowProblem(window) === undefined ? window.kind : 'deny';
}

/** Whether a window applies to an application (Argo CD's SyncWindow.Matches, andOperator included). */
export function windowMatches(window: SyncWindow, app: WindowTarget): boolean {
  const checks: boolean[] = [];
  if (window.applications?.length) checks.push(window.applications.some((p) => globMatch(p, app.name)));
  if (window.namespaces?.length) checks.push(window.namespaces.some((p) => globMatch(p, app.namespace)));
  if (window.clusters?.length) checks.push(window.clusters.some((p) => app.clusters.some((c) => c !== '' && globMatch(p, c))));
  if (checks.length === 0) return false;
  return window.andOperator ? checks.every(Boolean) : checks.some(Boolean);
}

/** The project's windows that apply to an application at `now`. */
export function activeWindows(project: { spec: { syncWindows?: SyncWindow[] } }, app: WindowTarget, now: Date): WindowsInForce {
  const inForce: WindowsInForce = { active: [], inactiveAllows: [] };
  (project.spec.syncWindows ?? []).forEach((window, index) => {
    if (!windowMatches(window, app)) return;
    if (isWindowActive(window, now)) inForce.active.push({ index, window });
    else if (effectiveKind(window) === 'allow') inForce.inactiveAllows.push({ index, window });
  });
  return inForce;
}

/** How a window is named in messages: `deny window 0 (schedule "0 22 * * *", 1h, UTC)`. */
export function describeWindow({ index, window }: IndexedWindow): string {
  const { timeZone } = splitSchedule(window);
  return `${window.kind} window ${index} (schedule "${window.schedule}", duration ${window.duration}, ${timeZone}${window.description ? `: ${window.description}` : ''})`;
}

/** Whether a sync may start now given the windows in force (Argo CD's CanSync). */
export function syncAllowed(windows: WindowsInForce, options: { manual: boolean }): SyncDecision {
  const denies = windows.active.filter((w) => effectiveKind(w.window) === 'deny');
  if (denies.length > 0) {
    const closed = denies.find((w) => !w.window.manualSync || effectiveKind(w.window) !== w.window.kind) ?? denies[0]!;
    if (options.manual && denies.every((w) => w.window.manualSync && effectiveKind(w.window) === w.window.kind)) {
      return { allowed: true, window: denies[0], reason: `${describeWindow(denies[0]!)} is active but allows manual syncs` };
    }
    const problem = windowProblem(closed.window);
    if (problem !== undefined) return { allowed: false, window: closed, reason: `${describeWindow(closed)} blocks syncs until it is fixed: ${problem}` };
    return { allowed: false, window: closed, reason: `${describeWindow(closed)} is active${options.manual && !closed.window.manualSync ? ' and does not allow manual syncs (manualSync)' : ''}` };
  }
  const allow = windows.active.find((w) => w.window.kind === 'allow');
  if (allow) return { allowed: true, window: allow, reason: `${describeWindow(allow)} is active` };
  if (windows.inactiveAllows.length > 0) {
    // As Argo CD (manualEnabled): a manual sync passes only when every inactive allow window has manualSync.
    const first = windows.inactiveAllows[0]!;
    if (options.manual && windows.inactiveAllows.every((w) => w.window.manualSync)) return { allowed: true, window: first, reason: `${describeWindow(first)} is not active but allows manual syncs` };
    return { allowed: false, window: first, reason: `no allow window is active: syncs wait for ${describeWindow(first)}` };
  }
  return { allowed: true, reason: 'no sync window applies' };
}

/**
 * Whether a sync that started at `startedAt` may take its next step at `now` (Argo CD's CanSync
 * with the operation's start time). As syncAllowed, except that a sync the windows allowed when it
 * started runs on into an active deny window when every active deny window has `syncOverrun`, and
 * past the end of its allow window when every inactive allow window has `syncOverrun`. Otherwise a
 * running sync is held until the windows allow it again.
 */
export function runMayContinue(project: { spec: { syncWindows?: SyncWindow[] } }, app: WindowTarget, now: Date, options: { manual: boolean; startedAt: Date }): SyncDecision {
  const windows = activeWindows(project, app, now);
  const decision = syncAllowed(windows, options);
  if (decision.allowed) return decision;
  const denies = windows.active.filter((w) => effectiveKind(w.window) === 'deny');
  // The windows that decide whether the sync may overrun: the active deny ones, else the allow ones that ended.
  const deciding = denies.length > 0 ? denies : windows.inactiveAllows;
  const overrunSet = deciding.length > 0 && deciding.every((w) => w.window.syncOverrun === true);
  // A window that does not parse blocks syncs whatever it says (the reason names it).
  const overrun = overrunSet && denies.every((w) => w.window.kind === 'deny' && windowProblem(w.window) === undefined);
  if (!overrun) return { ...decision, reason: `Sync operation blocked by sync window: ${decision.reason}${overrunSet ? '' : ' (syncOverrun is not set)'}` };
  if (!syncAllowed(activeWindows(project, app, options.startedAt), options).allowed) {
    return { ...decision, reason: `Sync operation blocked by sync window: ${decision.reason} (syncOverrun lets on only a sync the windows allowed when it started)` };
  }
  return { allowed: true, window: decision.window!, reason: `${decision.reason}, but syncOverrun lets the sync started at ${options.startedAt.toISOString()} run on` };
}
