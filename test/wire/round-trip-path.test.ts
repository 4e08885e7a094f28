/**
 * The allocation-free parts of a round trip (issue 9): framing in place (MessageReader.nextFrame),
 * one reused PayloadReader with interned names, shared format-code lists, and the synchronous
 * Execute path (runPortal answers a portal whose executeNow() returned a result without a promise;
 * MeteredPortal keeps it synchronous and still reports the statement once), and the replies of an
 * extended-query pipeline held until its Sync or Flush and then sent in one write.
 */
import { PreparedRegistry } from '../../src/sql/session/prepared-registry.js';
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { serialize } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import type { ExecuteResult, Portal, PreparedStatement, SqlDatabase, SqlSession } from '../../src/sql/session-api.js';
import { SqlError } from '../../src/util/index.js';
import { decodeFrame, decodeMessage } from '../../src/wire/frontend-messages.js';
import { MessageReader, NO_FRAME } from '../../src/wire/message-reader.js';
import { MeteredDatabase, type StatementEvent } from '../../src/wire/metered-database.js';
import { PayloadReader } from '../../src/wire/payload-reader.js';
import { runPortal } from '../../src/wire/portal-runner.js';
import { ProtocolError } from '../../src/wire/protocol-error.js';
import { WireChannel } from '../../src/wire/wire-channel.js';
import { Connection } from '../../src/wire/connection.js';
import { WireServer } from '../../src/wire/server.js';
import { FakeDatabase } from './fake-database.js';

function typedReader(): MessageReader {
  const reader = new MessageReader(1 << 20, 10_000);
  reader.endStartupPhase();
  return reader;
}

describe('MessageReader.nextFrame', () => {
  it('frames in place across split chunks, and earlier payloads stay intact', () => {
    const bytes = Buffer.concat([serialize.bind({ statement: 's1', values: ['k1'] }), serialize.execute({}), serialize.sync()]);
    const reader = typedReader();
    const frames: Array<{ type: number; payload: Buffer }> = [];
    for (let i = 0; i < bytes.length; i += 5) {
      reader.push(Buffer.from(bytes.subarray(i, i + 5)));
      for (let type = reader.nextFrame(); type !== NO_FRAME; type = reader.nextFrame()) {
        frames.push({ type, payload: reader.frameBuffer.subarray(reader.frameStart, reader.frameEnd) });
      }
    }
    expect(frames.map((f) => String.fromCharCode(f.type))).toEqual(['B', 'E', 'S']);
    expect(decodeMessage(frames[0] as { type: number; payload: Buffer })).toMatchObject({ kind: 'bind', statement: 's1' });
    expect((frames[2] as { payload: Buffer }).payload.length).toBe(0);
    expect(reader.bufferedBytes).toBe(0);
  });

  it('returns NO_FRAME until a message is complete', () => {
    const reader = typedReader();
    const sync = serialize.sync();
    reader.push(sync.subarray(0, 3));
    expect(reader.nextFrame()).toBe(NO_FRAME);
    reader.push(sync.subarray(3));
    expect(reader.nextFrame()).toBe(0x53);
    expect(reader.nextFrame()).toBe(NO_FRAME);
  });
});

describe('PayloadReader reused', () => {
  it('reads only its window and rejects a string whose NUL lies past it', () => {
    const bytes = Buffer.from('abc\0def\0');
    const reader = new PayloadReader();
    expect(reader.reset(bytes, 4, 8).cstring()).toBe('def');
    reader.done();
    expect(() => reader.reset(bytes, 0, 3).cstring()).toThrow(ProtocolError);
    expect(() => reader.reset(bytes, 0, 2).int32()).toThrow(ProtocolError);
  });

  it('name() returns the very same string for a name read again, and reads any name right', () => {
    const reader = new PayloadReader();
    const names = ['ycsb_read', 'ycsb_read_2', '', 'é', 'ycsb', 'x'.repeat(40)];
    const payload = Buffer.concat(names.map((n) => Buffer.from(`${n}\0`)));
    expect(() => reader.name()).toThrow(ProtocolError); // nothing to read yet
    reader.reset(payload, 0, payload.length);
    const read = names.map(() => reader.name());
    reader.done();
    expect(read).toEqual(names);
    reader.reset(payload, 0, payload.length);
    const again = names.map(() => reader.name());
    expect(again).toEqual(names);
    expect(again[0]).toBe(read[0]);
    // A cached name that is a prefix of the next one ("ycsb" of "ycsb_read") is not mistaken for it.
    const prefixed = Buffer.from('ycsb\0ycsb_read\0ycsb_r\0');
    reader.reset(prefixed, 0, prefixed.length);
    expect([reader.name(), reader.name(), reader.name()]).toEqual(['ycsb', 'ycsb_read', 'ycsb_r']);
    expect(() => reader.reset(Buffer.from('ycsb_read'), 0, 9).name()).toThrow(ProtocolError);
  });

  it('name() keeps a dozen names that share a long prefix (YCSB: a read and an update per field)', () => {
    const reader = new PayloadReader();
    const names = ['ycsb_read', ...Array.from({ length: 10 }, (_, i) => `ycsb_update_field${i}`), 'ycsb_update_field10'];
    const payload = Buffer.concat(names.map((n) => Buffer.from(`${n}\0`)));
    for (let pass = 0; pass < 3; pass++) {
      reader.reset(payload, 0, payload.length);
      expect(names.map(() => reader.name())).toEqual(names);
      reader.done();
    }
  });
});

describe('decodeFrame', () => {
  it('shares format-code lists of zero or one code, and rejects bad codes with 22023', () => {
    const reader = new PayloadReader();
    const decodeBind = (bytes: Buffer): Record<string, unknown> => decodeFrame(0x42, reader.reset(bytes, 5, bytes.length)) as unknown as Record<string, unknown>;
    const text = decodeBind(serialize.bind({ statement: 's', values: ['1'] }));
    const textAgain = decodeBind(serialize.bind({ statement: 's', values: ['2'] }));
    expect(text.paramFormats).toEqual([0]);
    expect(text.paramFormats).toBe(textAgain.paramFormats);
    expect(text.resultFormats).toBe(textAgain.resultFormats);
    expect(Object.isFrozen(text.resultFormats)).toBe(true);
    const binary = decodeBind(serialize.bind({ statement: 's', values: [Buffer.from([1])], binary: true }));
    expect(binary.paramFormats).toEqual([1]);
    expect(binary.resultFormats).toEqual([1]);
    const none = decodeBind(serialize.bind({ statement: 's', values: [] }));
    expect(none.params).toEqual([]);
    // portal "", statement "s", no parameter formats, no parameters, one result format: 7.
    const badCode = Buffer.from([0x42, 0, 0, 0, 15, 0, 0x73, 0, 0, 0, 0, 0, 0, 1, 0, 7]);
    expect(() => decodeBind(badCode)).toThrow(expect.objectContaining({ code: '22023' }));
  });
});

function rows(count: number, suspended: boolean, tag: string): ExecuteResult {
  return { kind: 'rows', rows: Array.from({ length: count }, (_, i) => [String(i)]), suspended, tag };
}

/** A portal answering from a script; `sync` chooses executeNow() results over promises. */
function scriptedPortal(script: ExecuteResult[], sync: boolean): Portal & { asked: number[] } {
  const asked: number[] = [];
  const next = (maxRows: number): ExecuteResult => {
    asked.push(maxRows);
    const result = script.shift();
    if (result === undefined) throw new SqlError('XX000', 'script exhausted');
    return result;
  };
  return {
    asked,
    fields: undefined,
    execute: async (maxRows) => next(maxRows),
    executeNow: sync ? next : (maxRows) => Promise.resolve(next(maxRows)),
    close: () => undefined,
  };
}

const NO_NOTICES: SqlSession = {
  statements: new PreparedRegistry(),
  txStatus: () => 'I',
  prepareBatch: () => [],
  prepare: () => ({ paramTypeOids: [], fields: undefined, isEmpty: false }),
  bind: () => scriptedPortal([], true),
  noteError: () => undefined,
  takeNotices: () => [],
  takeParameterChanges: () => [],
  cancel: () => undefined,
  close: async () => undefined,
};

/** The messages written so far, as type letters with a command tag's text. */
function written(channel: WireChannel): string[] {
  const bytes = channel.writer.buffer.take() ?? Buffer.alloc(0);
  const out: string[] = [];
  for (let at = 0; at < bytes.length; at += 1 + bytes.readInt32BE(at + 1)) {
    const type = String.fromCharCode(bytes[at] as number);
    out.push(type === 'C' ? `C ${bytes.toString('utf8', at + 5, at + bytes.readInt32BE(at + 1))}` : type);
  }
  return out;
}

describe('runPortal', () => {
  const channel = new WireChannel(new Socket(), 1 << 20, 10_000, 1 << 20);

  it('answers a portal that answered at once synchronously (no promise)', () => {
    expect(runPortal(channel, NO_NOTICES, scriptedPortal([rows(2, false, 'SELECT 2')], true), 0, 100)).toBeUndefined();
    expect(written(channel)).toEqual(['D', 'D', 'C SELECT 2']);
    expect(runPortal(channel, NO_NOTICES, scriptedPortal([rows(2, true, '')], true), 2, 100)).toBeUndefined();
    expect(written(channel)).toEqual(['D', 'D', 's']);
    expect(runPortal(channel, NO_NOTICES, scriptedPortal([{ kind: 'command', tag: 'UPDATE 1' }], true), 0, 100)).toBeUndefined();
    expect(written(channel)).toEqual(['C UPDATE 1']);
  });

  it('falls back to a promise for a pending result, and for later chunks', async () => {
    const pending = runPortal(channel, NO_NOTICES, scriptedPortal([rows(1, false, 'SELECT 1')], false), 0, 100);
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    expect(written(channel)).toEqual(['D', 'C SELECT 1']);
    // Chunks of 2 rows: the Execute's own count goes in the tag (the SQL layer's tag says 7).
    const chunked = scriptedPortal([rows(2, true, ''), rows(2, true, ''), rows(1, false, 'SELECT 7')], true);
    const run = runPortal(channel, NO_NOTICES, chunked, 0, 2);
    expect(run).toBeInstanceOf(Promise);
    await run;
    expect(chunked.asked).toEqual([2, 2, 2]);
    expect(written(channel)).toEqual(['D', 'D', 'D', 'D', 'D', 'C SELECT 5']);
  });

  it('throws synchronously when the portal fails at once', () => {
    const failing: Portal = {
      fields: undefined,
      execute: () => Promise.reject(new SqlError('22012', 'division by zero')),
      executeNow: () => {
        throw new SqlError('22012', 'division by zero');
      },
      close: () => undefined,
    };
    expect(() => runPortal(channel, NO_NOTICES, failing, 0, 100)).toThrow(/division by zero/);
  });
});

describe('MeteredPortal.executeNow', () => {
  function metered(portal: Portal, events: StatementEvent[]): Portal {
    const statement: PreparedStatement = { paramTypeOids: [], fields: undefined, isEmpty: false };
    const db: SqlDatabase = {
      role: () => undefined,
      hasDatabase: () => true,
      startupParameters: () => [],
      openSession: () => ({ ...NO_NOTICES, prepare: () => statement, bind: () => portal }),
    };
    const session = new MeteredDatabase(db, (event) => events.push(event)).openSession({
      user: 'u',
      database: 'd',
      applicationName: '',
      backendPid: 1,
      settings: new Map(),
    });
    return session.bind(session.prepare('SELECT 1', []), [], [], []);
  }

  it('stays synchronous for a synchronous portal and reports once', async () => {
    const events: StatementEvent[] = [];
    const portal = metered(scriptedPortal([rows(1, false, 'SELECT 1')], true), events);
    const result = portal.executeNow?.(0);
    expect(result).not.toBeInstanceOf(Promise);
    expect(events.map((e) => e.tag)).toEqual(['SELECT 1']);
    portal.close();
    expect(events).toHaveLength(1);
    const failed: StatementEvent[] = [];
    const failing = metered({ ...scriptedPortal([], true) }, failed);
    expect(() => failing.executeNow?.(0)).toThrow(/script exhausted/);
    await expect(metered(scriptedPortal([], true), failed).execute(0)).rejects.toThrow(/script exhausted/);
    expect(failed.map((e) => e.sqlstate)).toEqual(['XX000', 'XX000']);
  });

  it('passes a pending result through as a promise', async () => {
    const events: StatementEvent[] = [];
    const portal = metered(scriptedPortal([rows(1, false, 'SELECT 1')], false), events);
    const result = portal.executeNow?.(0);
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toMatchObject({ kind: 'rows', tag: 'SELECT 1' });
    expect(events.map((e) => e.tag)).toEqual(['SELECT 1']);
  });
});

/** A socket in memory: records every write the server makes; input is pushed by the test. */
class MemorySocket extends Duplex {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 1;
  readonly writes: Buffer[] = [];

  setNoDelay(): this {
    return this;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writes.push(chunk);
    callback();
  }

  /** The message types in write `i`, as letters. */
  typesOf(i: number): string {
    const bytes = this.writes[i] ?? Buffer.alloc(0);
    let out = '';
    for (let at = 0; at < bytes.length; at += 1 + bytes.readInt32BE(at + 1)) out += String.fromCharCode(bytes[at] as number);
    return out;
  }
}

/** Lets every pending promise and I/O callback of the server run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('Connection output batching', () => {
  async function connected(): Promise<{ socket: MemorySocket; served: Promise<void> }> {
    const server = new WireServer(new FakeDatabase(), { host: '127.0.0.1', port: 0 });
    const socket = new MemorySocket();
    const served = new Connection(socket as unknown as Socket, server).serve();
    socket.push(serialize.startup({ user: 'postgres', database: 'postgres' }));
    await settle();
    expect(socket.typesOf(socket.writes.length - 1).endsWith('Z')).toBe(true);
    socket.writes.length = 0;
    return { socket, served };
  }

  it('holds an extended-query pipeline’s replies until its Sync, then sends them in one write', async () => {
    const { socket, served } = await connected();
    socket.push(Buffer.concat([serialize.parse({ name: 's', text: 'SELECT 1', types: [] }), serialize.bind({ statement: 's' })]));
    await settle();
    socket.push(serialize.execute({}));
    await settle();
    expect(socket.writes).toEqual([]);
    socket.push(serialize.sync());
    await settle();
    expect(socket.writes.map((_, i) => socket.typesOf(i))).toEqual(['12DCZ']);
    // Flush sends what is pending at once; an error goes out at once too (as PostgreSQL's does).
    socket.push(Buffer.concat([serialize.bind({ statement: 's' }), serialize.execute({}), serialize.flush()]));
    await settle();
    socket.push(serialize.bind({ statement: 'missing' }));
    await settle();
    socket.push(serialize.sync());
    await settle();
    expect(socket.writes.slice(1).map((_, i) => socket.typesOf(i + 1))).toEqual(['2DC', 'E', 'Z']);
    socket.push(serialize.end());
    await served;
  });
});
