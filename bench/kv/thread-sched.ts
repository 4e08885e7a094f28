/**
 * The main thread's scheduler accounting (Linux /proc/<pid>/task/<pid>/schedstat): nanoseconds on
 * a CPU and nanoseconds runnable but waiting for one (the run queue). Read around a read gap, it
 * tells time the event loop spent working or blocked from time it was starved of a CPU by other
 * threads and processes (the bench machine is shared); the timeslice count moves when the thread
 * left the CPU (preempted, or blocked). Where the file is missing, all read 0.
 */
import { openSync, readSync } from 'node:fs';

let fd: number | undefined;
const buffer = Buffer.alloc(128);

/** [ns on a CPU, ns waiting on the run queue, timeslices run] of the main thread so far. */
export function mainThreadSched(): [number, number, number] {
  try {
    fd ??= openSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'r');
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    const [run, wait, slices] = buffer.toString('latin1', 0, n).split(' ');
    return [Number(run), Number(wait), Number(slices)];
  } catch {
    return [0, 0, 0];
  }
}
