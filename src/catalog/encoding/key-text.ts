/**
 * KeyColumnTexts: PostgreSQL's text output of the columns of an encoded key (key-encoding.ts),
 * for printing a row's primary-key columns straight from its row key (RowCodec.writeTextFields).
 *
 * - An ascending text-kind column (text, varchar, name, "char") without an escaped zero byte is
 *   kept as the span of its UTF-8 body inside the key (that body is its text output exactly) and
 *   copied from there; any other column as toText() of its decoded value; NULL as NULL.
 * - One instance is reused row after row: read() replaces what the previous read() found, and
 *   the spans refer to the key last read (no allocation per row for text columns).
 * - Malformed bytes raise XX001, as decodeKey does.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { TypeContext } from '../types/sql-type.js';
import { KIND, kindOf, readBody, type KeyReader } from './key-body.js';
import { TAG_NULL_FIRST, TAG_NULL_LAST, TAG_VALUE, type KeyColumn } from './key-encoding.js';
import type { ByteWriter } from './key-writer.js';
import { writeTextField } from './text-fields.js';

/** starts[k]: column k is NULL. */
const SPAN_NULL = -1;
/** starts[k]: column k is texts[k] (not a span of the key). */
const SPAN_STRING = -2;
const EMPTY_KEY = new Uint8Array(0);

function corrupt(offset: number): SqlError {
  return new SqlError(SQLSTATE.dataCorrupted, `malformed key at offset ${offset}`);
}

export class KeyColumnTexts {
  private key: Uint8Array = EMPTY_KEY;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly texts: Array<string | undefined>;
  private readonly reader: KeyReader = { bytes: EMPTY_KEY, pos: 0, mask: 0 };
  /** Per column: ascending and text-kind (its body may be a span of the key). */
  private readonly plainText: boolean[];

  constructor(private readonly columns: readonly KeyColumn[]) {
    this.starts = new Int32Array(columns.length);
    this.ends = new Int32Array(columns.length);
    this.texts = new Array<string | undefined>(columns.length).fill(undefined);
    this.plainText = columns.map((c) => c.descending !== true && kindOf(c.type) === KIND.text);
  }

  /** Reads the columns encoded in `key` from `offset` on; they stay readable until the next read(). */
  read(key: Uint8Array, offset: number, ctx: TypeContext): void {
    this.key = key;
    const reader = this.reader;
    reader.bytes = key;
    reader.pos = offset;
    const columns = this.columns;
    for (let k = 0; k < columns.length; k++) {
      const tag = key[reader.pos++];
      if (tag === TAG_NULL_FIRST || tag === TAG_NULL_LAST) {
        this.starts[k] = SPAN_NULL;
        continue;
      }
      if (tag !== TAG_VALUE) throw corrupt(reader.pos - 1);
      if (this.plainText[k] === true && this.textSpan(k)) continue;
      const column = columns[k] as KeyColumn;
      reader.mask = column.descending === true ? 0xff : 0;
      this.starts[k] = SPAN_STRING;
      this.texts[k] = column.type.toText(readBody(reader, column.type), ctx);
    }
  }

  /** Writes column k of the key last read as a text field (text-fields.ts). */
  writeField(w: ByteWriter, k: number): void {
    const start = this.starts[k] as number;
    if (start === SPAN_NULL) w.int32(-1);
    else if (start === SPAN_STRING) writeTextField(w, this.texts[k] as string);
    else {
      const end = this.ends[k] as number;
      w.int32(end - start);
      w.range(this.key, start, end);
    }
  }

  /**
   * Records the body of the ascending text column k at the reader's position as a span, advancing
   * past its 0x00 0x01 terminator; false (position unchanged) when the body has an escaped zero
   * (0x00 0xFF), which only decoding turns into its text.
   */
  private textSpan(k: number): boolean {
    const reader = this.reader;
    const bytes = reader.bytes;
    const start = reader.pos;
    // A loop, not indexOf: keys are short, and Buffer's indexOf is a costly call for them.
    let zero = start;
    while (zero < bytes.length && bytes[zero] !== 0) zero++;
    if (zero + 1 >= bytes.length) throw corrupt(start);
    if (bytes[zero + 1] !== 1) return false;
    reader.pos = zero + 2;
    this.starts[k] = start;
    this.ends[k] = zero;
    return true;
  }
}
