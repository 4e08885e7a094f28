/**
 * TLS: SSLRequest answered 'S' and the connection upgraded, from pg and psql (sslmode=require),
 * with a throwaway self-signed certificate made by openssl.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WireConfigError, WireServer } from '../../src/wire/index.js';
import { FakeDatabase } from './fake-database.js';
import { startServer, type Running } from './harness.js';
import { psql } from './psql.js';
import { RawClient } from './raw-client.js';

let running: Running;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stratadb-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost']);
  running = await startServer({ tls: { cert: readFileSync(cert), key: readFileSync(key) } });
});
afterAll(async () => {
  await running.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('tls', () => {
  it('upgrades pg connections', async () => {
    const client = await running.client({ ssl: { rejectUnauthorized: false } });
    expect((await client.query('SELECT $1::text', ['over tls'])).rows[0]).toEqual({ '?column?': 'over tls' });
    const stream = (client as unknown as { connection: { stream: { encrypted?: boolean } } }).connection.stream;
    expect(stream.encrypted).toBe(true);
  });

  it('upgrades psql connections with sslmode=require', async () => {
    const result = await psql(running.port, ['-A', '-t', '-c', 'SELECT 5'], { sslmode: 'require' });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('5');
  });

  it('rejects plaintext bytes pipelined after an SSLRequest', async () => {
    const client = await RawClient.connect(running.port);
    client.send(Buffer.concat([serialize.requestSsl(), serialize.startup({ user: 'postgres' })]));
    expect(String.fromCharCode(await client.rawByte())).toBe('S');
    await client.untilClosed();
    expect(client.closed).toBe(true);
  });

  it('refuses an invalid certificate at construction', () => {
    expect(() => new WireServer(new FakeDatabase(), { tls: { cert: 'nope', key: 'nope' } })).toThrow(WireConfigError);
  });
});
