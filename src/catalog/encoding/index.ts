/**
 * Public surface of the key and row encodings (src/catalog/encoding).
 */
export {
  encodeKey, decodeKey, skipKey, writeKeyColumn, isKeyEncodable, keyDecodeIsExact,
  TAG_NULL_FIRST, TAG_NULL_LAST, TAG_VALUE, type KeyColumn,
} from './key-encoding.js';
export { ByteWriter, ENCODED_BYTES_MAX } from './key-writer.js';
export { RowCodec } from './row-encoding.js';
