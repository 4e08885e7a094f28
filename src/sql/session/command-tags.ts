/**
 * Command tags that end in a row count ("SELECT 1", "UPDATE 1", "INSERT 0 1"): the tags of the
 * small counts most statements report are built once and shared (strings are immutable), so a
 * point read or a one-row write makes no tag string.
 * - Counts of COUNTED_TAGS_MAX or more are built each time.
 */

/** Counts below this have their tags cached. */
export const COUNTED_TAGS_MAX = 64;

/** The command words whose tags carry a count (INSERT's with PostgreSQL's leading "0 "). */
export type CountedCommand = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

const PREFIXES: Readonly<Record<CountedCommand, string>> = { SELECT: 'SELECT ', INSERT: 'INSERT 0 ', UPDATE: 'UPDATE ', DELETE: 'DELETE ' };

const CACHED: Readonly<Record<CountedCommand, readonly string[]>> = {
  SELECT: tags('SELECT'),
  INSERT: tags('INSERT'),
  UPDATE: tags('UPDATE'),
  DELETE: tags('DELETE'),
};

function tags(command: CountedCommand): string[] {
  return Array.from({ length: COUNTED_TAGS_MAX }, (_v, count) => `${PREFIXES[command]}${count}`);
}

/** The tag of `command` having affected or returned `count` rows. */
export function countedTag(command: CountedCommand, count: number): string {
  return count < COUNTED_TAGS_MAX ? (CACHED[command][count] as string) : `${PREFIXES[command]}${count}`;
}
