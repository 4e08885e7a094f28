/**
 * What the benchmark process wrote and what a directory holds, for write and space amplification
 * measured from outside the engines (Linux /proc; the same numbers for stratadb and LevelDB).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes this process has passed to write() so far (`wchar` of /proc/self/io), 0 where unavailable. */
export function wcharBytes(): number {
  let text: string;
  try {
    text = readFileSync('/proc/self/io', 'utf8');
  } catch {
    return 0;
  }
  const match = /wchar:\s*(\d+)/.exec(text);
  return match === null ? 0 : Number(match[1]);
}

/** Total size of the files in `dir`. */
export function diskBytes(dir: string): number {
  let total = 0;
  // A file being deleted (`.trash`, unlinked off the event loop) may vanish between the two calls.
  for (const name of readdirSync(dir)) total += statSync(join(dir, name), { throwIfNoEntry: false })?.size ?? 0;
  return total;
}
