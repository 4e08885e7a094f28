/**
 * RowDescription caching (BackendWriter.rowDescription): a field list described again is copied
 * from its first encoding, per format code; pg-protocol parses every copy as the fields with
 * the requested formats, and per-column formats are encoded afresh. Short ASCII and non-ASCII
 * C strings (CommandComplete tags) encode the same by either path.
 */
import { PassThrough } from 'node:stream';
import { parse } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import { BackendWriter } from '../../src/wire/backend-writer.js';
import type { FieldDescription } from '../../src/sql/session-api.js';

async function parsed(bytes: Buffer): Promise<Array<Record<string, unknown>>> {
  const stream = new PassThrough();
  const out: Array<Record<string, unknown>> = [];
  const done = parse(stream, (message) => out.push(message as unknown as Record<string, unknown>));
  stream.end(bytes);
  await done;
  return out;
}

const FIELDS: readonly FieldDescription[] = [
  { name: 'ycsb_key', tableOid: 16384, columnAttr: 1, typeOid: 1043, typeSize: -1, typeModifier: 259 },
  { name: 'fïeld0', tableOid: 16384, columnAttr: 2, typeOid: 25, typeSize: -1, typeModifier: -1 },
];

describe('BackendWriter.rowDescription cache', () => {
  it('copies a described field list from its first encoding, per format code', async () => {
    const writer = new BackendWriter();
    writer.rowDescription(FIELDS, []);
    const first = Buffer.from(writer.buffer.take() ?? Buffer.alloc(0));
    writer.rowDescription(FIELDS, []);
    writer.rowDescription(FIELDS, [0]);
    const again = Buffer.from(writer.buffer.take() ?? Buffer.alloc(0));
    expect(again).toEqual(Buffer.concat([first, first]));
    writer.rowDescription(FIELDS, [1]);
    writer.rowDescription(FIELDS, [1]);
    writer.rowDescription(FIELDS, [0, 1]);
    const messages = await parsed(Buffer.concat([first, writer.buffer.take() ?? Buffer.alloc(0)]));
    const formats = messages.map((m) => (m.fields as Array<{ format: string }>).map((f) => f.format));
    expect(formats).toEqual([['text', 'text'], ['binary', 'binary'], ['binary', 'binary'], ['text', 'binary']]);
    expect((messages[1]?.fields as Array<{ name: string }>).map((f) => f.name)).toEqual(['ycsb_key', 'fïeld0']);
  });

  it('writes C strings the same whether ASCII, non-ASCII or long', async () => {
    const writer = new BackendWriter();
    const tags = ['SELECT 1', 'SÉLECT 2', 'x'.repeat(200), ''];
    for (const tag of tags) writer.commandComplete(tag);
    const messages = await parsed(writer.buffer.take() ?? Buffer.alloc(0));
    expect(messages.map((m) => m.text)).toEqual(tags);
  });
});
