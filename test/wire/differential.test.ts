/**
 * Differential protocol checks: the same client byte sequences sent to PostgreSQL 15 and to
 * stratadb (wire server over the real SQL layer) must produce the same message transcripts
 * (message types, SQLSTATEs, command tags, transaction states).
 */
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { Database } from '../../src/sql/index.js';
import { WireServer } from '../../src/wire/index.js';
import { startPgCluster, type PgCluster } from './pg-cluster.js';
import { RawClient, type Message } from './raw-client.js';

let pgCluster: PgCluster;
let db: Database;
let server: WireServer;
let ports: { pg: number; ours: number };

beforeAll(async () => {
  pgCluster = await startPgCluster();
  db = await Database.open(new MemoryVersionedKv());
  server = new WireServer(db, { host: '127.0.0.1', port: 0 });
  ports = { pg: pgCluster.port, ours: (await server.listen()).port };
});
afterAll(async () => {
  await server?.close();
  await db?.close();
  await pgCluster?.stop();
});

function transcript(messages: readonly Message[]): string[] {
  const out: string[] = [];
  for (const m of messages) {
    if (m.name === 'parameterStatus') out.push(`parameter ${String(m.parameterName)}=${String(m.parameterValue)}`);
    else if (m.name === 'notice') out.push(`notice ${String(m.severity)} ${String(m.code)} ${String(m.message)}`);
    else if (m.name === 'error') out.push(`error ${String(m.severity)} ${String(m.code)} ${String(m.message)} @${String(m.position)}`);
    else if (m.name === 'readyForQuery') out.push(`ready ${String(m.status)}`);
    else if (m.name === 'commandComplete') out.push(`complete ${String(m.text)}`);
    else if (m.name === 'dataRow') out.push(`row ${JSON.stringify(m.fields)}`);
    else if (m.name === 'parameterDescription') out.push(`params ${JSON.stringify(m.dataTypeIDs)}`);
    else if (m.name === 'rowDescription') {
      const fields = m.fields as Array<Record<string, unknown>>;
      out.push(`fields ${fields.map((f) => `${String(f.name)}:${String(f.dataTypeID)}:${String(f.dataTypeSize)}:${String(f.dataTypeModifier)}:${String(f.format)}`).join(',')}`);
    }
    else if (m.name === 'copyData') {
      // How COPY data is split into messages is free (PostgreSQL sends a row per message).
      const text = `copyData ${JSON.stringify((m.chunk as Buffer).toString())}`;
      const last = out.at(-1);
      if (last?.startsWith('copyData ')) out[out.length - 1] = `copyData ${JSON.stringify(JSON.parse(last.slice(9)) + (m.chunk as Buffer).toString())}`;
      else out.push(text);
    }
    else out.push(m.name);
  }
  return sortParameterRuns(out);
}

/** Several ParameterStatus messages in a row may come in any order (PostgreSQL: GUC table order). */
function sortParameterRuns(entries: string[]): string[] {
  const out: string[] = [];
  let run: string[] = [];
  for (const entry of [...entries, '']) {
    if (entry.startsWith('parameter ')) run.push(entry);
    else {
      out.push(...run.sort());
      run = [];
      if (entry !== '') out.push(entry);
    }
  }
  return out;
}

/** Runs the steps on a fresh connection to each server; returns both transcripts. */
async function both(steps: Array<[Buffer, string]>): Promise<{ pg: string[]; ours: string[] }> {
  const result = { pg: [] as string[], ours: [] as string[] };
  for (const target of ['pg', 'ours'] as const) {
    const client = await RawClient.ready(ports[target], { user: 'postgres', database: 'postgres' });
    for (const [bytes, until] of steps) {
      client.send(bytes);
      result[target].push(...transcript(until === 'closed' ? await client.untilClosed() : await client.until(until)));
    }
    client.end();
  }
  return result;
}

const q = (sql: string): [Buffer, string] => [serialize.query(sql), 'readyForQuery'];

describe('same transcript as PostgreSQL 15', () => {
  it('simple-query batches, errors and transaction states', async () => {
    const { pg, ours } = await both([
      q('CREATE TABLE t (id int PRIMARY KEY, v text)'),
      q("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')"),
      q('SELECT 1; SELECT 1/0; SELECT 2'),
      q(''),
      q(';'),
      q('BEGIN; SELECT 1'),
      q('SELECT 1/0'),
      q('SELECT 1'),
      q('ROLLBACK'),
      q('SELEC 1'),
    ]);
    expect(ours).toEqual(pg);
  });

  it('extended query: describe, row limits, errors skipped until Sync', async () => {
    const { pg, ours } = await both([
      q('CREATE TABLE u (id int PRIMARY KEY)'),
      q('INSERT INTO u VALUES (1), (2), (3)'),
      [Buffer.concat([
        serialize.parse({ name: 's', text: 'SELECT id FROM u ORDER BY id', types: [] }),
        serialize.describe({ type: 'S', name: 's' }),
        serialize.bind({ portal: 'p', statement: 's' }),
        serialize.describe({ type: 'P', name: 'p' }),
        serialize.execute({ portal: 'p', rows: 2 }),
        serialize.execute({ portal: 'p', rows: 2 }),
        serialize.close({ type: 'P', name: 'p' }),
        serialize.sync(),
      ]), 'readyForQuery'],
      [Buffer.concat([serialize.parse({ name: 's', text: 'SELECT 1', types: [] }), serialize.bind({ statement: 's' }), serialize.sync()]), 'readyForQuery'],
      [Buffer.concat([serialize.bind({ statement: 'nope' }), serialize.execute({}), serialize.sync()]), 'readyForQuery'],
      [Buffer.concat([serialize.execute({ portal: 'nope' }), serialize.sync()]), 'readyForQuery'],
      [Buffer.concat([serialize.parse({ text: 'SELECT $1::int', types: [] }), serialize.bind({}), serialize.sync()]), 'readyForQuery'],
      [Buffer.concat([serialize.parse({ text: 'SELEC', types: [] }), serialize.bind({}), serialize.execute({}), serialize.sync()]), 'readyForQuery'],
      [Buffer.concat([serialize.parse({ text: '', types: [] }), serialize.bind({}), serialize.describe({ type: 'P', name: '' }), serialize.execute({}), serialize.sync()]), 'readyForQuery'],
      [Buffer.concat([serialize.parse({ text: 'BEGIN', types: [] }), serialize.bind({}), serialize.describe({ type: 'P', name: '' }), serialize.execute({}), serialize.sync()]), 'readyForQuery'],
      [Buffer.concat([serialize.parse({ text: 'COMMIT', types: [] }), serialize.bind({}), serialize.execute({}), serialize.sync()]), 'readyForQuery'],
    ]);
    expect(ours).toEqual(pg);
  });

  it('Describe Portal finds a SQL cursor (DECLARE), as psycopg asks for a server-side cursor', async () => {
    const { pg, ours } = await both([
      q('CREATE TABLE cur (id int PRIMARY KEY, name text)'),
      q("INSERT INTO cur VALUES (1, 'a'), (2, 'b')"),
      q('BEGIN'),
      q('DECLARE c CURSOR FOR SELECT id, name, id * 2 AS twice FROM cur ORDER BY id'),
      [Buffer.concat([serialize.describe({ type: 'P', name: 'c' }), serialize.sync()]), 'readyForQuery'],
      q('FETCH 1 FROM c'),
      [Buffer.concat([serialize.describe({ type: 'P', name: 'nope' }), serialize.sync()]), 'readyForQuery'],
      q('ROLLBACK'),
      [Buffer.concat([serialize.describe({ type: 'P', name: 'c' }), serialize.sync()]), 'readyForQuery'],
    ]);
    expect(ours).toEqual(pg);
  });

  it('ParameterStatus after SET, and warnings as NoticeResponse', async () => {
    const { pg, ours } = await both([
      q("SET application_name = 'diff'"),
      q("SET TimeZone = 'UTC'; SET application_name = 'two'"),
      q("SET search_path = public"),
      q('BEGIN'),
      q('BEGIN'),
      q("SET LOCAL application_name = 'local'"),
      q('ROLLBACK'),
      q('COMMIT'),
    ]);
    expect(ours).toEqual(pg);
  });

  it('large results across internal chunks, failures inside a block, COPY with bad data', async () => {
    const values = Array.from({ length: 2500 }, (_, i) => `(${i})`).join(',');
    const { pg, ours } = await both([
      q('CREATE TABLE many (id int PRIMARY KEY)'),
      q(`INSERT INTO many VALUES ${values}`),
      q('SELECT id FROM many ORDER BY id'),
      [Buffer.concat([serialize.parse({ text: 'SELECT id FROM many ORDER BY id', types: [] }), serialize.bind({}), serialize.execute({ rows: 2100 }), serialize.execute({ rows: 2100 }), serialize.sync()]), 'readyForQuery'],
      q('BEGIN; INSERT INTO many VALUES (-1); SELECT 1/0; COMMIT'),
      q('COMMIT'),
      q('SELECT count(*) FROM many'),
      [serialize.query('COPY many FROM STDIN'), 'copyInResponse'],
      [Buffer.concat([serialize.copyData(Buffer.from('5000\nx\n')), serialize.copyDone()]), 'readyForQuery'],
      [Buffer.concat([serialize.parse({ text: 'BEGIN', types: [] }), serialize.bind({}), serialize.execute({}), serialize.parse({ text: 'BEGIN', types: [] }), serialize.bind({}), serialize.execute({}), serialize.sync()]), 'readyForQuery'],
      q('ROLLBACK'),
    ]);
    expect(ours).toEqual(pg);
  });

  it('portal lifetimes, Close of missing objects, skipped Query, repeated Sync', async () => {
    const sync = serialize.sync();
    const { pg, ours } = await both([
      q('CREATE TABLE w (id int PRIMARY KEY)'),
      q('INSERT INTO w VALUES (1), (2), (3)'),
      [Buffer.concat([serialize.close({ type: 'S', name: 'none' }), serialize.close({ type: 'P', name: 'none' }), sync, sync]), 'readyForQuery'],
      [Buffer.concat([serialize.describe({ type: 'S', name: 'none' }), sync]), 'readyForQuery'],
      [Buffer.concat([serialize.describe({ type: 'P', name: 'none' }), sync]), 'readyForQuery'],
      [Buffer.concat([serialize.parse({ text: 'SELEC', types: [] }), serialize.query('SELECT 1'), sync]), 'readyForQuery'],
      q('BEGIN'),
      [Buffer.concat([serialize.parse({ name: 'w', text: 'SELECT id FROM w ORDER BY id', types: [] }), serialize.bind({ portal: 'cur', statement: 'w' }), sync]), 'readyForQuery'],
      [Buffer.concat([serialize.execute({ portal: 'cur', rows: 1 }), sync]), 'readyForQuery'],
      [Buffer.concat([serialize.execute({ portal: 'cur', rows: 5 }), sync]), 'readyForQuery'],
      [Buffer.concat([serialize.execute({ portal: 'cur', rows: 5 }), sync]), 'readyForQuery'],
      q('COMMIT'),
      [Buffer.concat([serialize.execute({ portal: 'cur' }), sync]), 'readyForQuery'],
      [Buffer.concat([serialize.bind({ portal: 'again', statement: 'w' }), serialize.execute({ portal: 'again' }), sync]), 'readyForQuery'],
    ]);
    expect(ours).toEqual(pg);
  });

  it('parameter inference, binary parameters and results', async () => {
    const int4 = Buffer.alloc(4);
    int4.writeInt32BE(41);
    const { pg, ours } = await both([
      [Buffer.concat([
        serialize.parse({ name: 'p', text: 'SELECT $1::int + 1 AS n, $2::text AS t', types: [] }),
        serialize.describe({ type: 'S', name: 'p' }),
        serialize.bind({ statement: 'p', values: [int4, 'x'], binary: true }),
        serialize.describe({ type: 'P', name: '' }),
        serialize.execute({}),
        serialize.sync(),
      ]), 'readyForQuery'],
      [Buffer.concat([
        serialize.parse({ text: 'SELECT $1::int8 * 2 AS big, $2::bool AS b', types: [20, 16] }),
        serialize.bind({ values: ['21', 't'] }),
        serialize.describe({ type: 'P', name: '' }),
        serialize.execute({}),
        serialize.sync(),
      ]), 'readyForQuery'],
    ]);
    expect(ours).toEqual(pg);
  });

  it('COPY in, CopyFail, unexpected message during COPY, and COPY out', async () => {
    const { pg, ours } = await both([
      q('CREATE TABLE c (id int PRIMARY KEY, v text)'),
      [serialize.query('COPY c FROM STDIN'), 'copyInResponse'],
      [Buffer.concat([serialize.copyData(Buffer.from('1\tone\n2\ttw')), serialize.copyData(Buffer.from('o\n')), serialize.copyDone()]), 'readyForQuery'],
      [serialize.query('COPY c FROM STDIN'), 'copyInResponse'],
      [Buffer.concat([serialize.copyData(Buffer.from('3\tthree\n')), serialize.copyFail('gave up')]), 'readyForQuery'],
      q('COPY c TO STDOUT'),
      [serialize.query('COPY c FROM STDIN'), 'copyInResponse'],
      [serialize.query('SELECT 1'), 'closed'],
    ]);
    expect(ours).toEqual(pg);
  });

  it('startup: SSLRequest answered N; a bad message type is FATAL 08P01 with the same text', async () => {
    // (PostgreSQL built with GSSAPI answers a GSSENCRequest 'G'; we answer 'N', see protocol.test.ts.)
    const answers: Record<string, string[]> = {};
    const parameters: Record<string, Map<string, string>> = {};
    for (const target of ['pg', 'ours'] as const) {
      const client = await RawClient.connect(ports[target]);
      client.send(serialize.requestSsl());
      const ssl = String.fromCharCode(await client.rawByte());
      client.send(serialize.startup({ user: 'postgres', database: 'postgres' }));
      const startup = await client.until('readyForQuery');
      parameters[target] = new Map(startup.filter((m) => m.name === 'parameterStatus').map((m) => [String(m.parameterName), String(m.parameterValue)]));
      client.send(Buffer.from([0x7a, 0, 0, 0, 4]));
      const rest = transcript([...startup.filter((m) => m.name !== 'parameterStatus'), ...(await client.untilClosed())]);
      answers[target] = [ssl, ...rest];
    }
    // The same parameters with the same values (order is free), but for the version string.
    const ours = parameters.ours!;
    const theirs = parameters.pg!;
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [name, value] of theirs) if (name !== 'server_version') expect([name, ours.get(name)]).toEqual([name, value]);
    expect(ours.get('server_version')).toMatch(/^15\.\d+ \(stratadb/);
    expect(answers.ours).toEqual(answers.pg);
    expect(answers.pg).toEqual(['N', 'authenticationOk', 'backendKeyData', 'ready I', 'error FATAL 08P01 invalid frontend message type 122 @undefined']);
  });
});
