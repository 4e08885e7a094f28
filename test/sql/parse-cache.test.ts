/**
 * ParseCache: hits return the same parse; eviction is (approximately) least-recently-used — a
 * text parsed at least once every entriesMax / 2 parses stays, a text not parsed again goes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ParseCache } from '../../src/sql/parse-cache.js';
import { loadParser } from '../../src/sql/parse.js';

beforeAll(async () => {
  await loadParser();
});

describe('ParseCache', () => {
  it('returns the cached parse of a text and keeps at most entriesMax texts', () => {
    const cache = new ParseCache(4);
    const first = cache.parse('SELECT 1');
    expect(cache.parse('SELECT 1')).toBe(first);
    for (let i = 2; i <= 6; i++) cache.parse(`SELECT ${i}`);
    expect(cache.has('SELECT 1')).toBe(false); // least recently used
    expect(['SELECT 3', 'SELECT 4', 'SELECT 5', 'SELECT 6'].every((sql) => cache.has(sql))).toBe(true);
    expect(cache.parse('SELECT 1')).not.toBe(first); // parsed again
  });

  it('never evicts a text parsed at least once every entriesMax / 2 parses', () => {
    const cache = new ParseCache(8);
    const hot = cache.parse('BEGIN');
    for (let i = 0; i < 200; i++) {
      cache.parse(`SELECT ${i}`);
      if (i % 4 === 3) expect(cache.parse('BEGIN')).toBe(hot);
    }
    expect(cache.has('BEGIN')).toBe(true);
  });

  it('does not cache texts longer than TEXT_CHARS_MAX, nor anything with entriesMax 0', () => {
    const long = `SELECT ${'1 + '.repeat(2000)}1`;
    const cache = new ParseCache(4);
    cache.parse(long);
    expect(cache.has(long)).toBe(false);
    const none = new ParseCache(0);
    none.parse('SELECT 1');
    expect(none.has('SELECT 1')).toBe(false);
  });
});
