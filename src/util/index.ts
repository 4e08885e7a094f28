export { crc32 } from './crc32.js';
export { assert, unreachable, AssertionError } from './assert.js';
export { writeVarint, readVarint, varintLength, VARINT_BYTES_MAX } from './varint.js';
export { compareBytes, equalBytes, asBuffer, prefixUpperBound, utf8, fromUtf8 } from './bytes.js';
export { SqlError, SQLSTATE, type SqlErrorFields } from './sql-error.js';
export { pooledCopy } from './pooled-copy.js';
// The logger lives in ./logger.js and is imported directly, so that importing util does not load pino.
