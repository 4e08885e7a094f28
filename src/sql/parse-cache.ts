/**
 * ParseCache: parsed statements by SQL text, so a hot statement is parsed once. ASTs are never
 * mutated after parsing, so entries are shared between sessions.
 *
 * - Bounded to entriesMax texts; texts longer than TEXT_CHARS_MAX are parsed every time rather
 *   than kept.
 * - Eviction is least-recently-used, approximately: a hit moves its entry to the recent end of
 *   the Map only when it was last moved more than entriesMax / 2 parses ago (so a hot text —
 *   BEGIN, COMMIT of every read-modify-write — costs no Map delete and insert per hit). Since
 *   then at most entriesMax / 2 texts were inserted after it, so a text parsed at least once
 *   every entriesMax / 2 parses is never evicted.
 * - A text that fails to parse is not cached (the error is raised again on each attempt).
 */
import { parseSql, type ParsedStatement } from './parse.js';

export const TEXT_CHARS_MAX = 4096;

interface Entry {
  readonly parsed: ParsedStatement[];
  /** The value of `parses` when the entry was last (re)inserted. */
  insertedAt: number;
}

export class ParseCache {
  private readonly entries = new Map<string, Entry>();
  /** parse() calls so far. */
  private parses = 0;

  constructor(readonly entriesMax: number) {}

  parse(sql: string): ParsedStatement[] {
    const now = this.parses++;
    const hit = this.entries.get(sql);
    if (hit !== undefined) {
      if (now - hit.insertedAt > this.entriesMax >> 1) {
        this.entries.delete(sql);
        this.entries.set(sql, hit);
        hit.insertedAt = now;
      }
      return hit.parsed;
    }
    const parsed = parseSql(sql);
    if (this.entriesMax > 0 && sql.length <= TEXT_CHARS_MAX) {
      this.entries.set(sql, { parsed, insertedAt: now });
      if (this.entries.size > this.entriesMax) this.entries.delete(this.entries.keys().next().value as string);
    }
    return parsed;
  }

  /** Whether `sql` is cached (for tests of the eviction order). */
  has(sql: string): boolean {
    return this.entries.has(sql);
  }
}
