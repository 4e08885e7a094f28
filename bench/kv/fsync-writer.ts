/**
 * The fsync control of the governor sweep (governor-sweep.ts): the file traffic of the engine's
 * write batches with no engine in it. Per batch it appends the batch's values to one file and a
 * commit record's worth of bytes to another, then fdatasyncs both concurrently — one fsync per
 * file, as a group commit of separated values does (DESIGN.md, Write). No memtable, no flush,
 * no compaction, no GC: reads timed beside it show the tail the machine gives a reading thread
 * while the same fsyncs complete (the system calls, the disk's interrupts, the libuv threads
 * waking), which no background budget can remove.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes of a commit record per key: the key, its value pointer and the framing, about. */
const RECORD_BYTES_PER_KEY = 40;

export interface FsyncWriter {
  /** Appends and fdatasyncs one batch of `keys` values of `valueBytes` each. */
  write(keys: number, valueBytes: number): Promise<void>;
  close(): Promise<void>;
}

export async function openFsyncWriter(dir: string): Promise<FsyncWriter> {
  const values: FileHandle = await open(join(dir, 'fsync-control-values'), 'a');
  const records: FileHandle = await open(join(dir, 'fsync-control-records'), 'a');
  const bytes = Buffer.alloc(1024 * 1024, 0x5a);
  const append = async (file: FileHandle, length: number): Promise<void> => {
    await file.write(bytes, 0, Math.min(length, bytes.length));
    await file.datasync();
  };
  return {
    write: async (keys, valueBytes) => {
      await Promise.all([append(values, keys * valueBytes), append(records, keys * RECORD_BYTES_PER_KEY)]);
    },
    close: async () => {
      await Promise.all([values.close(), records.close()]);
    },
  };
}
