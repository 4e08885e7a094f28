/**
 * PayloadReader.cstring: short ASCII strings (built by hand) and everything else (decoded as
 * UTF-8) read the same, consume exactly through the NUL, and a missing NUL is a ProtocolError;
 * text(n) decodes exactly n bytes.
 */
import { describe, expect, it } from 'vitest';
import { PayloadReader } from '../../src/wire/payload-reader.js';
import { ProtocolError } from '../../src/wire/protocol-error.js';

describe('PayloadReader.cstring', () => {
  it('reads empty, ASCII, non-ASCII and long strings back to back', () => {
    const strings = ['', 'ycsb_read', 'é', 'x'.repeat(32), 'y'.repeat(33), `${'z'.repeat(31)}é`, 'w'.repeat(500)];
    const payload = Buffer.concat([...strings.map((s) => Buffer.from(`${s}\0`)), Buffer.from([0, 7])]);
    const reader = new PayloadReader(payload);
    expect(strings.map(() => reader.cstring())).toEqual(strings);
    expect(reader.int16()).toBe(7);
    reader.done();
  });

  it('rejects a string without its NUL', () => {
    for (const text of ['abc', 'é'.repeat(40)]) {
      expect(() => new PayloadReader(Buffer.from(text)).cstring()).toThrow(ProtocolError);
    }
  });
});

describe('PayloadReader.text', () => {
  it('decodes exactly n bytes as UTF-8 and rejects a length past the payload', () => {
    const payload = Buffer.from('user42héllo😀!');
    const reader = new PayloadReader(payload);
    expect(reader.text(6)).toBe('user42');
    expect(reader.text(0)).toBe('');
    expect(reader.text(Buffer.byteLength('héllo😀'))).toBe('héllo😀');
    expect(() => reader.text(2)).toThrow(ProtocolError);
    expect(() => reader.text(-1)).toThrow(ProtocolError);
    expect(reader.text(1)).toBe('!');
    reader.done();
  });
});
