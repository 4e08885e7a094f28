/**
 * Round trips of the codec against pg-protocol: every server message we emit is parsed by
 * pg-protocol's client-side parser, and every client message pg-protocol's serializer produces
 * is framed and decoded by our reader.
 */
import { PassThrough } from 'node:stream';
import { parse, serialize } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import { BackendWriter } from '../../src/wire/backend-writer.js';
import { decodeMessage, decodeStartup, type FrontendMessage } from '../../src/wire/frontend-messages.js';
import { AuthCode, BackendCode } from '../../src/wire/message-codes.js';
import { MessageReader } from '../../src/wire/message-reader.js';
import { ProtocolError } from '../../src/wire/protocol-error.js';
import { errorDiagnostic } from '../../src/wire/error-diagnostic.js';
import { SqlError } from '../../src/util/index.js';

async function parsed(write: (writer: BackendWriter) => void): Promise<Array<Record<string, unknown>>> {
  const writer = new BackendWriter();
  write(writer);
  const bytes = writer.buffer.take() ?? Buffer.alloc(0);
  const stream = new PassThrough();
  const out: Array<Record<string, unknown>> = [];
  const done = parse(stream, (message) => out.push(message as unknown as Record<string, unknown>));
  // Byte at a time: the parser must reassemble our messages from any split.
  for (let i = 0; i < bytes.length; i += 7) stream.write(bytes.subarray(i, i + 7));
  stream.end();
  await done;
  return out;
}

function decodeAll(bytes: Buffer, startup = false): FrontendMessage[] {
  const reader = new MessageReader(1 << 20, 10_000);
  if (!startup) reader.endStartupPhase();
  const out: FrontendMessage[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    reader.push(Buffer.from(bytes.subarray(i, i + 3)));
    for (let m = reader.next(); m !== undefined; m = reader.next()) out.push(decodeMessage(m));
  }
  return out;
}

describe('server messages parsed by pg-protocol', () => {
  it('authentication messages', async () => {
    const messages = await parsed((w) => {
      w.authentication(AuthCode.ok);
      w.authentication(AuthCode.cleartextPassword);
      w.authentication(AuthCode.md5Password, Buffer.from([1, 2, 3, 4]));
      w.authenticationSasl(['SCRAM-SHA-256']);
      w.authentication(AuthCode.saslContinue, Buffer.from('r=abc,s=c2FsdA==,i=4096'));
      w.authentication(AuthCode.saslFinal, Buffer.from('v=xyz'));
    });
    expect(messages.map((m) => m.name)).toEqual([
      'authenticationOk', 'authenticationCleartextPassword', 'authenticationMD5Password',
      'authenticationSASL', 'authenticationSASLContinue', 'authenticationSASLFinal',
    ]);
    // pg-protocol's salt is a view of its own reused buffer: check it from a parse of its own.
    const md5 = await parsed((w) => w.authentication(AuthCode.md5Password, Buffer.from([1, 2, 3, 4])));
    expect([...(md5[0]?.salt as Buffer)]).toEqual([1, 2, 3, 4]);
    expect(messages[3]?.mechanisms).toEqual(['SCRAM-SHA-256']);
    expect(messages[4]?.data).toBe('r=abc,s=c2FsdA==,i=4096');
    expect(messages[5]?.data).toBe('v=xyz');
  });

  it('startup and status messages', async () => {
    const messages = await parsed((w) => {
      w.parameterStatus('server_version', '15.0 (stratadb)');
      w.backendKeyData(1234, -5678);
      w.readyForQuery('I');
      w.readyForQuery('T');
      w.readyForQuery('E');
    });
    expect(messages[0]).toMatchObject({ name: 'parameterStatus', parameterName: 'server_version', parameterValue: '15.0 (stratadb)' });
    expect(messages[1]).toMatchObject({ name: 'backendKeyData', processID: 1234, secretKey: -5678 });
    expect(messages.slice(2).map((m) => m.status)).toEqual(['I', 'T', 'E']);
  });

  it('row description and data rows (text, binary, null, unicode, empty)', async () => {
    const field = { name: 'ünï', tableOid: 16384, columnAttr: 2, typeOid: 23, typeSize: 4, typeModifier: -1 };
    const messages = await parsed((w) => {
      w.rowDescription([field, { ...field, name: 'b', typeOid: 17, typeSize: -1 }], [0, 1]);
      w.dataRow(['héllo', Buffer.from([0, 1, 2]), null, '']);
      w.dataRow([]);
      w.commandComplete('SELECT 2');
    });
    expect(messages[0]).toMatchObject({ name: 'rowDescription', fieldCount: 2 });
    const fields = messages[0]?.fields as Array<Record<string, unknown>>;
    expect(fields[0]).toMatchObject({ name: 'ünï', tableID: 16384, columnID: 2, dataTypeID: 23, dataTypeSize: 4, dataTypeModifier: -1, format: 'text' });
    expect(fields[1]).toMatchObject({ name: 'b', dataTypeID: 17, format: 'binary' });
    expect(messages[1]).toMatchObject({ name: 'dataRow', fields: ['héllo', '\u0000\u0001\u0002', null, ''] });
    expect(messages[2]).toMatchObject({ name: 'dataRow', fields: [] });
    expect(messages[3]).toMatchObject({ name: 'commandComplete', text: 'SELECT 2' });
  });

  it('text values on both sides of the short-ASCII fast path', async () => {
    const values = ['a'.repeat(64), 'b'.repeat(65), 'c'.repeat(63) + 'é', 'é' + 'd'.repeat(70), '日本語', '\u{1F600}'];
    const messages = await parsed((w) => w.dataRow(values));
    expect(messages[0]?.fields).toEqual(values);
  });

  it('errors and notices with every field', async () => {
    const messages = await parsed((w) => {
      w.diagnostic({ severity: 'ERROR', code: '42601', message: 'syntax error at or near "x"', detail: 'd', hint: 'h', position: 7 }, false);
      w.diagnostic({ severity: 'NOTICE', code: '00000', message: 'hi' }, true);
    });
    expect(messages[0]).toMatchObject({ name: 'error', severity: 'ERROR', code: '42601', message: 'syntax error at or near "x"', detail: 'd', hint: 'h', position: '7' });
    expect(messages[1]).toMatchObject({ name: 'notice', severity: 'NOTICE', code: '00000', message: 'hi' });
  });

  it('constraint and context fields of an error carrying them', async () => {
    const error = Object.assign(new SqlError('23505', 'duplicate key value violates unique constraint "t_pkey"', { detail: 'Key (id)=(1) already exists.' }), {
      schema: 'public',
      table: 't',
      constraint: 't_pkey',
      where: 'SQL statement',
    });
    const { diagnostic } = errorDiagnostic(error);
    const messages = await parsed((w) => w.diagnostic(diagnostic, false));
    expect(messages[0]).toMatchObject({
      name: 'error', code: '23505', detail: 'Key (id)=(1) already exists.', schema: 'public', table: 't', constraint: 't_pkey', where: 'SQL statement',
    });
    expect(messages[0]?.column).toBeUndefined();
  });

  it('extended-query and copy messages', async () => {
    const messages = await parsed((w) => {
      w.simple(BackendCode.parseComplete);
      w.simple(BackendCode.bindComplete);
      w.simple(BackendCode.closeComplete);
      w.simple(BackendCode.noData);
      w.simple(BackendCode.portalSuspended);
      w.simple(BackendCode.emptyQueryResponse);
      w.parameterDescription([23, 25]);
      w.copyResponse(BackendCode.copyInResponse, 0, [0, 0]);
      w.copyResponse(BackendCode.copyOutResponse, 1, [1]);
      w.copyData(Buffer.from('a\tb\n'));
      w.simple(BackendCode.copyDone);
    });
    expect(messages.map((m) => m.name)).toEqual([
      'parseComplete', 'bindComplete', 'closeComplete', 'noData', 'portalSuspended', 'emptyQuery',
      'parameterDescription', 'copyInResponse', 'copyOutResponse', 'copyData', 'copyDone',
    ]);
    expect(messages[6]).toMatchObject({ parameterCount: 2, dataTypeIDs: [23, 25] });
    expect(messages[7]).toMatchObject({ binary: false, columnTypes: [0, 0] });
    expect(messages[8]).toMatchObject({ binary: true, columnTypes: [1] });
    expect((messages[9]?.chunk as Buffer).toString()).toBe('a\tb\n');
  });

  it('a message larger than the writer slab', async () => {
    const big = 'x'.repeat(200_000);
    const messages = await parsed((w) => {
      w.commandComplete('before');
      w.dataRow([big, big]);
      w.commandComplete('after');
    });
    expect(messages.map((m) => m.name)).toEqual(['commandComplete', 'dataRow', 'commandComplete']);
    expect((messages[1]?.fields as string[])[1]?.length).toBe(200_000);
  });
});

describe('buffer ownership', () => {
  it('a view taken from the writer is never overwritten by later messages', () => {
    const writer = new BackendWriter();
    writer.commandComplete('first');
    const first = writer.buffer.take()!;
    const copy = Buffer.from(first);
    for (let i = 0; i < 5000; i++) writer.dataRow(['row ' + i]);
    writer.buffer.take();
    writer.commandComplete('after');
    expect(first.equals(copy)).toBe(true);
    expect(writer.buffer.take()).toBeDefined();
    expect(writer.buffer.take()).toBeUndefined();
  });

  it('a payload view from the reader stays valid while more bytes arrive', () => {
    const reader = new MessageReader(1 << 20, 10_000);
    reader.endStartupPhase();
    const bytes = Buffer.concat([serialize.copyData(Buffer.from('abc')), serialize.copyData(Buffer.from('defgh'))]);
    reader.push(Buffer.from(bytes.subarray(0, 10)));
    const first = decodeMessage(reader.next()!) as { data: Buffer };
    reader.push(Buffer.from(bytes.subarray(10)));
    for (let i = 0; i < 100; i++) reader.push(Buffer.from(serialize.copyData(Buffer.from('zzzzzzzz'))));
    expect(first.data.toString()).toBe('abc');
    expect((decodeMessage(reader.next()!) as { data: Buffer }).data.toString()).toBe('defgh');
    expect(first.data.toString()).toBe('abc');
  });
});

describe('client messages from pg-protocol decoded by our reader', () => {
  it('startup-phase packets', () => {
    const reader = new MessageReader(1 << 20, 10_000);
    reader.push(Buffer.concat([serialize.requestSsl(), serialize.startup({ user: 'alice', database: 'db', options: '-c x=1' }), serialize.cancel(42, -7)]));
    expect(decodeStartup(reader.next()!)).toEqual({ kind: 'ssl' });
    const startup = decodeStartup(reader.next()!);
    expect(startup).toMatchObject({ kind: 'startup', majorVersion: 3, minorVersion: 0 });
    expect(startup.kind === 'startup' && Object.fromEntries(startup.params)).toMatchObject({ user: 'alice', database: 'db', options: '-c x=1' });
    expect(decodeStartup(reader.next()!)).toEqual({ kind: 'cancel', pid: 42, secretKey: -7 });
    expect(reader.next()).toBeUndefined();
  });

  it('every typed client message', () => {
    const bytes = Buffer.concat([
      serialize.query('SELECT 1'),
      serialize.parse({ name: 's1', text: 'SELECT $1', types: [23] }),
      serialize.bind({ portal: 'p1', statement: 's1', values: ['7', null, Buffer.from([9])], binary: true }),
      serialize.describe({ type: 'S', name: 's1' }),
      serialize.describe({ type: 'P', name: 'p1' }),
      serialize.execute({ portal: 'p1', rows: 10 }),
      serialize.close({ type: 'P', name: 'p1' }),
      serialize.flush(),
      serialize.sync(),
      serialize.password('secret'),
      serialize.sendSASLInitialResponseMessage('SCRAM-SHA-256', 'n,,n=*,r=abc'),
      serialize.sendSCRAMClientFinalMessage('c=biws,r=abc,p=xyz'),
      serialize.copyData(Buffer.from('1\n')),
      serialize.copyDone(),
      serialize.copyFail('nope'),
      serialize.end(),
    ]);
    const messages = decodeAll(bytes);
    expect(messages.map((m) => m.kind)).toEqual([
      'query', 'parse', 'bind', 'describe', 'describe', 'execute', 'close', 'flush', 'sync',
      'password', 'password', 'password', 'copyData', 'copyDone', 'copyFail', 'terminate',
    ]);
    expect(messages[0]).toEqual({ kind: 'query', sql: 'SELECT 1' });
    expect(messages[1]).toEqual({ kind: 'parse', name: 's1', sql: 'SELECT $1', paramTypeOids: [23] });
    const bind = messages[2] as Extract<FrontendMessage, { kind: 'bind' }>;
    expect(bind).toMatchObject({ portal: 'p1', statement: 's1', paramFormats: [0, 0, 1], resultFormats: [1] });
    // Text-format parameters arrive decoded, binary ones as bytes.
    expect(bind.params.map((p) => (p === null || typeof p === 'string' ? p : [...p]))).toEqual(['7', null, [9]]);
    expect(messages[3]).toEqual({ kind: 'describe', target: 'S', name: 's1' });
    expect(messages[4]).toEqual({ kind: 'describe', target: 'P', name: 'p1' });
    expect(messages[5]).toEqual({ kind: 'execute', portal: 'p1', maxRows: 10 });
    expect(messages[6]).toEqual({ kind: 'close', target: 'P', name: 'p1' });
    expect(messages[14]).toEqual({ kind: 'copyFail', message: 'nope' });
    expect((messages[12] as { data: Buffer }).data.toString()).toBe('1\n');
  });

  it('rejects oversized, undersized, truncated and unknown messages', () => {
    const reader = new MessageReader(2048, 10_000);
    reader.endStartupPhase();
    reader.push(Buffer.from([0x51, 0, 0, 0x10, 0]));
    expect(() => reader.next()).toThrow(ProtocolError);
    const sync = new MessageReader(1 << 20, 10_000);
    sync.endStartupPhase();
    sync.push(Buffer.from([0x53, 0, 1, 0, 0]));
    expect(() => sync.next()).toThrow(/invalid message length/);
    const small = new MessageReader(2048, 10_000);
    small.endStartupPhase();
    small.push(Buffer.from([0x51, 0, 0, 0, 3]));
    expect(() => small.next()).toThrow(/invalid message length/);
    const startup = new MessageReader(2048, 10_000);
    startup.push(Buffer.from([0, 1, 0, 0]));
    expect(() => startup.next()).toThrow(/startup packet/);
    expect(() => decodeAll(Buffer.from([0x51, 0, 0, 0, 6, 0x41, 0x42]))).toThrow(/invalid string/);
    expect(() => decodeAll(Buffer.from([0x7a, 0, 0, 0, 4]))).toThrow(/invalid frontend message type/);
    expect(() => decodeAll(Buffer.from([0x53, 0, 0, 0, 5, 0]))).toThrow(/invalid message format/);
    const bind = serialize.bind({ values: ['abc'] });
    bind.writeInt32BE(1000, bind.length - 9); // a parameter length beyond the message
    expect(() => decodeAll(bind)).toThrow(ProtocolError);
  });
});
