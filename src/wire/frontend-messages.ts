/**
 * Decodes framed client messages into typed values. Input is untrusted: every field is read through
 * PayloadReader (bounds-checked), trailing bytes are rejected, and any violation is a ProtocolError.
 * - Byte views in decoded messages (binary Bind parameters, CopyData) share the reader's buffers;
 *   they stay valid as long as the message is kept (see MessageReader). Text-format Bind
 *   parameters are decoded to strings at once (the SQL layer would decode them anyway).
 * - A bad format code is an ordinary error (22023), as in PostgreSQL, not a protocol violation.
 * - decodeFrame() reads through the connection's one reused PayloadReader; format-code lists of
 *   zero or one code are shared frozen arrays (Bind's usual case allocates only its parameters).
 */
import type { FormatCode } from '../sql/session-api.js';
import { SqlError, SQLSTATE } from '../util/index.js';
import { FrontendCode, StartupCode } from './message-codes.js';
import { PayloadReader } from './payload-reader.js';
import { ProtocolError } from './protocol-error.js';
import type { FramedMessage } from './message-reader.js';

export type StartupRequest =
  | { readonly kind: 'startup'; readonly majorVersion: number; readonly minorVersion: number; readonly params: Map<string, string> }
  | { readonly kind: 'ssl' }
  | { readonly kind: 'gssenc' }
  | { readonly kind: 'cancel'; readonly pid: number; readonly secretKey: number };

export type FrontendMessage =
  | { readonly kind: 'query'; readonly sql: string }
  | { readonly kind: 'parse'; readonly name: string; readonly sql: string; readonly paramTypeOids: number[] }
  | {
      readonly kind: 'bind';
      readonly portal: string;
      readonly statement: string;
      readonly paramFormats: readonly FormatCode[];
      /** Text-format values decoded as UTF-8, binary ones as views (SqlSession.bind). */
      readonly params: Array<Buffer | string | null>;
      readonly resultFormats: readonly FormatCode[];
    }
  | { readonly kind: 'describe'; readonly target: 'S' | 'P'; readonly name: string }
  | { readonly kind: 'execute'; readonly portal: string; readonly maxRows: number }
  | { readonly kind: 'close'; readonly target: 'S' | 'P'; readonly name: string }
  | { readonly kind: 'flush' }
  | { readonly kind: 'sync' }
  | { readonly kind: 'terminate' }
  | { readonly kind: 'password'; readonly payload: Buffer }
  | { readonly kind: 'copyData'; readonly data: Buffer }
  | { readonly kind: 'copyDone' }
  | { readonly kind: 'copyFail'; readonly message: string }
  | { readonly kind: 'functionCall' };

/** Decodes a startup-phase packet (payload starts at the request code). */
export function decodeStartup(message: FramedMessage): StartupRequest {
  const reader = new PayloadReader(message.payload);
  const code = reader.int32();
  if (code === StartupCode.sslRequest) return done(reader, { kind: 'ssl' });
  if (code === StartupCode.gssEncRequest) return done(reader, { kind: 'gssenc' });
  if (code === StartupCode.cancelRequest) {
    const pid = reader.int32();
    const secretKey = reader.int32();
    return done(reader, { kind: 'cancel', pid, secretKey });
  }
  const majorVersion = code >>> 16;
  const minorVersion = code & 0xffff;
  const params = new Map<string, string>();
  if (majorVersion === 3) {
    for (;;) {
      const name = reader.cstring();
      if (name === '') break;
      params.set(name, reader.cstring());
    }
  } else reader.rest();
  return done(reader, { kind: 'startup', majorVersion, minorVersion, params });
}

/** Decodes a typed message. Unknown types are a ProtocolError. */
export function decodeMessage(message: FramedMessage): FrontendMessage {
  return decodeFrame(message.type, new PayloadReader(message.payload));
}

/** Decodes a typed message of type `type` whose payload `reader` reads. */
export function decodeFrame(type: number, reader: PayloadReader): FrontendMessage {
  switch (type) {
    case FrontendCode.query:
      return done(reader, { kind: 'query', sql: reader.cstring() });
    case FrontendCode.parse:
      return decodeParse(reader);
    case FrontendCode.bind:
      return decodeBind(reader);
    case FrontendCode.describe:
    case FrontendCode.close: {
      const target = decodeTarget(reader.int8());
      const name = reader.name();
      const kind = type === FrontendCode.describe ? 'describe' : 'close';
      return done(reader, { kind, target, name });
    }
    case FrontendCode.execute: {
      const portal = reader.name();
      const maxRows = reader.int32();
      return done(reader, { kind: 'execute', portal, maxRows: maxRows < 0 ? 0 : maxRows });
    }
    case FrontendCode.flush:
      return done(reader, FLUSH);
    case FrontendCode.sync:
      return done(reader, SYNC);
    case FrontendCode.terminate:
      return done(reader, TERMINATE);
    case FrontendCode.password:
      return { kind: 'password', payload: reader.rest() };
    case FrontendCode.copyData:
      return { kind: 'copyData', data: reader.rest() };
    case FrontendCode.copyDone:
      return done(reader, COPY_DONE);
    case FrontendCode.copyFail:
      return done(reader, { kind: 'copyFail', message: reader.cstring() });
    case FrontendCode.functionCall:
      reader.rest();
      return FUNCTION_CALL;
    default:
      throw new ProtocolError(`invalid frontend message type ${type}`);
  }
}

const FLUSH: FrontendMessage = Object.freeze({ kind: 'flush' });
const SYNC: FrontendMessage = Object.freeze({ kind: 'sync' });
const TERMINATE: FrontendMessage = Object.freeze({ kind: 'terminate' });
const COPY_DONE: FrontendMessage = Object.freeze({ kind: 'copyDone' });
const FUNCTION_CALL: FrontendMessage = Object.freeze({ kind: 'functionCall' });
const NO_FORMATS: readonly FormatCode[] = Object.freeze([]);
const TEXT_FORMAT: readonly FormatCode[] = Object.freeze([0]);
const BINARY_FORMAT: readonly FormatCode[] = Object.freeze([1]);

function decodeParse(reader: PayloadReader): FrontendMessage {
  const name = reader.name();
  const sql = reader.cstring();
  const count = reader.uint16();
  const paramTypeOids = new Array<number>(count);
  for (let i = 0; i < count; i++) paramTypeOids[i] = reader.uint32();
  return done(reader, { kind: 'parse', name, sql, paramTypeOids });
}

function decodeBind(reader: PayloadReader): FrontendMessage {
  const portal = reader.name();
  const statement = reader.name();
  const paramFormats = decodeFormats(reader);
  const count = reader.uint16();
  const params = new Array<Buffer | string | null>(count);
  for (let i = 0; i < count; i++) {
    const length = reader.int32();
    if (length < -1) throw new ProtocolError(`invalid length ${length} of bind parameter ${i + 1}`);
    // The format of parameter i under Bind's rules (a count mismatch is rejected at bind).
    const binary = (paramFormats.length === 1 ? paramFormats[0] : paramFormats[i]) === 1;
    params[i] = length === -1 ? null : binary ? reader.bytes(length) : reader.text(length);
  }
  const resultFormats = decodeFormats(reader);
  return done(reader, { kind: 'bind', portal, statement, paramFormats, params, resultFormats });
}

function decodeFormats(reader: PayloadReader): readonly FormatCode[] {
  const count = reader.uint16();
  if (count * 2 > reader.remaining) throw new ProtocolError('invalid message format');
  if (count === 0) return NO_FORMATS;
  if (count === 1) {
    const code = formatCode(reader.int16());
    return code === 0 ? TEXT_FORMAT : BINARY_FORMAT;
  }
  const formats = new Array<FormatCode>(count);
  for (let i = 0; i < count; i++) formats[i] = formatCode(reader.int16());
  return formats;
}

function formatCode(code: number): FormatCode {
  if (code !== 0 && code !== 1) throw new SqlError(SQLSTATE.invalidParameterValue, `unsupported format code: ${code}`);
  return code;
}

function decodeTarget(byte: number): 'S' | 'P' {
  if (byte === 0x53) return 'S';
  if (byte === 0x50) return 'P';
  throw new ProtocolError(`invalid DESCRIBE/CLOSE message subtype ${byte}`);
}

function done<T>(reader: PayloadReader, value: T): T {
  reader.done();
  return value;
}
