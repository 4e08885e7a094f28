/**
 * SessionActivity and SessionRegistry without a server: the states a session goes through, what
 * a statement adds to its database's counters, and the registry's signals by pid.
 */
import { describe, expect, it } from 'vitest';
import { DatabaseCounters, SessionActivity, tagRowCount } from '../../src/wire/session-activity.js';
import { SessionRegistry } from '../../src/wire/session-registry.js';

describe('tagRowCount', () => {
  it('reads the row count at the end of a command tag', () => {
    expect(['INSERT 0 5', 'UPDATE 12', 'DELETE 0', 'SELECT 1000', 'COMMIT', 'SELECT', '', 'COPY 7'].map(tagRowCount)).toEqual([5, 12, 0, 1000, 0, 0, 0, 7]);
  });
});

describe('SessionActivity', () => {
  it('moves through active, idle in transaction, aborted and idle, counting transactions', () => {
    const counters = new DatabaseCounters();
    const a = new SessionActivity(7, 'postgres', 'alice', 'app', counters);
    expect(a.view(undefined)).toMatchObject({ pid: 7, state: 'idle', query: '', xactStartMs: undefined, queryStartMs: undefined });
    const t0 = performance.now();
    a.begin('BEGIN', t0);
    expect(a.view(undefined)).toMatchObject({ state: 'active', query: 'BEGIN' });
    a.end('T', 'BEGIN', undefined, t0 + 1);
    const inBlock = a.view({ address: '127.0.0.1', port: 5555 });
    expect(inBlock).toMatchObject({ state: 'idle in transaction', clientAddr: '127.0.0.1', clientPort: 5555 });
    expect(inBlock.xactStartMs).toBeCloseTo(performance.timeOrigin + t0, 3);
    a.begin('INSERT INTO t VALUES (1), (2)', t0 + 2);
    a.end('T', 'INSERT 0 2', undefined, t0 + 3);
    a.begin('SELECT 1/0', t0 + 4);
    a.end('E', undefined, '22012', t0 + 5);
    expect(a.view(undefined).state).toBe('idle in transaction (aborted)');
    a.begin('ROLLBACK', t0 + 6);
    a.end('I', 'ROLLBACK', undefined, t0 + 7);
    expect(a.view(undefined)).toMatchObject({ state: 'idle', xactStartMs: undefined, query: 'ROLLBACK' });
    a.begin('UPDATE t SET v = 1', t0 + 8);
    a.end('I', 'UPDATE 2', undefined, t0 + 9);
    a.begin('UPDATE t SET v = 2', t0 + 10);
    a.end('I', undefined, '40001', t0 + 11);
    expect(counters).toMatchObject({ xactCommit: 1, xactRollback: 2, tupInserted: 2, tupUpdated: 2, conflicts: 1, sessions: 1 });
    expect(counters.activeMs).toBeCloseTo(6, 3);
    expect(counters.idleInTransactionMs).toBeCloseTo(3, 3);
  });
});

describe('SessionRegistry', () => {
  it('lists open sessions and signals backends through the wire server', () => {
    const registry = new SessionRegistry();
    const signalled: string[] = [];
    const options = { user: 'alice', database: 'db1', applicationName: 'a', backendPid: 11, settings: new Map([['application_name', 'from-startup']]) };
    const activity = registry.open(options);
    const second = registry.open({ ...options, backendPid: 12, settings: new Map() });
    expect(registry.backends().map((b) => [b.pid, b.applicationName])).toEqual([[11, 'from-startup'], [12, 'a']]);
    expect(registry.cancelBackend(11)).toBe(false); // no wire server attached yet
    registry.attach({
      peer: () => ({ address: '10.0.0.1', port: 4000 }),
      cancelBackend: (pid) => (signalled.push(`cancel ${pid}`), pid === 11),
      terminateBackend: (pid) => (signalled.push(`terminate ${pid}`), pid === 11),
    });
    expect(registry.backends()[0]).toMatchObject({ clientAddr: '10.0.0.1', clientPort: 4000 });
    expect([registry.cancelBackend(11), registry.terminateBackend(11), registry.terminateBackend(99)]).toEqual([true, true, false]);
    expect(signalled).toEqual(['cancel 11', 'terminate 11', 'terminate 99']);
    registry.sessionEnding(11, 'fatal'); // killed wins: pg_terminate_backend ended it
    registry.close(activity);
    expect(registry.backends().map((b) => b.pid)).toEqual([12]);
    registry.sessionEnding(12, 'fatal');
    registry.close(second);
    const third = registry.open({ ...options, backendPid: 13, settings: new Map() });
    registry.sessionEnding(13, 'abandoned');
    registry.close(third);
    const fourth = registry.open({ ...options, backendPid: 14, settings: new Map() });
    registry.sessionEnding(14, 'normal');
    registry.close(fourth);
    expect(registry.databaseActivity().get('db1')).toMatchObject({ sessions: 4, sessionsKilled: 1, sessionsFatal: 1, sessionsAbandoned: 1 });
  });
});
