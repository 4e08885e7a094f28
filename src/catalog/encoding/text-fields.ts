/**
 * Text fields: a row's values in PostgreSQL's text output, laid out as the body of the protocol's
 * DataRow message, so a server copies a row printed this way into its output as it is.
 *
 *   fields := count:int16 field*            (big-endian)
 *   field  := length:int32 bytes[length]    (length -1, no bytes: NULL)
 *
 * - The bytes of a field are the UTF-8 of the value's text output.
 * - Written by RowCodec.writeTextFields and KeyColumnTexts.writeField into a reused ByteWriter.
 */
import type { ByteWriter } from './key-writer.js';

/** Writes one non-NULL field: the UTF-8 of `text`, after its byte length. */
export function writeTextField(w: ByteWriter, text: string): void {
  const lengthAt = w.pos;
  w.int32(0);
  w.putInt32(w.utf8(text), lengthAt);
}
