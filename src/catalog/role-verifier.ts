/**
 * Password verifiers stored for roles, in PostgreSQL's formats (so pg_authid.rolpassword matches):
 * - SCRAM-SHA-256$<iterations>:<salt b64>$<StoredKey b64>:<ServerKey b64> (RFC 5802 / 7677)
 * - md5<hex md5(password ‖ username)>
 * A password given already in one of these forms is stored as is (as PostgreSQL does).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

export const SCRAM_ITERATIONS = 4096;

export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = SCRAM_ITERATIONS): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

export function md5Verifier(password: string, user: string): string {
  return `md5${createHash('md5').update(password + user).digest('hex')}`;
}

/** The verifier to store for `password` (password_encryption = scram-sha-256, PostgreSQL 15's default). */
export function passwordVerifier(password: string): string {
  if (password.startsWith('SCRAM-SHA-256$') || /^md5[0-9a-f]{32}$/.test(password)) return password;
  return scramVerifier(password);
}
