/**
 * The drop rules of the compaction merge (compaction-merge.ts), table-driven: per user key, every
 * version above the safe point is kept, plus the newest at or below it — unless that one is a
 * tombstone at the bottom level; dropped pointers are counted per segment (discard stats);
 * outputs are cut only between user keys; a GC rewrite remaps pointers and drops dead ones.
 */
import { describe, expect, it } from 'vitest';
import { mergeTables, type MergeRequest } from '../../../src/storage/compaction-merge.js';
import { encodeInternalKey, internalTs, internalUserKey, KIND_POINTER, KIND_TOMBSTONE, KIND_VALUE } from '../../../src/storage/internal-key.js';
import { TableBuilder } from '../../../src/storage/table-builder.js';
import { TableReader } from '../../../src/storage/table-reader.js';
import { decodeValuePointer, encodeValuePointer } from '../../../src/storage/value-pointer.js';
import { crc32 } from '../../../src/util/crc32.js';

const BUILDER = { blockBytes: 128, restartInterval: 4, bloomBitsPerKey: 10 };
type Entry = [key: string, ts: number, kind: number, value: Uint8Array];

function table(entries: Entry[]): Uint8Array {
  const builder = new TableBuilder(BUILDER);
  for (const [key, ts, kind, value] of entries) builder.add(encodeInternalKey(Buffer.from(key), ts, kind), value);
  return Uint8Array.from(builder.finish());
}

function contents(image: Uint8Array): string[] {
  const reader = TableReader.open({ path: 't', size: image.length, read: (o, l) => image.subarray(o, o + l) }, 1, undefined);
  const out: string[] = [];
  const it = reader.iterator();
  for (it.seekToFirst(); it.valid(); it.next()) {
    const kind = it.key()[it.key().length - 1] as number;
    out.push(`${Buffer.from(internalUserKey(it.key())).toString()}@${internalTs(it.key())}:${['del', 'val', 'ptr'][kind]}`);
  }
  return out;
}

const val = Buffer.from('v');
const ptr = (segment: number, offset: number, length: number): Uint8Array => encodeValuePointer({ segment, offset, length });

function request(tables: Uint8Array[], safePointTs: number, dropTombstones: boolean, extra: Partial<MergeRequest> = {}): MergeRequest {
  return { tables, safePointTs, dropTombstones, targetTableBytes: Infinity, perInput: false, builder: BUILDER, ...extra };
}

describe('compaction merge drop rules', () => {
  const newer = table([
    ['a', 9, KIND_VALUE, val],
    ['a', 5, KIND_VALUE, val],
    ['b', 6, KIND_TOMBSTONE, new Uint8Array(0)],
    ['c', 4, KIND_POINTER, ptr(7, 0, 100)],
  ]);
  const older = table([
    ['a', 3, KIND_POINTER, ptr(7, 100, 50)],
    ['b', 2, KIND_POINTER, ptr(8, 0, 70)],
    ['c', 1, KIND_VALUE, val],
  ]);
  const cases: Array<{ name: string; safePoint: number; bottom: boolean; want: string[]; discards: Array<[number, number]> }> = [
    { name: 'safe point 0 keeps every version', safePoint: 0, bottom: true, want: ['a@9:val', 'a@5:val', 'a@3:ptr', 'b@6:del', 'b@2:ptr', 'c@4:ptr', 'c@1:val'], discards: [] },
    { name: 'safe point 5: newest at or below kept, older dropped', safePoint: 5, bottom: false, want: ['a@9:val', 'a@5:val', 'b@6:del', 'b@2:ptr', 'c@4:ptr'], discards: [[7, 50]] },
    { name: 'safe point 6, not bottom: the tombstone stays', safePoint: 6, bottom: false, want: ['a@9:val', 'a@5:val', 'b@6:del', 'c@4:ptr'], discards: [[7, 50], [8, 70]] },
    { name: 'safe point 6, bottom: the tombstone goes too', safePoint: 6, bottom: true, want: ['a@9:val', 'a@5:val', 'c@4:ptr'], discards: [[7, 50], [8, 70]] },
    { name: 'safe point 100, bottom', safePoint: 100, bottom: true, want: ['a@9:val', 'c@4:ptr'], discards: [[7, 50], [8, 70]] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = mergeTables(request([newer, older], c.safePoint, c.bottom));
      expect(result.outputs.flatMap((o) => contents(o.image))).toEqual(c.want);
      expect([...result.discards].sort((x, y) => x[0] - y[0])).toEqual(c.discards);
    });
  }

  it('cuts outputs only between user keys', () => {
    const entries: Entry[] = [];
    for (let k = 0; k < 40; k++) for (let ts = 5; ts >= 1; ts--) entries.push([`key-${String(k).padStart(3, '0')}`, ts, KIND_VALUE, Buffer.alloc(40, k)]);
    const result = mergeTables(request([table(entries)], 0, false, { targetTableBytes: 512 }));
    expect(result.outputs.length).toBeGreaterThan(3);
    const firsts = result.outputs.map((o) => contents(o.image)[0] as string);
    for (const first of firsts) expect(first.endsWith('@5:val'), first).toBe(true);
    expect(result.outputs.reduce((n, o) => n + o.entries, 0)).toBe(200);
  });

  it('a GC rewrite remaps live pointers into the new segment and drops dead ones', () => {
    const record = (key: string, value: string): Buffer => {
      const out = Buffer.alloc(12 + key.length + value.length);
      out.writeUInt32LE(key.length, 4);
      out.writeUInt32LE(value.length, 8);
      out.write(key, 12);
      out.write(value, 12 + key.length);
      out.writeUInt32LE(crc32(out.subarray(4)), 0);
      return out;
    };
    const r1 = record('a', 'one');
    const r2 = record('b', 'two');
    const segmentImage = Buffer.concat([r1, r2]);
    const input = table([
      ['a', 4, KIND_POINTER, ptr(3, 0, r1.length)],
      ['b', 3, KIND_POINTER, ptr(3, r1.length, r2.length)],
      ['c', 2, KIND_POINTER, ptr(9, 0, 10)],
    ]);
    const result = mergeTables(request([input], 0, false, { perInput: true, gc: { segment: 3, image: segmentImage, targetSegment: 11, deadOffsets: [r1.length] } }));
    expect(contents((result.outputs[0] as { image: Uint8Array }).image)).toEqual(['a@4:ptr', 'c@2:ptr']);
    expect(Buffer.from(result.vlogImage ?? []).equals(r1)).toBe(true);
    const reader = TableReader.open({ path: 't', size: result.outputs[0]!.image.length, read: (o, l) => result.outputs[0]!.image.subarray(o, o + l) }, 1, undefined);
    const found = reader.get(Buffer.from('a'), 10);
    expect(decodeValuePointer(found?.value ?? new Uint8Array(0))).toEqual({ segment: 11, offset: 0, length: r1.length });
    expect(result.outputs[0]!.vlogRefs).toEqual([[11, r1.length], [9, 10]]);
  });
});

describe('per-input builders (GC rewrites keep their level\'s filter bits)', () => {
  it('builds output i with inputBuilders[i], aligned with the inputs', () => {
    const entries = (prefix: string): Entry[] => Array.from({ length: 400 }, (_, i): Entry => [`${prefix}${String(i).padStart(4, '0')}`, 5, KIND_VALUE, val]);
    const images = [table(entries('a')), table(entries('b')), table(entries('c'))];
    const l0 = { ...BUILDER, bloomBitsPerKey: 16 };
    const result = mergeTables(request(images, 0, false, { perInput: true, inputBuilders: [l0, BUILDER, l0] }));
    const sizes = result.outputs.map((output) => output.image.length);
    expect(result.outputs.map((output) => output.entries)).toEqual([400, 400, 400]);
    // 6 more bits for 400 keys: 300 bytes of filter (in whole 64-byte lines).
    expect((sizes[0] as number) - (sizes[1] as number)).toBeGreaterThanOrEqual(256);
    expect(sizes[0]).toBe(sizes[2]);
    expect(result.outputs.map((output) => contents(output.image).length)).toEqual([400, 400, 400]);
  });
});

