/**
 * The byte layouts of docs/format.md pinned by golden encodings (superblock, log record framing,
 * commit record, value pointer, value-log record, manifest edit) and round trips through the
 * decoders. A failing test here means the on-disk format changed: bump its version and docs.
 */
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/util/crc32.js';
import { decodeCommitRecord, encodeCommitRecord } from '../../src/storage/commit-record.js';
import { CommitGroupBuffer, decodeCommitPayload, encodeCommitGroup } from '../../src/storage/commit-group.js';
import { KIND_POINTER, KIND_TOMBSTONE, KIND_VALUE } from '../../src/storage/internal-key.js';
import { encodeLogRecord, encodeLogRecords, LOG_HEADER_BYTES } from '../../src/storage/log-record.js';
import { decodeManifestEdit, encodeManifestEdit } from '../../src/storage/manifest-edit.js';
import { encodeSuperblock, readSuperblock } from '../../src/storage/superblock.js';
import { ValueLog } from '../../src/storage/value-log.js';
import { decodeValuePointer, encodeValuePointer } from '../../src/storage/value-pointer.js';
import { MemoryVfs } from '../../src/storage/vfs-memory.js';
import { enc } from './storage-helpers.js';

const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const u32 = (value: number): string => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return b.toString('hex');
};

describe('on-disk formats (docs/format.md)', () => {
  it('superblock: magic, version, sequence, manifest number, crc', async () => {
    const block = encodeSuperblock({ sequence: 7, manifestNumber: 0x1234 });
    const body = `${u32(0x42535453)}${u32(1)}${u32(7)}${u32(0x1234)}`;
    expect(hexOf(block)).toBe(body + u32(crc32(Buffer.from(body, 'hex'))));
    const vfs = new MemoryVfs();
    vfs.mkdirp('/d');
    await vfs.writeFileSynced('/d/SUPER-1', block);
    await vfs.writeFileSynced('/d/SUPER-0', encodeSuperblock({ sequence: 6, manifestNumber: 3 }));
    expect(readSuperblock(vfs, '/d', false)).toEqual({ sequence: 7, manifestNumber: 0x1234 });
  });

  it('log record: length, payload crc, header crc, payload', () => {
    const payload = enc('abc');
    const head = `${u32(3)}${u32(crc32(payload))}`;
    const expected = head + u32(crc32(Buffer.from(head, 'hex'))) + '616263';
    expect(hexOf(encodeLogRecord(payload))).toBe(expected);
    expect(hexOf(encodeLogRecords([payload, payload]))).toBe(expected + expected);
  });

  it('commit record: ts u64le, count, entries by kind', () => {
    const pointer = encodeValuePointer({ segment: 5, offset: 300, length: 20 });
    expect(hexOf(pointer)).toBe('05ac0214');
    const entries = [
      { key: enc('k'), kind: KIND_VALUE, value: enc('vv') },
      { key: enc('d'), kind: KIND_TOMBSTONE, value: new Uint8Array(0) },
      { key: enc('p'), kind: KIND_POINTER, value: pointer },
    ];
    const record = encodeCommitRecord(2 ** 32 + 9, entries);
    expect(hexOf(record)).toBe('0900000001000000' + '03' + '01016b027676' + '000164' + '020170' + '04' + '05ac0214');
    const decoded = decodeCommitRecord(record, 'x.log', 0);
    expect(decoded.commitTs).toBe(2 ** 32 + 9);
    expect(decoded.entries.map((e) => [hexOf(e.key), e.kind, hexOf(e.value)])).toEqual(entries.map((e) => [hexOf(e.key), e.kind, hexOf(e.value)]));
    expect(decodeValuePointer(pointer)).toEqual({ segment: 5, offset: 300, length: 20 });
    expect(() => decodeCommitRecord(record.subarray(0, record.length - 1), 'x.log', 0)).toThrow(/corruption in x\.log/);
  });

  it('commit group buffer: the same framed record as encoding each commit record, then the group, then the log framing', () => {
    const pointer = encodeValuePointer({ segment: 5, offset: 300, length: 20 });
    const commits = [
      { ts: 7, entries: [{ key: enc('k'), kind: KIND_VALUE, value: enc('vv') }, { key: enc('d'), kind: KIND_TOMBSTONE, value: new Uint8Array(0) }] },
      { ts: 2 ** 40 + 1, entries: [] },
      { ts: 2 ** 40 + 2, entries: [{ key: new Uint8Array(300).fill(1), kind: KIND_VALUE, value: new Uint8Array(200).fill(2) }, { key: enc('p'), kind: KIND_POINTER, value: pointer }] },
    ];
    const group = new CommitGroupBuffer();
    for (let round = 0; round < 2; round++) {
      // Twice: a reset buffer encodes the next group alone.
      for (const commit of commits) {
        for (const e of commit.entries) group.add(e.key, e.kind, e.value);
        group.endCommit(commit.ts);
      }
      const record = group.encodeRecord();
      const expected = encodeLogRecords([encodeCommitGroup(commits.map((c) => encodeCommitRecord(c.ts, c.entries)))]);
      expect(hexOf(record)).toBe(hexOf(expected));
      const decoded = decodeCommitPayload(record.subarray(LOG_HEADER_BYTES), 'x.log', 0);
      expect(decoded.map((r) => [r.commitTs, r.entries.length])).toEqual(commits.map((c) => [c.ts, c.entries.length]));
      group.reset();
      expect(group.entryCount).toBe(0);
      expect(group.commitCount).toBe(0);
    }
  });

  it('value-log record: crc, key length, value length, key, value', async () => {
    const vfs = new MemoryVfs();
    vfs.mkdirp('/d');
    let next = 10;
    const vlog = new ValueLog(vfs, '/d', 1 << 20, () => next++);
    await vlog.rotateIfFull();
    const pointer = vlog.append(enc('key'), enc('value'));
    await vlog.sync();
    expect(pointer).toEqual({ segment: 10, offset: 0, length: 12 + 3 + 5 });
    const body = `${u32(3)}${u32(5)}6b657976616c7565`;
    const file = vfs.openRead('/d/000010.vlog');
    expect(hexOf(file.read(0, 20))).toBe(u32(crc32(Buffer.from(body, 'hex'))) + body);
    expect(Buffer.from(vlog.read(pointer, enc('key'))).toString()).toBe('value');
    expect(() => vlog.read(pointer, enc('other'))).toThrow(/belongs to another key/);
  });

  it('manifest edit: tagged fields', () => {
    const edit = {
      nextFileNumber: 9,
      lastTs: 300,
      logCheckpoint: 4,
      addTables: [{ level: 0, fileNumber: 7, sizeBytes: 1000, minTs: 1, maxTs: 300, smallest: enc('a'), largest: enc('b') }],
      removeTables: [{ level: 0, fileNumber: 2 }],
    };
    const bytes = encodeManifestEdit(edit);
    expect(hexOf(bytes)).toBe('0109' + '02ac02' + '0304' + '04' + '00' + '07' + 'e807' + '01' + 'ac02' + '0161' + '0162' + '05' + '00' + '02');
    const decoded = decodeManifestEdit(bytes, 'MANIFEST-000001', 0);
    expect({ ...decoded, addTables: decoded.addTables?.map((t) => ({ ...t, smallest: hexOf(t.smallest), largest: hexOf(t.largest) })) }).toEqual({
      ...edit,
      addTables: [{ ...edit.addTables[0], smallest: '61', largest: '62' }],
    });
    expect(() => decodeManifestEdit(Uint8Array.of(99), 'MANIFEST-000001', 0)).toThrow(/unknown tag 99/);
  });
});
