/**
 * An append-only writer of server messages into a slab buffer that is handed to the socket without
 * copying.
 * - Bytes in [flushed, offset) are pending; take() returns them as a view and moves `flushed` past
 *   them. A view returned by take() is never written again: the writer only appends after it, and a
 *   new slab is allocated when the current one is full (the socket may still hold the old one).
 * - beginMessage()/endMessage() bracket one message; the length is patched in at endMessage().
 *   A message never straddles two slabs.
 */
import { assert } from '../util/index.js';

const SLAB_BYTES = 64 * 1024;
/** Strings up to this many UTF-16 units are tried as ASCII first. */
const SHORT_TEXT_CHARS = 64;

export class BufferWriter {
  private slab: Buffer = Buffer.allocUnsafe(SLAB_BYTES);
  private offset = 0;
  private flushed = 0;
  private messageStart = -1;
  /** Start of the last message ended (for copyLastMessage()). */
  private lastMessageStart = -1;

  /** Pending bytes not yet taken. */
  get pendingBytes(): number {
    return this.offset - this.flushed;
  }

  /** Returns the pending bytes (a view the caller may keep) or undefined if none. */
  take(): Buffer | undefined {
    assert(this.messageStart < 0, 'take() inside a message');
    if (this.offset === this.flushed) return undefined;
    const view = this.slab.subarray(this.flushed, this.offset);
    this.flushed = this.offset;
    this.lastMessageStart = -1;
    if (this.slab.length - this.offset < 512) this.renew(0);
    return view;
  }

  beginMessage(code: number): void {
    assert(this.messageStart < 0, 'nested message');
    this.ensure(5);
    this.messageStart = this.offset;
    this.slab[this.offset] = code;
    this.offset += 5;
  }

  endMessage(): void {
    assert(this.messageStart >= 0, 'endMessage() without beginMessage()');
    this.putInt32(this.offset - this.messageStart - 1, this.messageStart + 1);
    this.lastMessageStart = this.messageStart;
    this.messageStart = -1;
  }

  /** A copy of the message just ended (call right after endMessage(), before anything else). */
  copyLastMessage(): Uint8Array {
    assert(this.messageStart < 0 && this.lastMessageStart >= 0, 'no message just ended');
    return Uint8Array.prototype.slice.call(this.slab, this.lastMessageStart, this.offset);
  }

  /** Writes a whole message whose body is only a type byte. */
  emptyMessage(code: number): void {
    this.beginMessage(code);
    this.endMessage();
  }

  int8(value: number): void {
    this.ensure(1);
    this.slab[this.offset++] = value & 0xff;
  }

  int16(value: number): void {
    this.ensure(2);
    const slab = this.slab;
    slab[this.offset] = (value >>> 8) & 0xff;
    slab[this.offset + 1] = value & 0xff;
    this.offset += 2;
  }

  int32(value: number): void {
    this.ensure(4);
    this.putInt32(value, this.offset);
    this.offset += 4;
  }

  /** A NUL-terminated UTF-8 string. Short ASCII strings are copied by hand (no native call). */
  cstring(value: string): void {
    const length = value.length;
    if (length <= SHORT_TEXT_CHARS) {
      this.ensure(length + 1);
      const slab = this.slab;
      const start = this.offset;
      let i = 0;
      for (; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code >= 0x80 || code === 0) break;
        slab[start + i] = code;
      }
      if (i === length) {
        slab[start + length] = 0;
        this.offset = start + length + 1;
        return;
      }
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.ensure(bytes + 1);
    this.offset += this.slab.write(value, this.offset, bytes, 'utf8');
    this.slab[this.offset++] = 0;
  }

  /** UTF-8 text without a terminator or a length; returns its byte length. */
  text(value: string): number {
    const bytes = Buffer.byteLength(value, 'utf8');
    this.ensure(bytes);
    this.offset += this.slab.write(value, this.offset, bytes, 'utf8');
    return bytes;
  }

  /** An int32 length then UTF-8 text. Short ASCII strings are copied by hand (no native call). */
  lengthPrefixedText(value: string): void {
    const length = value.length;
    if (length <= SHORT_TEXT_CHARS) {
      this.ensure(length + 4);
      const slab = this.slab;
      const start = this.offset + 4;
      let i = 0;
      for (; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code >= 0x80) break;
        slab[start + i] = code;
      }
      if (i === length) {
        this.putInt32(length, this.offset);
        this.offset = start + length;
        return;
      }
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.ensure(bytes + 4);
    this.slab.writeInt32BE(bytes, this.offset);
    this.offset += 4;
    this.offset += this.slab.write(value, this.offset, bytes, 'utf8');
  }

  bytes(value: Uint8Array): void {
    this.ensure(value.length);
    this.slab.set(value, this.offset);
    this.offset += value.length;
  }

  private putInt32(value: number, at: number): void {
    const slab = this.slab;
    slab[at] = (value >>> 24) & 0xff;
    slab[at + 1] = (value >>> 16) & 0xff;
    slab[at + 2] = (value >>> 8) & 0xff;
    slab[at + 3] = value & 0xff;
  }

  /** Makes room for n more bytes, moving the message being written to a new slab if needed. */
  private ensure(n: number): void {
    if (this.offset + n <= this.slab.length) return;
    this.renew(n);
  }

  /** Starts a new slab holding the pending bytes (and the open message) plus room for n bytes. */
  private renew(n: number): void {
    const keepFrom = this.flushed;
    const kept = this.offset - keepFrom;
    const size = Math.max(SLAB_BYTES, kept + n + 1024);
    const next = Buffer.allocUnsafe(size);
    this.slab.copy(next, 0, keepFrom, this.offset);
    if (this.messageStart >= 0) this.messageStart -= keepFrom;
    this.lastMessageStart = -1;
    this.slab = next;
    this.offset = kept;
    this.flushed = 0;
  }
}
