/** Result formatting and hashing, as the reference runner's SQLite engine prints values. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatReal3, formatResult, formatValue, hashValues, printable } from './slt-format.js';

const TEXT_OID = 25;
const BOOL_OID = 16;
const NUMERIC_OID = 1700;

describe('formatValue', () => {
  it('prints NULL and the empty string the reference way', () => {
    expect(formatValue(null, 'I', 23)).toBe('NULL');
    expect(formatValue(null, 'T', TEXT_OID)).toBe('NULL');
    expect(formatValue('', 'T', TEXT_OID)).toBe('(empty)');
  });

  it('formats I as a 64-bit integer: truncation toward zero, booleans as 1/0, text by its prefix', () => {
    expect(formatValue('42', 'I', 23)).toBe('42');
    expect(formatValue('-9223372036854775808', 'I', 20)).toBe('-9223372036854775808');
    expect(formatValue('12.7500000000000000', 'I', NUMERIC_OID)).toBe('12');
    expect(formatValue('-12.75', 'I', NUMERIC_OID)).toBe('-12');
    expect(formatValue('-0.5', 'I', NUMERIC_OID)).toBe('0');
    expect(formatValue('1e+20', 'I', 701)).toBe('100000000000000000000');
    expect(formatValue('t', 'I', BOOL_OID)).toBe('1');
    expect(formatValue('f', 'I', BOOL_OID)).toBe('0');
    expect(formatValue('17abc', 'I', TEXT_OID)).toBe('17');
    expect(formatValue('abc', 'I', TEXT_OID)).toBe('0');
  });

  it('formats R with %.3f', () => {
    expect(formatValue('1', 'R', 23)).toBe('1.000');
    expect(formatValue('-2.5', 'R', NUMERIC_OID)).toBe('-2.500');
    expect(formatValue('33.3333333333333333', 'R', NUMERIC_OID)).toBe('33.333');
    expect(formatValue('x', 'R', TEXT_OID)).toBe('0.000');
  });

  it('keeps T as text and replaces bytes outside printable ASCII by @', () => {
    expect(formatValue('hello world', 'T', TEXT_OID)).toBe('hello world');
    expect(formatValue('a\tb', 'T', TEXT_OID)).toBe('a@b');
    expect(printable('é')).toBe('@@');
    expect(printable('~\u007f')).toBe('~@');
  });
});

describe('formatReal3', () => {
  it('rounds exact ties to even like glibc printf, other values to nearest', () => {
    expect(formatReal3(0.0625)).toBe('0.062');
    expect(formatReal3(0.1875)).toBe('0.188');
    expect(formatReal3(-0.0625)).toBe('-0.062');
    expect(formatReal3(2.0005)).toBe('2.001'); // 2.0005 is slightly above the tie in binary
    expect(formatReal3(1 / 3)).toBe('0.333');
    expect(formatReal3(Infinity)).toBe('inf');
  });
});

describe('formatResult', () => {
  const rows = [
    ['10', 'b'],
    ['9', 'a'],
    ['10', 'a'],
  ];

  it('keeps the order for nosort', () => {
    expect(formatResult(rows, 'IT', [23, TEXT_OID], 'nosort')).toEqual(['10', 'b', '9', 'a', '10', 'a']);
  });

  it('sorts rows by their formatted strings for rowsort', () => {
    expect(formatResult(rows, 'IT', [23, TEXT_OID], 'rowsort')).toEqual(['10', 'a', '10', 'b', '9', 'a']);
  });

  it('sorts all values for valuesort', () => {
    expect(formatResult(rows, 'IT', [23, TEXT_OID], 'valuesort')).toEqual(['10', '10', '9', 'a', 'a', 'b']);
  });
});

describe('hashValues', () => {
  it('is the MD5 of every value followed by a newline', () => {
    const expected = createHash('md5').update('1\nNULL\n(empty)\n').digest('hex');
    expect(hashValues(['1', 'NULL', '(empty)'])).toBe(expected);
    expect(hashValues([])).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });
});
