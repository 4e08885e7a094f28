/**
 * Password verifiers as PostgreSQL stores them (pg_authid.rolpassword), and checks against them.
 * - SCRAM: 'SCRAM-SHA-256$<iterations>:<salt b64>$<StoredKey b64>:<ServerKey b64>' (RFC 5802/7677).
 * - md5:   'md5' + hex(md5(password ‖ user)).
 * - Passwords are NFKC-normalized, the core of SASLprep (RFC 4013) that PostgreSQL and libpq apply,
 *   as src/catalog/role-verifier.ts does; ASCII passwords match PostgreSQL's verifiers exactly.
 * - Comparisons of secrets are constant-time.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const SCRAM_ITERATIONS_DEFAULT = 4096;
const SCRAM_SALT_BYTES = 16;

export interface ScramSecret {
  readonly iterations: number;
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

/** A SCRAM-SHA-256 verifier for the password, with a fresh random salt. */
export function scramVerifier(password: string, iterations = SCRAM_ITERATIONS_DEFAULT, salt?: Buffer): string {
  const actualSalt = salt ?? randomBytes(SCRAM_SALT_BYTES);
  const keys = scramKeys(password, actualSalt, iterations);
  return `SCRAM-SHA-256$${iterations}:${actualSalt.toString('base64')}$${keys.storedKey.toString('base64')}:${keys.serverKey.toString('base64')}`;
}

/** PostgreSQL's md5 verifier: 'md5' + md5(password + user). */
export function md5Verifier(user: string, password: string): string {
  return 'md5' + md5Hex(password + user);
}

/** Parses a stored SCRAM verifier; undefined if it is not one (or malformed). */
export function parseScramVerifier(stored: string): ScramSecret | undefined {
  const match = /^SCRAM-SHA-256\$(\d{1,9}):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(stored);
  if (match === null) return undefined;
  const iterations = Number(match[1]);
  const storedKey = Buffer.from(match[3] as string, 'base64');
  const serverKey = Buffer.from(match[4] as string, 'base64');
  if (iterations < 1 || storedKey.length !== 32 || serverKey.length !== 32) return undefined;
  return { iterations, salt: Buffer.from(match[2] as string, 'base64'), storedKey, serverKey };
}

/** StoredKey and ServerKey of a password under a salt and iteration count. */
export function scramKeys(password: string, salt: Buffer, iterations: number): { storedKey: Buffer; serverKey: Buffer } {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  return { storedKey: sha256(clientKey), serverKey: hmac(salted, 'Server Key') };
}

/** Checks a cleartext password against a stored verifier of either kind. */
export function verifyCleartext(stored: string | undefined, user: string, password: string): boolean {
  if (stored === undefined) return false;
  const scram = parseScramVerifier(stored);
  if (scram !== undefined) {
    const keys = scramKeys(password, scram.salt, scram.iterations);
    return safeEqual(keys.storedKey, scram.storedKey) && safeEqual(keys.serverKey, scram.serverKey);
  }
  if (stored.startsWith('md5')) return safeEqual(Buffer.from(md5Verifier(user, password)), Buffer.from(stored));
  return false;
}

/** Checks an md5 PasswordMessage ('md5' + md5(md5hex ‖ salt)) against a stored md5 verifier. */
export function verifyMd5Response(stored: string | undefined, salt: Buffer, response: string): boolean {
  if (stored === undefined || !/^md5[0-9a-f]{32}$/.test(stored)) return false;
  const expected = 'md5' + createHash('md5').update(stored.slice(3)).update(salt).digest('hex');
  return safeEqual(Buffer.from(expected), Buffer.from(response));
}

export function hmac(key: Buffer, data: string | Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

export function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
