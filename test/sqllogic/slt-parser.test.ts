/** Parser of the SQLLogicTest format: records, conditions, results, and malformed scripts. */
import { describe, expect, it } from 'vitest';
import { parseScript, SltParseError } from './slt-parser.js';

const SCRIPT = [
  'hash-threshold 8',
  '',
  'statement ok',
  'CREATE TABLE t1(a INTEGER, b INTEGER)',
  '',
  '# a comment before a record',
  'statement error',
  'INSERT INTO nowhere VALUES(1)',
  '',
  'query II rowsort label-1',
  'SELECT a,',
  '  b FROM t1',
  '----',
  '1',
  '2',
  '',
  'skipif postgresql # not compatible',
  'query I nosort',
  'SELECT 1',
  '----',
  '1',
  '',
  'onlyif mysql # DIV for integer division: ',
  'query I',
  'SELECT 1 DIV 1',
  '----',
  '1',
  '',
  'onlyif postgresql',
  'query R valuesort',
  'SELECT a FROM t1',
  '----',
  '30 values hashing to 0123456789abcdef0123456789abcdef',
  '',
].join('\n');

describe('parseScript', () => {
  const records = parseScript(SCRIPT, 'postgresql');

  it('reads every kind of record with its line number', () => {
    expect(records.map((r) => [r.kind, r.line])).toEqual([
      ['hash-threshold', 1],
      ['statement', 3],
      ['statement', 7],
      ['query', 10],
      ['query', 18],
      ['query', 24],
      ['query', 30],
    ]);
    expect(records[0]).toMatchObject({ threshold: 8 });
    expect(records[1]).toMatchObject({ expectError: false, sql: 'CREATE TABLE t1(a INTEGER, b INTEGER)', skip: false });
    expect(records[2]).toMatchObject({ expectError: true, skip: false });
  });

  it('keeps multi-line SQL, types, sort mode, label and expected values', () => {
    expect(records[3]).toMatchObject({
      types: 'II',
      sort: 'rowsort',
      label: 'label-1',
      sql: 'SELECT a,\n  b FROM t1',
      expected: { kind: 'values', values: ['1', '2'] },
    });
  });

  it('evaluates skipif/onlyif for the engine, comments after the engine name included', () => {
    expect(records[4]).toMatchObject({ skip: true, sort: 'nosort' });
    expect(records[5]).toMatchObject({ skip: true, sort: 'nosort', label: undefined });
    expect(records[6]).toMatchObject({ skip: false, sort: 'valuesort' });
    expect(parseScript(SCRIPT, 'mysql').filter((r) => r.kind === 'query').map((r) => r.skip)).toEqual([false, false, false, true]);
  });

  it('reads "N values hashing to" results', () => {
    expect(records[6]).toMatchObject({ expected: { kind: 'hash', count: 30, hash: '0123456789abcdef0123456789abcdef' } });
  });

  it('accepts CRLF line endings', () => {
    const crlf = parseScript('statement ok\r\nSELECT 1\r\n\r\nquery T nosort\r\nSELECT \'x\'\r\n----\r\nx\r\n', 'postgresql');
    expect(crlf).toEqual([
      { kind: 'statement', line: 1, expectError: false, sql: 'SELECT 1', skip: false },
      { kind: 'query', line: 4, types: 'T', sort: 'nosort', label: undefined, sql: "SELECT 'x'", expected: { kind: 'values', values: ['x'] }, skip: false },
    ]);
  });

  it('keeps halt unless a condition skips it, and a query without results expects none', () => {
    const script = 'onlyif mssql\nhalt\n\nquery I nosort\nSELECT 1 WHERE false\n\nhalt\n';
    expect(parseScript(script, 'postgresql').map((r) => r.kind)).toEqual(['query', 'halt']);
    expect(parseScript(script, 'postgresql')[0]).toMatchObject({ expected: { kind: 'values', values: [] } });
  });

  it('rejects malformed records with the line number', () => {
    expect(() => parseScript('statement maybe\nSELECT 1\n', 'postgresql')).toThrow(SltParseError);
    expect(() => parseScript('\n\nquery X\nSELECT 1\n', 'postgresql')).toThrow(/line 3: bad query types/);
    expect(() => parseScript('query I\n----\n1\n', 'postgresql')).toThrow(/query without SQL/);
    expect(() => parseScript('frobnicate\n', 'postgresql')).toThrow(/unknown record/);
    expect(() => parseScript('hash-threshold -1\n', 'postgresql')).toThrow(/bad hash-threshold/);
  });
});
