/**
 * LIKE / ILIKE and POSIX regular expressions (~, ~*, !~, !~*) through JS RegExp.
 * - LIKE: % any string, _ any character, escape character (default backslash) quotes the next
 *   one; a pattern ending in the escape character is 22025 "LIKE pattern must not end with
 *   escape character". Matching is over the whole string, with '.' matching newlines.
 * - Regex: PostgreSQL's ARE syntax mostly equals JS; translated here: [[:class:]] bracket
 *   classes, \m \M word starts/ends, \y boundaries, embedded (?i) options, '.' matching newline.
 *   Invalid patterns raise 2201B.
 * - Compiled patterns are cached (bounded) because the same pattern usually repeats per row.
 */
import { SqlError } from '../../util/index.js';

/** Compiled patterns kept per process. */
export const PATTERN_CACHE_ENTRIES_MAX = 1000;

const cache = new Map<string, RegExp>();

function cached(key: string, build: () => RegExp): RegExp {
  let re = cache.get(key);
  if (re === undefined) {
    if (cache.size >= PATTERN_CACHE_ENTRIES_MAX) cache.clear();
    re = build();
    cache.set(key, re);
  }
  return re;
}

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/;

export function likeToRegExp(pattern: string, caseInsensitive: boolean, escape = '\\'): RegExp {
  return cached(`L${caseInsensitive ? 'i' : ''}${escape}\u0000${pattern}`, () => {
    let src = '^';
    const chars = Array.from(pattern);
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i] as string;
      if (escape !== '' && c === escape) {
        const next = chars[++i];
        if (next === undefined) throw new SqlError('22025', 'LIKE pattern must not end with escape character');
        src += REGEX_SPECIAL.test(next) ? '\\' + next : next;
      } else if (c === '%') src += '[\\s\\S]*';
      else if (c === '_') src += '[\\s\\S]';
      else src += REGEX_SPECIAL.test(c) ? '\\' + c : c;
    }
    return new RegExp(src + '$', caseInsensitive ? 'isu' : 'su');
  });
}

export function like(text: string, pattern: string, caseInsensitive = false, escape = '\\'): boolean {
  return likeToRegExp(pattern, caseInsensitive, escape).test(text);
}

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: '\\s',
  punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f', word: '\\w', blank: ' \\t', cntrl: '\\x00-\\x1f\\x7f', print: '\\x20-\\x7e', graph: '\\x21-\\x7e',
};

function translateRegex(pattern: string): { source: string; flags: string } {
  let flags = 's';
  let p = pattern;
  const options = /^\(\?([bceimnpqstwx]+)\)/.exec(p);
  if (options !== null) {
    if ((options[1] as string).includes('i')) flags += 'i';
    p = p.slice(options[0].length);
  }
  p = p.replace(/\[:([a-z]+):\]/g, (m, name: string) => CLASSES[name] ?? m);
  p = p.replace(/\\m/g, '\\b(?=\\w)').replace(/\\M/g, '\\b(?<=\\w)').replace(/\\y/g, '\\b').replace(/\\Y/g, '\\B');
  return { source: p, flags };
}

export function regexToRegExp(pattern: string, caseInsensitive: boolean, extraFlags = ''): RegExp {
  return cached(`R${caseInsensitive ? 'i' : ''}${extraFlags}\u0000${pattern}`, () => {
    const { source, flags } = translateRegex(pattern);
    try {
      return new RegExp(source, flags + (caseInsensitive && !flags.includes('i') ? 'i' : '') + extraFlags);
    } catch (e) {
      throw new SqlError('2201B', `invalid regular expression: ${(e as Error).message}`);
    }
  });
}

export function regexMatch(text: string, pattern: string, caseInsensitive = false): boolean {
  return regexToRegExp(pattern, caseInsensitive).test(text);
}
