/**
 * Authentication: SCRAM-SHA-256, md5 and cleartext, right and wrong passwords, from pg and psql.
 * Verifiers are checked against PostgreSQL's own format.
 */
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5Verifier, scramVerifier, type AuthMethod } from '../../src/wire/index.js';
import { parseScramVerifier, verifyCleartext } from '../../src/wire/password-verifier.js';
import { FakeDatabase } from './fake-database.js';
import { startServer, type Running } from './harness.js';
import { psql } from './psql.js';
import { RawClient } from './raw-client.js';

// Taken from PostgreSQL 15.18: CREATE ROLE alice PASSWORD 'alice secret'; then, after
// SET password_encryption = 'md5', CREATE ROLE bob PASSWORD 'bob secret'; SELECT rolpassword.
const PG_SCRAM_ALICE =
  'SCRAM-SHA-256$4096:KxIPG8arbyr7aYXyXj4JEA==$F391voflUyG/1zWnxEKv8qPdeCrChLYt/eVX37s72fs=:A9uNctn4v6qLhOALiBtdnJO5+zGh2VFdagVX8pNuCjU=';
const PG_MD5_BOB = 'md52dce913656562572a693db6ec21e7d00';

function database(): FakeDatabase {
  return new FakeDatabase([
    { name: 'alice', canLogin: true, superuser: false, password: PG_SCRAM_ALICE },
    { name: 'bob', canLogin: true, superuser: false, password: md5Verifier('bob', 'bob secret') },
    { name: 'carol', canLogin: true, superuser: false, password: undefined },
    { name: 'dave', canLogin: false, superuser: false, password: scramVerifier('dave secret') },
  ]);
}

const servers = new Map<AuthMethod, Running>();

beforeAll(async () => {
  for (const method of ['scram-sha-256', 'md5', 'password'] as const) servers.set(method, await startServer({ auth: { method } }, database()));
});
afterAll(async () => {
  for (const server of servers.values()) await server.stop();
});

async function login(method: AuthMethod, user: string, password: string): Promise<unknown> {
  const server = servers.get(method)!;
  const client = new pg.Client({ host: '127.0.0.1', port: server.port, user, password, database: 'postgres' });
  client.on('error', () => {});
  try {
    await client.connect();
    const result = await client.query('SELECT 1');
    return result.rows[0];
  } finally {
    await client.end().catch(() => {});
  }
}

const FAILED = (user: string): object => ({ code: '28P01', message: `password authentication failed for user "${user}"` });

describe('verifiers', () => {
  it('match what PostgreSQL stores', () => {
    expect(md5Verifier('bob', 'bob secret')).toBe(PG_MD5_BOB);
    const salt = Buffer.from('KxIPG8arbyr7aYXyXj4JEA==', 'base64');
    expect(scramVerifier('alice secret', 4096, salt)).toBe(PG_SCRAM_ALICE);
    expect(verifyCleartext(PG_SCRAM_ALICE, 'alice', 'alice secret')).toBe(true);
    expect(verifyCleartext(PG_SCRAM_ALICE, 'alice', 'alice secreT')).toBe(false);
  });

  it('round-trip and reject malformed verifiers', () => {
    const scram = scramVerifier('pw', 4096, Buffer.from('0123456789abcdef'));
    expect(scram).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/);
    expect(parseScramVerifier(scram)?.iterations).toBe(4096);
    expect(verifyCleartext(scram, 'x', 'pw')).toBe(true);
    expect(verifyCleartext(scram, 'x', 'pW')).toBe(false);
    expect(verifyCleartext(md5Verifier('u', 'pw'), 'u', 'pw')).toBe(true);
    expect(verifyCleartext(md5Verifier('u', 'pw'), 'v', 'pw')).toBe(false);
    expect(parseScramVerifier('SCRAM-SHA-256$x')).toBeUndefined();
  });
});

describe('pg client', () => {
  it('SCRAM-SHA-256 with right and wrong passwords', async () => {
    expect(await login('scram-sha-256', 'alice', 'alice secret')).toEqual({ '?column?': 1 });
    await expect(login('scram-sha-256', 'alice', 'wrong')).rejects.toMatchObject(FAILED('alice'));
    await expect(login('scram-sha-256', 'carol', 'anything')).rejects.toMatchObject(FAILED('carol'));
    await expect(login('scram-sha-256', 'nobody', 'anything')).rejects.toMatchObject(FAILED('nobody'));
    await expect(login('scram-sha-256', 'bob', 'bob secret')).rejects.toMatchObject(FAILED('bob'));
    await expect(login('scram-sha-256', 'dave', 'dave secret')).rejects.toMatchObject({ code: '28000', message: 'role "dave" is not permitted to log in' });
  });

  it('md5 with right and wrong passwords (SCRAM verifiers fall back to SCRAM)', async () => {
    expect(await login('md5', 'bob', 'bob secret')).toEqual({ '?column?': 1 });
    await expect(login('md5', 'bob', 'bob secreT')).rejects.toMatchObject(FAILED('bob'));
    expect(await login('md5', 'alice', 'alice secret')).toEqual({ '?column?': 1 });
    await expect(login('md5', 'alice', 'nope')).rejects.toMatchObject(FAILED('alice'));
  });

  it('cleartext password against either verifier', async () => {
    expect(await login('password', 'alice', 'alice secret')).toEqual({ '?column?': 1 });
    expect(await login('password', 'bob', 'bob secret')).toEqual({ '?column?': 1 });
    await expect(login('password', 'bob', 'alice secret')).rejects.toMatchObject(FAILED('bob'));
    await expect(login('password', 'carol', '')).rejects.toBeDefined();
  });

  it('rejects a non-password message during authentication', async () => {
    const client = await RawClient.connect(servers.get('password')!.port);
    client.send(serialize.startup({ user: 'alice' }));
    await client.until('authenticationCleartextPassword');
    client.send(serialize.query('SELECT 1'));
    expect((await client.untilClosed())[0]).toMatchObject({ severity: 'FATAL', code: '08P01' });
  });
});

describe('psql', () => {
  for (const method of ['scram-sha-256', 'md5', 'password'] as const) {
    it(`${method} with PGPASSWORD`, async () => {
      const port = servers.get(method)!.port;
      const user = method === 'md5' ? 'bob' : 'alice';
      const good = await psql(port, ['-A', '-t', '-c', 'SELECT 7'], { user, password: `${user} secret` });
      expect(good.stderr).toBe('');
      expect(good.stdout.trim()).toBe('7');
      const bad = await psql(port, ['-c', 'SELECT 7'], { user, password: 'wrong' });
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain(`FATAL:  password authentication failed for user "${user}"`);
    });
  }
});
