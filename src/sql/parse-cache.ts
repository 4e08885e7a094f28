/**
 * ParseCache: parsed statements by SQL text, so a hot statement is parsed once. ASTs are never
 * mutated after parsing, so entries are shared between sessions.
 *
 * - Bounded to entriesMax texts (least recently used evicted); texts longer than TEXT_CHARS_MAX
 *   are parsed every time rather than kept.
 * - A text that fails to parse is not cached (the error is raised again on each attempt).
 */
import { parseSql, type ParsedStatement } from './parse.js';

export const TEXT_CHARS_MAX = 4096;

export class ParseCache {
  private readonly entries = new Map<string, ParsedStatement[]>();

  constructor(readonly entriesMax: number) {}

  parse(sql: string): ParsedStatement[] {
    const hit = this.entries.get(sql);
    if (hit !== undefined) {
      this.entries.delete(sql);
      this.entries.set(sql, hit);
      return hit;
    }
    const parsed = parseSql(sql);
    if (this.entriesMax > 0 && sql.length <= TEXT_CHARS_MAX) {
      this.entries.set(sql, parsed);
      if (this.entries.size > this.entriesMax) this.entries.delete(this.entries.keys().next().value as string);
    }
    return parsed;
  }
}
