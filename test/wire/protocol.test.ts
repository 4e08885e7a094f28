/**
 * Protocol-level tests over real sockets: extended query, COPY, startup negotiation, limits and
 * failure handling, with pg-protocol as the client-side codec.
 */
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WireConfigError, WireServer } from '../../src/wire/index.js';
import { FakeDatabase } from './fake-database.js';
import { startServer, type Running } from './harness.js';
import { names, RawClient } from './raw-client.js';

let running: Running;

beforeAll(async () => {
  running = await startServer({ rowsPerChunkMax: 100 });
});
afterAll(async () => {
  await running.stop();
});

function startupPacket(code: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(code, 4);
  return Buffer.concat([head, body]);
}

describe('extended query', () => {
  it('describes, binds and executes with row limits and PortalSuspended', async () => {
    const client = await RawClient.ready(running.port);
    client.send(Buffer.concat([
      serialize.parse({ name: 'series', text: 'SELECT generate_series(1, 250)', types: [] }),
      serialize.describe({ type: 'S', name: 'series' }),
      serialize.bind({ portal: 'p', statement: 'series' }),
      serialize.describe({ type: 'P', name: 'p' }),
      serialize.execute({ portal: 'p', rows: 120 }),
      serialize.execute({ portal: 'p', rows: 120 }),
      serialize.execute({ portal: 'p', rows: 0 }),
      serialize.close({ type: 'P', name: 'p' }),
      serialize.close({ type: 'S', name: 'series' }),
      serialize.sync(),
    ]));
    const messages = await client.until('readyForQuery');
    const summary = names(messages).filter((n, i, all) => n !== 'dataRow' || all[i - 1] !== 'dataRow');
    expect(summary).toEqual([
      'parseComplete', 'parameterDescription', 'rowDescription', 'bindComplete', 'rowDescription',
      'dataRow', 'portalSuspended', 'dataRow', 'portalSuspended', 'dataRow', 'commandComplete',
      'closeComplete', 'closeComplete', 'readyForQuery',
    ]);
    const rows = messages.filter((m) => m.name === 'dataRow').map((m) => Number((m.fields as string[])[0]));
    expect(rows).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    // As PostgreSQL: the tag counts the rows of the last Execute only.
    expect(messages.find((m) => m.name === 'commandComplete')?.text).toBe('SELECT 10');
    client.end();
  });

  it('skips to Sync after an error and reports statement and portal errors', async () => {
    const client = await RawClient.ready(running.port);
    client.send(Buffer.concat([
      serialize.parse({ text: 'SELEKT', types: [] }),
      serialize.bind({}),
      serialize.execute({}),
      serialize.sync(),
    ]));
    let messages = await client.until('readyForQuery');
    expect(names(messages)).toEqual(['error', 'readyForQuery']);
    expect(messages[0]).toMatchObject({ code: '42601' });
    client.send(Buffer.concat([serialize.bind({ statement: 'missing' }), serialize.sync()]));
    messages = await client.until('readyForQuery');
    expect(messages[0]).toMatchObject({ name: 'error', code: '26000', message: 'prepared statement "missing" does not exist' });
    client.send(Buffer.concat([serialize.execute({ portal: 'nope' }), serialize.sync()]));
    expect((await client.until('readyForQuery'))[0]).toMatchObject({ code: '34000', message: 'portal "nope" does not exist' });
    client.send(Buffer.concat([
      serialize.parse({ name: 'a', text: 'SELECT 1', types: [] }),
      serialize.parse({ name: 'a', text: 'SELECT 1', types: [] }),
      serialize.sync(),
    ]));
    messages = await client.until('readyForQuery');
    expect(messages[1]).toMatchObject({ name: 'error', code: '42P05', message: 'prepared statement "a" already exists' });
    client.send(Buffer.concat([serialize.parse({ name: 'b', text: 'SELECT $1::int', types: [] }), serialize.bind({ statement: 'b' }), serialize.sync()]));
    messages = await client.until('readyForQuery');
    expect(messages[1]).toMatchObject({ code: '08P01', message: 'bind message supplies 0 parameters, but prepared statement "b" requires 1' });
    const ok = await client.query('SELECT 1');
    expect(names(ok)).toEqual(['rowDescription', 'dataRow', 'commandComplete', 'readyForQuery']);
    client.end();
  });

  it('sends results on Flush without a Sync', async () => {
    const client = await RawClient.ready(running.port);
    client.send(Buffer.concat([serialize.parse({ text: 'SELECT 1', types: [] }), serialize.bind({}), serialize.execute({}), serialize.flush()]));
    expect(names(await client.until('commandComplete'))).toEqual(['parseComplete', 'bindComplete', 'dataRow', 'commandComplete']);
    client.send(serialize.sync());
    expect((await client.until('readyForQuery'))[0]?.status).toBe('I');
    client.end();
  });

  it('answers NoData, EmptyQueryResponse and inferred parameter types', async () => {
    const client = await RawClient.ready(running.port);
    client.send(Buffer.concat([
      serialize.parse({ text: 'BEGIN', types: [] }),
      serialize.describe({ type: 'S', name: '' }),
      serialize.bind({}),
      serialize.execute({}),
      serialize.parse({ name: 'e', text: '', types: [] }),
      serialize.bind({ statement: 'e' }),
      serialize.execute({}),
      serialize.parse({ name: 'q', text: 'SELECT $1::int, $2', types: [0, 25] }),
      serialize.describe({ type: 'S', name: 'q' }),
      serialize.sync(),
    ]));
    const messages = await client.until('readyForQuery');
    expect(names(messages)).toEqual([
      'parseComplete', 'parameterDescription', 'noData', 'bindComplete', 'commandComplete',
      'parseComplete', 'bindComplete', 'emptyQuery', 'parseComplete', 'parameterDescription', 'rowDescription', 'readyForQuery',
    ]);
    expect(messages[9]?.dataTypeIDs).toEqual([23, 25]);
    expect(messages[11]?.status).toBe('T');
    client.end();
  });
});

describe('simple query', () => {
  it('aborts the rest of a batch after an error and reports I/T/E', async () => {
    const client = await RawClient.ready(running.port);
    const batch = await client.query('BEGIN; SELECT 1; SELECT 1/0; SELECT 2');
    expect(names(batch)).toEqual(['commandComplete', 'rowDescription', 'dataRow', 'commandComplete', 'rowDescription', 'error', 'readyForQuery']);
    expect(batch[6]?.status).toBe('E');
    expect((await client.query('SELECT 1'))[0]).toMatchObject({ name: 'error', code: '25P02' });
    expect((await client.query('ROLLBACK'))[1]?.status).toBe('I');
    expect(names(await client.query(';'))).toEqual(['emptyQuery', 'readyForQuery']);
    expect(names(await client.query(' \n\t'))).toEqual(['emptyQuery', 'readyForQuery']);
    const set = await client.query("SET DateStyle = 'German'");
    expect(set[0]).toMatchObject({ name: 'commandComplete' });
    expect(set[1]).toMatchObject({ name: 'parameterStatus', parameterName: 'DateStyle', parameterValue: 'German' });
    client.end();
  });

  it('rejects the function call protocol with an error, not a disconnect', async () => {
    const client = await RawClient.ready(running.port);
    client.send(Buffer.from([0x46, 0, 0, 0, 4]));
    const messages = await client.until('readyForQuery');
    expect(messages[0]).toMatchObject({ name: 'error', code: '0A000' });
    expect(names(await client.query('SELECT 1'))).toContain('dataRow');
    client.end();
  });
});

describe('COPY', () => {
  it('copies in and out, fails on CopyFail and on bad data, ignores stray CopyData', async () => {
    const client = await RawClient.ready(running.port);
    await client.query('CREATE TABLE items (line text)');
    client.send(serialize.query('COPY items FROM STDIN'));
    expect(names(await client.until('copyInResponse'))).toEqual(['copyInResponse']);
    client.send(Buffer.concat([serialize.copyData(Buffer.from('one\ntw')), serialize.copyData(Buffer.from('o\n')), serialize.flush(), serialize.copyDone()]));
    let messages = await client.until('readyForQuery');
    expect(messages[0]).toMatchObject({ name: 'commandComplete', text: 'COPY 2' });

    client.send(serialize.query('COPY items FROM STDIN'));
    await client.until('copyInResponse');
    client.send(Buffer.concat([serialize.copyData(Buffer.from('three\n')), serialize.copyFail('user gave up')]));
    messages = await client.until('readyForQuery');
    expect(messages[0]).toMatchObject({ name: 'error', code: '57014', message: 'COPY from stdin failed: user gave up' });

    client.send(serialize.query('COPY items FROM STDIN'));
    await client.until('copyInResponse');
    client.send(Buffer.concat([serialize.copyData(Buffer.from('bad\n')), serialize.copyDone(), serialize.copyData(Buffer.from('late\n')), serialize.copyDone()]));
    messages = await client.until('readyForQuery');
    expect(messages[0]).toMatchObject({ name: 'error', code: '22P02' });

    messages = await client.query('COPY items TO STDOUT');
    expect(names(messages)).toEqual(['copyOutResponse', 'copyData', 'copyDone', 'commandComplete', 'readyForQuery']);
    expect((messages[1]?.chunk as Buffer).toString()).toBe('one\ntwo\n');
    expect(messages[3]?.text).toBe('COPY 2');
    client.end();
  });

  it('aborts a COPY and the connection on an unexpected message, as PostgreSQL does', async () => {
    const client = await RawClient.ready(running.port);
    await client.query('CREATE TABLE other (line text)');
    client.send(serialize.query('COPY other FROM STDIN'));
    await client.until('copyInResponse');
    client.send(serialize.query('SELECT 1'));
    const messages = await client.untilClosed();
    expect(messages[0]).toMatchObject({ name: 'error', severity: 'ERROR', code: '08P01', message: 'unexpected message type 0x51 during COPY from stdin' });
    expect(messages[1]).toMatchObject({ name: 'error', severity: 'FATAL', code: '08P01', message: 'terminating connection because protocol synchronization was lost' });
  });
});

describe('startup', () => {
  it('answers SSLRequest and GSSENCRequest with N when TLS is off, then starts up', async () => {
    const client = await RawClient.connect(running.port);
    client.send(startupPacket(80877104));
    expect(String.fromCharCode(await client.rawByte())).toBe('N');
    client.send(serialize.requestSsl());
    expect(String.fromCharCode(await client.rawByte())).toBe('N');
    client.send(serialize.startup({ user: 'postgres', database: 'postgres' }));
    const messages = await client.until('readyForQuery');
    expect(names(messages)).toContain('backendKeyData');
    const params = Object.fromEntries(messages.filter((m) => m.name === 'parameterStatus').map((m) => [m.parameterName, m.parameterValue]));
    expect(params).toMatchObject({ server_version: '15.0 (stratadb fake)', client_encoding: 'UTF8', integer_datetimes: 'on' });
    client.end();
  });

  it('rejects a repeated SSLRequest and an unsupported protocol version', async () => {
    const client = await RawClient.connect(running.port);
    client.send(serialize.requestSsl());
    await client.rawByte();
    client.send(serialize.requestSsl());
    expect((await client.untilClosed())[0]).toMatchObject({ name: 'error', severity: 'FATAL', code: '08P01' });
    const old = await RawClient.connect(running.port);
    old.send(startupPacket(2 << 16, Buffer.from('user\0x\0\0')));
    expect((await old.untilClosed())[0]).toMatchObject({ name: 'error', code: '0A000' });
  });

  it('negotiates a newer minor protocol version down to 3.0', async () => {
    const client = await RawClient.connect(running.port);
    const body = Buffer.from('user\0postgres\0_pq_.extension\0on\0\0');
    client.send(startupPacket((3 << 16) | 2, body));
    const first = await client.rawByte();
    expect(String.fromCharCode(first)).toBe('v');
    client.end();
  });

  it('closes a connection that never finishes startup', async () => {
    const quick = await startServer({ startupTimeoutMs: 100 });
    const client = await RawClient.connect(quick.port);
    client.send(Buffer.from([0, 0, 0]));
    expect(await client.untilClosed()).toEqual([]);
    await quick.stop();
  });

  it('refuses sessions past maxConnections with 53300 but still accepts cancel requests', async () => {
    const db = new FakeDatabase();
    const small = await startServer({ maxConnections: 2 }, db);
    const a = await RawClient.ready(small.port);
    const b = await RawClient.ready(small.port);
    const c = await RawClient.connect(small.port);
    c.send(serialize.startup({ user: 'postgres' }));
    expect((await c.untilClosed())[0]).toMatchObject({ name: 'error', severity: 'FATAL', code: '53300', message: 'sorry, too many clients already' });
    const sleeping = db.whenSleeping();
    b.send(serialize.query('SELECT pg_sleep(60)'));
    await sleeping;
    const wrong = await RawClient.connect(small.port);
    wrong.send(serialize.cancel(b.backendKey!.processID, b.backendKey!.secretKey ^ 1));
    await wrong.untilClosed();
    await a.query('SELECT 1'); // the wrong key cancelled nothing: b is still running
    expect(b.messages.filter((m) => m.name === 'error')).toEqual([]);
    const canceller = await RawClient.connect(small.port);
    canceller.send(serialize.cancel(b.backendKey!.processID, b.backendKey!.secretKey));
    expect(await canceller.untilClosed()).toEqual([]);
    expect((await b.until('readyForQuery')).find((m) => m.name === 'error')).toMatchObject({ code: '57014' });
    a.send(serialize.end());
    await a.untilClosed();
    const d = await RawClient.ready(small.port);
    expect(names(await d.query('SELECT 1'))).toContain('dataRow');
    b.end();
    d.end();
    await small.stop();
  });
});

describe('limits and failures', () => {
  it('closes a connection with FATAL 08P01 on an oversized message and keeps serving', async () => {
    const small = await startServer({ messageBytesMax: 4096 });
    const client = await RawClient.ready(small.port);
    client.send(serialize.query('SELECT ' + "'" + 'x'.repeat(5000) + "'"));
    const messages = await client.untilClosed();
    expect(messages[0]).toMatchObject({ name: 'error', severity: 'FATAL', code: '08P01' });
    const other = await RawClient.ready(small.port);
    expect(names(await other.query('SELECT 1'))).toContain('dataRow');
    other.end();
    await small.stop();
  });

  it('accepts a message larger than the inbound buffer limit (pausing never deadlocks)', async () => {
    const small = await startServer({ inboundBytesMax: 16 * 1024 });
    const client = await RawClient.ready(small.port);
    await client.query('CREATE TABLE blob (line text)');
    client.send(serialize.query('COPY blob FROM STDIN'));
    await client.until('copyInResponse');
    const line = 'y'.repeat(1024 * 1024);
    client.send(Buffer.concat([serialize.copyData(Buffer.from(line + '\n')), serialize.copyData(Buffer.from('z\n')), serialize.copyDone()]));
    expect((await client.until('readyForQuery'))[0]).toMatchObject({ name: 'commandComplete', text: 'COPY 2' });
    expect(small.db.tables.get('blob')?.map((l) => l.length)).toEqual([line.length, 1]);
    client.end();
    await small.stop();
  });

  it('respects socket back-pressure on a large result', async () => {
    const db = new FakeDatabase();
    const server = await startServer({ rowsPerChunkMax: 100 }, db);
    const client = await RawClient.ready(server.port);
    client.socket.pause();
    const total = 100_000; // 100 MB of rows
    client.send(serialize.query(`SELECT wide_series(${total}, 1000)`));
    // Wait for production to stall: no new rows over many event-loop turns.
    let last = -1;
    for (let still = 0; still < 200; ) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (db.rowsProduced === last) still++;
      else [last, still] = [db.rowsProduced, 0];
    }
    expect(db.rowsProduced).toBeGreaterThan(0);
    expect(db.rowsProduced).toBeLessThan(total / 4);
    client.socket.resume();
    const messages = await client.until('readyForQuery');
    expect(messages.filter((m) => m.name === 'dataRow').length).toBe(total);
    client.end();
    await server.stop();
  });

  it('keeps no timer for an idle session (idle connections cost no CPU)', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const idle = await RawClient.ready(running.port);
    expect(timers()).toBe(before);
    expect(names(await idle.query('SELECT 1'))).toContain('dataRow');
    expect(timers()).toBe(before);
    idle.end();
  });

  it('closes the session when the client vanishes in the middle of a large result', async () => {
    const db = new FakeDatabase();
    const server = await startServer({ rowsPerChunkMax: 100 }, db);
    const client = await RawClient.ready(server.port);
    client.send(serialize.query('SELECT wide_series(100000, 1000)'));
    await client.until('dataRow');
    client.end();
    for (let turns = 0; server.server.connectionCount > 0 && turns < 100_000; turns++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(db.sessionsClosed).toBe(1);
    expect(db.rowsProduced).toBeLessThan(100_000);
    expect(server.server.connectionCount).toBe(0);
    await server.stop();
  });

  it('validates options and refuses trust on a non-loopback address', () => {
    const db = new FakeDatabase();
    expect(() => new WireServer(db, { host: '0.0.0.0', port: 0 })).toThrow(WireConfigError);
    expect(() => new WireServer(db, { host: '0.0.0.0', port: 0 })).toThrow(/trust authentication/);
    expect(() => new WireServer(db, { maxConnections: 0 })).toThrow(/maxConnections/);
    expect(() => new WireServer(db, { messageBytesMax: 10 })).toThrow(/messageBytesMax/);
    expect(new WireServer(db, { host: '0.0.0.0', port: 0, auth: { method: 'scram-sha-256' } })).toBeInstanceOf(WireServer);
  });

  it('closes sessions on Terminate and on close(), cancelling running statements', async () => {
    const db = new FakeDatabase();
    const server = await startServer({}, db);
    const quitter = await RawClient.ready(server.port);
    quitter.send(serialize.end());
    await quitter.untilClosed();
    const idle = await RawClient.ready(server.port);
    const busy = await RawClient.ready(server.port);
    const sleeping = db.whenSleeping();
    busy.send(serialize.query('SELECT pg_sleep(60)'));
    await sleeping;
    await server.server.close();
    expect((await idle.untilClosed())[0]).toMatchObject({ severity: 'FATAL', code: '57P01' });
    const busyMessages = await busy.untilClosed();
    // As PostgreSQL (pg_ctl stop -m fast): the running statement's client gets only the FATAL.
    expect(names(busyMessages)).toEqual(['rowDescription', 'error']);
    expect(busyMessages[1]).toMatchObject({ name: 'error', severity: 'FATAL', code: '57P01' });
    expect(db.sessionsClosed).toBe(3);
  });
});
