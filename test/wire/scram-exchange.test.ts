/**
 * The server side of SCRAM-SHA-256 driven by a hand-written client (RFC 5802 §3), including the
 * ways a hostile client can get it wrong; and the startup `options` parser.
 */
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseScramVerifier, scramVerifier } from '../../src/wire/password-verifier.js';
import { ProtocolError } from '../../src/wire/protocol-error.js';
import { ScramExchange } from '../../src/wire/scram-exchange.js';
import { parseOptions } from '../../src/wire/startup-negotiation.js';

const hmac = (key: Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** A SCRAM client: returns client-final for the given password and server-first. */
function clientFinal(password: string, clientFirstBare: string, serverFirst: string, binding = 'biws'): { message: string; serverSignature: string } {
  const fields = Object.fromEntries(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)]));
  const salted = pbkdf2Sync(password, Buffer.from(fields.s!, 'base64'), Number(fields.i), 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  const storedKey = createHash('sha256').update(clientKey).digest();
  const withoutProof = `c=${binding},r=${fields.r}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = hmac(storedKey, authMessage);
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
  const serverSignature = hmac(hmac(salted, 'Server Key'), authMessage).toString('base64');
  return { message: `${withoutProof},p=${proof.toString('base64')}`, serverSignature };
}

describe('ScramExchange', () => {
  const secret = parseScramVerifier(scramVerifier('pencil'))!;

  it('accepts the right password and proves the server knows the verifier', () => {
    const exchange = new ScramExchange(secret);
    const bare = 'n=,r=rOprNGfwEbeRWgbNEkqO';
    const serverFirst = exchange.start(`n,,${bare}`);
    expect(serverFirst).toMatch(/^r=rOprNGfwEbeRWgbNEkqO[A-Za-z0-9+/=]+,s=[A-Za-z0-9+/=]+,i=4096$/);
    const { message, serverSignature } = clientFinal('pencil', bare, serverFirst);
    expect(exchange.finish(message)).toBe(`v=${serverSignature}`);
  });

  it('rejects a wrong password, and any password without a real verifier', () => {
    const exchange = new ScramExchange(secret);
    const bare = 'n=,r=abc';
    const serverFirst = exchange.start(`n,,${bare}`);
    expect(exchange.finish(clientFinal('pen', bare, serverFirst).message)).toBeUndefined();
    const mock = new ScramExchange(undefined);
    const mockFirst = mock.start(`n,,${bare}`);
    expect(mock.finish(clientFinal('pencil', bare, mockFirst).message)).toBeUndefined();
  });

  it('rejects malformed messages, channel binding it did not offer and a changed nonce', () => {
    expect(() => new ScramExchange(secret).start('p=tls-server-end-point,,n=,r=abc')).toThrow(ProtocolError);
    expect(() => new ScramExchange(secret).start('garbage')).toThrow(ProtocolError);
    const exchange = new ScramExchange(secret);
    const serverFirst = exchange.start('n,,n=,r=abc');
    expect(() => exchange.finish('c=biws')).toThrow(ProtocolError);
    const forged = clientFinal('pencil', 'n=,r=abc', serverFirst.replace(/^r=abc[^,]*/, 'r=abcdef'));
    expect(() => exchange.finish(forged.message)).toThrow(/nonce/);
    const other = new ScramExchange(secret);
    const first = other.start('n,,n=,r=abc');
    expect(() => other.finish(clientFinal('pencil', 'n=,r=abc', first, Buffer.from('p=x,,').toString('base64')).message)).toThrow(/channel-binding/);
  });
});

describe('parseOptions', () => {
  it('reads -c and -- switches with escaped spaces', () => {
    expect(parseOptions('-c search_path=a,b --work-mem=4MB -cstatement_timeout=5 -c x=with\\ space junk')).toEqual([
      ['search_path', 'a,b'],
      ['work_mem', '4MB'],
      ['statement_timeout', '5'],
      ['x', 'with space'],
    ]);
    expect(parseOptions('')).toEqual([]);
  });
});
