/**
 * The fsync control of the governor sweep (governor-sweep.ts): the file traffic of the engine's
 * write batches with no engine in it. Per batch it writes the batch's values into one file and a
 * commit record's worth of bytes into another, then fdatasyncs both concurrently — one fsync per
 * file, as a group commit of separated values does (DESIGN.md, Write). No memtable, no flush,
 * no compaction, no GC: reads timed beside it show the tail the machine gives a reading thread
 * while the same fsyncs complete (the system calls, the disk's interrupts, the libuv threads
 * waking), which no background budget can remove.
 *
 * Both files are zero-filled and synced before the first batch, and the batches are written round
 * them (wrapping at the end), so each fdatasync flushes data only — as the engine's logs, which keep
 * a zero-filled region ahead of their writes (log-preallocator.ts). Appends would make every sync
 * also commit the file's new size to the journal, a heavier load than the engine's.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes of a commit record per key: the key, its value pointer and the framing, about. */
const RECORD_BYTES_PER_KEY = 40;
/** Size of each zero-filled file (the batches wrap round it). */
const FILE_BYTES = 16 * 1024 * 1024;
const ZEROS = Buffer.alloc(1024 * 1024);

export interface FsyncWriter {
  /** Writes and fdatasyncs one batch of `keys` values of `valueBytes` each. */
  write(keys: number, valueBytes: number): Promise<void>;
  close(): Promise<void>;
}

/** A zero-filled, synced file of FILE_BYTES, and the position of its next write. */
interface ZeroedFile {
  readonly handle: FileHandle;
  position: number;
}

async function openZeroed(path: string): Promise<ZeroedFile> {
  const handle = await open(path, 'w+');
  for (let at = 0; at < FILE_BYTES; at += ZEROS.length) await handle.write(ZEROS, 0, ZEROS.length, at);
  await handle.datasync();
  return { handle, position: 0 };
}

export async function openFsyncWriter(dir: string): Promise<FsyncWriter> {
  const values = await openZeroed(join(dir, 'fsync-control-values'));
  const records = await openZeroed(join(dir, 'fsync-control-records'));
  const bytes = Buffer.alloc(1024 * 1024, 0x5a);
  const writeSynced = async (file: ZeroedFile, length: number): Promise<void> => {
    const size = Math.min(length, bytes.length);
    if (file.position + size > FILE_BYTES) file.position = 0;
    const at = file.position;
    file.position += size;
    await file.handle.write(bytes, 0, size, at);
    await file.handle.datasync();
  };
  return {
    write: async (keys, valueBytes) => {
      await Promise.all([writeSynced(values, keys * valueBytes), writeSynced(records, keys * RECORD_BYTES_PER_KEY)]);
    },
    close: async () => {
      await Promise.all([values.handle.close(), records.handle.close()]);
    },
  };
}
