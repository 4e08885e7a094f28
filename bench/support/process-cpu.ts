/**
 * CPU time of a process tree, read from Linux's /proc: a server's main process plus its direct
 * children (PostgreSQL's backends, WAL writer, checkpointer…; stratadb's threads are inside its
 * one process). Benchmarks divide it by operations to compare CPU per operation, which stays
 * meaningful on a shared machine where throughput alone is noisy.
 *
 * - Returns undefined where /proc is missing (not Linux) or the process is gone.
 * - Children that exit between two samples lose their time; servers under a closed-loop benchmark
 *   keep their backends for the whole run.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ on Linux: /proc reports CPU time in ticks of 1/100 s. */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  readonly ppid: number;
  readonly ticks: number;
}

function readStat(pid: number | string): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the parenthesized command name: state ppid … utime(14) stime(15), 1-based.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

/** CPU milliseconds used so far by `rootPid` and its direct children, or undefined. */
export function processTreeCpuMs(rootPid: number): number | undefined {
  const root = readStat(rootPid);
  if (root === undefined) return undefined;
  let ticks = root.ticks;
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) > 57) continue; // not a pid
    const stat = readStat(entry);
    if (stat !== undefined && stat.ppid === rootPid) ticks += stat.ticks;
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** CPU milliseconds used so far by this process (the benchmark driver). */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
