/**
 * Encodes server (backend) messages into a BufferWriter. One instance per connection, reused for
 * every message; nothing here allocates per row except what Buffer.write needs.
 * - Every method writes exactly one complete message.
 * - DataRow values: a string is written as UTF-8, a Uint8Array as is, null as length -1; an
 *   EncodedRow (a Uint8Array in place of the row) is the message body already.
 * - A field list given to rowDescription() must not change afterwards (its encoding is cached).
 */
import type { FieldDescription, FormatCode, ResultRow, SqlDiagnostic, TxStatus } from '../sql/session-api.js';
import { AuthCode, BackendCode } from './message-codes.js';
import { BufferWriter } from './buffer-writer.js';
import { EXTRA_FIELDS, type WireDiagnostic } from './error-diagnostic.js';

export class BackendWriter {
  readonly buffer = new BufferWriter();
  /** Encoded RowDescription messages by field list, per format code. */
  private readonly rowDescriptions = new WeakMap<readonly FieldDescription[], Uint8Array[]>();
  /** The field list described last and its encodings: a hot statement skips the WeakMap. */
  private lastFields: readonly FieldDescription[] | undefined;
  private lastEncoded: Uint8Array[] = [];

  authentication(code: number, extra?: Uint8Array): void {
    this.buffer.beginMessage(BackendCode.authentication);
    this.buffer.int32(code);
    if (extra !== undefined) this.buffer.bytes(extra);
    this.buffer.endMessage();
  }

  authenticationSasl(mechanisms: readonly string[]): void {
    this.buffer.beginMessage(BackendCode.authentication);
    this.buffer.int32(AuthCode.sasl);
    for (const mechanism of mechanisms) this.buffer.cstring(mechanism);
    this.buffer.int8(0);
    this.buffer.endMessage();
  }

  /** NotificationResponse: a NOTIFY of backend `pid` on `channel` (LISTEN). */
  notificationResponse(pid: number, channel: string, payload: string): void {
    this.buffer.beginMessage(BackendCode.notificationResponse);
    this.buffer.int32(pid);
    this.buffer.cstring(channel);
    this.buffer.cstring(payload);
    this.buffer.endMessage();
  }

  parameterStatus(name: string, value: string): void {
    this.buffer.beginMessage(BackendCode.parameterStatus);
    this.buffer.cstring(name);
    this.buffer.cstring(value);
    this.buffer.endMessage();
  }

  backendKeyData(pid: number, secretKey: number): void {
    this.buffer.beginMessage(BackendCode.backendKeyData);
    this.buffer.int32(pid);
    this.buffer.int32(secretKey);
    this.buffer.endMessage();
  }

  negotiateProtocolVersion(minorVersion: number, unrecognized: readonly string[]): void {
    this.buffer.beginMessage(BackendCode.negotiateProtocolVersion);
    this.buffer.int32(minorVersion);
    this.buffer.int32(unrecognized.length);
    for (const option of unrecognized) this.buffer.cstring(option);
    this.buffer.endMessage();
  }

  readyForQuery(status: TxStatus): void {
    this.buffer.beginMessage(BackendCode.readyForQuery);
    this.buffer.int8(status.charCodeAt(0));
    this.buffer.endMessage();
  }

  /**
   * formats: as Bind gave them (0 codes = all text, 1 = all that, else one per field). With one
   * code for all fields, the message is encoded once per field list (a prepared statement's list
   * is the same array on every Describe) and copied from then on.
   */
  rowDescription(fields: readonly FieldDescription[], formats: readonly FormatCode[]): void {
    if (formats.length > 1) {
      this.encodeRowDescription(fields, formats);
      return;
    }
    const format = formats[0] ?? 0;
    let encoded = fields === this.lastFields ? this.lastEncoded : this.rowDescriptions.get(fields);
    if (encoded === undefined) {
      encoded = [];
      this.rowDescriptions.set(fields, encoded);
    }
    const bytes = encoded[format];
    if (bytes === undefined) {
      this.encodeRowDescription(fields, formats);
      encoded[format] = this.buffer.copyLastMessage();
    } else this.buffer.bytes(bytes);
    this.lastFields = fields;
    this.lastEncoded = encoded;
  }

  private encodeRowDescription(fields: readonly FieldDescription[], formats: readonly FormatCode[]): void {
    this.buffer.beginMessage(BackendCode.rowDescription);
    this.buffer.int16(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as FieldDescription;
      this.buffer.cstring(field.name);
      this.buffer.int32(field.tableOid);
      this.buffer.int16(field.columnAttr);
      this.buffer.int32(field.typeOid);
      this.buffer.int16(field.typeSize);
      this.buffer.int32(field.typeModifier);
      this.buffer.int16(formatAt(formats, i));
    }
    this.buffer.endMessage();
  }

  dataRow(row: ResultRow): void {
    this.buffer.beginMessage(BackendCode.dataRow);
    if (!Array.isArray(row)) {
      this.buffer.bytes(row);
      this.buffer.endMessage();
      return;
    }
    this.buffer.int16(row.length);
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      if (value === null || value === undefined) this.buffer.int32(-1);
      else if (typeof value === 'string') this.buffer.lengthPrefixedText(value);
      else {
        this.buffer.int32(value.length);
        this.buffer.bytes(value);
      }
    }
    this.buffer.endMessage();
  }

  commandComplete(tag: string): void {
    this.buffer.beginMessage(BackendCode.commandComplete);
    this.buffer.cstring(tag);
    this.buffer.endMessage();
  }

  /** ErrorResponse ('E') or NoticeResponse ('N') with PostgreSQL's field codes. */
  diagnostic(diag: SqlDiagnostic | WireDiagnostic, notice: boolean): void {
    this.buffer.beginMessage(notice ? BackendCode.noticeResponse : BackendCode.errorResponse);
    this.field(0x53, diag.severity); // 'S'
    this.field(0x56, diag.severity); // 'V'
    this.field(0x43, diag.code); // 'C'
    this.field(0x4d, diag.message); // 'M'
    if (diag.detail !== undefined) this.field(0x44, diag.detail); // 'D'
    if (diag.hint !== undefined) this.field(0x48, diag.hint); // 'H'
    if (diag.position !== undefined) this.field(0x50, String(diag.position)); // 'P'
    for (const [name, code] of EXTRA_FIELDS) {
      const value = (diag as WireDiagnostic)[name];
      if (typeof value === 'string') this.field(code, value);
    }
    this.buffer.int8(0);
    this.buffer.endMessage();
  }

  parameterDescription(typeOids: readonly number[]): void {
    this.buffer.beginMessage(BackendCode.parameterDescription);
    this.buffer.int16(typeOids.length);
    for (const oid of typeOids) this.buffer.int32(oid);
    this.buffer.endMessage();
  }

  /** CopyInResponse ('G') or CopyOutResponse ('H'). */
  copyResponse(code: number, overall: FormatCode, columns: readonly FormatCode[]): void {
    this.buffer.beginMessage(code);
    this.buffer.int8(overall);
    this.buffer.int16(columns.length);
    for (const format of columns) this.buffer.int16(format);
    this.buffer.endMessage();
  }

  copyData(data: Uint8Array): void {
    this.buffer.beginMessage(BackendCode.copyData);
    this.buffer.bytes(data);
    this.buffer.endMessage();
  }

  /** ParseComplete, BindComplete, CloseComplete, NoData, PortalSuspended, EmptyQuery, CopyDone. */
  simple(code: number): void {
    this.buffer.emptyMessage(code);
  }

  private field(code: number, value: string): void {
    this.buffer.int8(code);
    this.buffer.cstring(value);
  }
}

/** The format of column i under the Bind rules for result format codes. */
export function formatAt(formats: readonly FormatCode[], i: number): FormatCode {
  if (formats.length === 0) return 0;
  if (formats.length === 1) return formats[0] as FormatCode;
  return formats[i] ?? 0;
}
