/**
 * MeteredDatabase reports exactly one StatementEvent per statement: on completion (after the last
 * suspended Execute), on failure (including prepare and bind failures), or on close while
 * suspended; and it passes every call through to the wrapped database.
 */
import { PreparedRegistry } from '../../src/sql/session/prepared-registry.js';
import { describe, expect, it } from 'vitest';
import type { ExecuteResult, Portal, PreparedStatement, SqlDatabase, SqlSession } from '../../src/sql/session-api.js';
import { MeteredDatabase, type StatementEvent } from '../../src/wire/metered-database.js';
import { SqlError } from '../../src/util/index.js';

const STATEMENT: PreparedStatement = { paramTypeOids: [], fields: undefined, isEmpty: false };

function fakePortal(results: ExecuteResult[]): Portal {
  return {
    fields: undefined,
    execute: async () => {
      const next = results.shift();
      if (next === undefined) throw new SqlError('57014', 'canceling statement due to user request');
      return next;
    },
    close: () => undefined,
  };
}

function fakeDatabase(portals: Portal[]): SqlDatabase {
  const session = {
    txStatus: () => 'I',
    prepareBatch: (sql: string) => {
      if (sql === 'bad') throw new SqlError('42601', 'syntax error');
      return [{ ...STATEMENT }];
    },
    prepare: () => ({ ...STATEMENT }),
    bind: () => {
      const portal = portals.shift();
      if (portal === undefined) throw new SqlError('42P01', 'relation "x" does not exist');
      return portal;
    },
    noteError: () => undefined,
    takeNotices: () => [],
    takeParameterChanges: () => [],
    cancel: () => undefined,
    close: async () => undefined,
    statements: new PreparedRegistry(),
  } satisfies SqlSession;
  return {
    role: () => undefined,
    hasDatabase: (name) => name === 'postgres',
    startupParameters: () => [['server_version', '15']],
    openSession: () => session,
  };
}

const OPTIONS = { user: 'u', database: 'postgres', applicationName: '', backendPid: 1, settings: new Map<string, string>() };

describe('MeteredDatabase', () => {
  it('reports each statement once, with its tag or SQLSTATE and the SQL text', async () => {
    const rows = (suspended: boolean, tag: string): ExecuteResult => ({ kind: 'rows', rows: [], suspended, tag });
    const events: StatementEvent[] = [];
    const db = new MeteredDatabase(
      fakeDatabase([fakePortal([rows(true, ''), rows(false, 'SELECT 2')]), fakePortal([rows(true, '')]), fakePortal([])]),
      (e) => events.push(e),
    );
    expect(db.hasDatabase('postgres')).toBe(true);
    expect(db.startupParameters(OPTIONS)).toEqual([['server_version', '15']]);
    const session = db.openSession(OPTIONS);
    const [statement] = session.prepareBatch('SELECT 1; SELECT 2');
    const p1 = session.bind(statement as PreparedStatement, [], [], []);
    await p1.execute(1);
    expect(events).toEqual([]);
    await p1.execute(1);
    p1.close();
    const p2 = session.bind(session.prepare('SELECT x', []), [], [], []);
    await p2.execute(1);
    p2.close();
    const p3 = session.bind(STATEMENT, [], [], []);
    await expect(p3.execute(0)).rejects.toThrow(/canceling/);
    expect(() => session.bind(STATEMENT, [], [], [])).toThrow(/does not exist/);
    expect(() => session.prepareBatch('bad')).toThrow(/syntax/);
    expect(events.map((e) => [e.sql, e.tag, e.sqlstate])).toEqual([
      ['SELECT 1; SELECT 2', 'SELECT 2', undefined],
      ['SELECT x', 'SELECT', undefined],
      ['', undefined, '57014'],
      ['', undefined, '42P01'],
      ['bad', undefined, '42601'],
    ]);
    for (const e of events) expect(e.durationUs).toBeGreaterThanOrEqual(0);
  });
});
