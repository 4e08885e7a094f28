/**
 * Manifest edit tags added by issue 3 (docs/format.md, "Manifest", version 2): vlogDiscard,
 * removeVlog, addGcVlog and tableVlogRefs round-trip; refs attach to the table just before them.
 */
import { describe, expect, it } from 'vitest';
import { decodeManifestEdit, encodeManifestEdit, type ManifestEdit } from '../../../src/storage/manifest-edit.js';

describe('manifest edit, version 2 tags', () => {
  it('round-trips discard stats, GC segments and per-table value-log references', () => {
    const table = { level: 1, fileNumber: 9, sizeBytes: 100, minTs: 1, maxTs: 5, smallest: Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 1]), largest: Buffer.from([2, 0, 0, 0, 0, 0, 0, 0, 1]) };
    const edit: ManifestEdit = {
      addTables: [{ ...table, vlogRefs: [[3, 1000], [7, 20]] }, { ...table, fileNumber: 10, vlogRefs: [] }, { ...table, fileNumber: 11 }],
      removeTables: [{ level: 0, fileNumber: 4 }],
      vlogDiscards: [[3, 400]],
      removeVlogs: [2],
      addGcVlogs: [12],
    };
    const decoded = decodeManifestEdit(encodeManifestEdit(edit), 'MANIFEST-000001', 0);
    expect(decoded).toEqual(edit);
    const bytes = encodeManifestEdit({ vlogDiscards: [[3, 400]], removeVlogs: [2], addGcVlogs: [12] });
    expect([...bytes]).toEqual([6, 3, 0x90, 0x03, 7, 2, 8, 12]);
  });

  it('value-log references without a table before them are corruption', () => {
    expect(() => decodeManifestEdit(Uint8Array.of(9, 0), 'MANIFEST-000001', 0)).toThrow(/vlog refs without a table/);
  });
});
