/**
 * Assertions for programmer errors only. Untrusted input (bytes from disk or the network, SQL text)
 * is never checked with assert(): it is validated and rejected with a typed error.
 */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** For exhaustive switches: the compiler proves this is unreachable. */
export function unreachable(value: never, message = 'unreachable'): never {
  throw new AssertionError(`${message}: ${String(value)}`);
}
