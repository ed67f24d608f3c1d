// What Linux says about a process: resident memory (VmRSS, and its peak VmHWM) from
// /proc/<pid>/status, and CPU time (user + system) from /proc/<pid>/stat.
import { readFileSync } from 'node:fs';

/** VmRSS and VmHWM of a process, in MB (1 MB = 1024 kB, as `ps` and `top` count). */
export function memoryOf(pid: number): { rssMB: number; peakMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kB = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(match[1]) / 1024;
  };
  return { rssMB: kB('VmRSS'), peakMB: kB('VmHWM') };
}

/** The command line of a process (to check a pid names what we think). */
export function commandOf(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command (which may hold spaces) start after the last ')'; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

// USER_HZ is 100 on every Linux architecture Node runs on.
const clockTicks = 100;

/** CPU seconds (user + system) of a process's children that have exited and been waited for (kubectl runs). */
export function childrenCpuSecondsOf(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / clockTicks;
}

/** CPU seconds used by named processes while fn runs (kubectl: the children this process waited for). */
export async function cpuDuring<T>(pids: Record<string, number>, fn: () => Promise<T>): Promise<{ value: T; cpu: Record<string, number> }> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSecondsOf(pid)]));
  const children = childrenCpuSecondsOf('self');
  const value = await fn();
  const cpu: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) cpu[name] = cpuSecondsOf(pid) - before[name]!;
  cpu.kubectl = childrenCpuSecondsOf('self') - children;
  return { value, cpu };
}

/** "agent 4.1 s, kube-apiserver 2.0 s, …" (only what used any). */
export function describeCpu(cpu: Record<string, number>): string {
  return Object.entries(cpu).filter(([, s]) => s > 0).map(([name, s]) => `${name} ${s.toFixed(1)} s`).join(', ');
}
