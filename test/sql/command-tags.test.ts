/**
 * countedTag: PostgreSQL's command tags with a row count, cached or built, read the same.
 */
import { describe, expect, it } from 'vitest';
import { COUNTED_TAGS_MAX, countedTag } from '../../src/sql/session/command-tags.js';

describe('countedTag', () => {
  it('prints every command with its count, on both sides of the cache', () => {
    for (const count of [0, 1, COUNTED_TAGS_MAX - 1, COUNTED_TAGS_MAX, 123456]) {
      expect(countedTag('SELECT', count)).toBe(`SELECT ${count}`);
      expect(countedTag('INSERT', count)).toBe(`INSERT 0 ${count}`);
      expect(countedTag('UPDATE', count)).toBe(`UPDATE ${count}`);
      expect(countedTag('DELETE', count)).toBe(`DELETE ${count}`);
    }
  });
});
