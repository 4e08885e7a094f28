/**
 * Micro benchmark of the in-memory / table-format half of the storage engine:
 * memtable adds/s and gets/s (present and absent keys), table build MB/s, table point gets/s (cached and uncached), and
 * merged + versioned scan rate, per CPU second of this process (the machine is shared).
 * Run: `npx tsx bench/kv/tree-micro.ts [entries]`.
 */
import { BlockCache } from '../../src/storage/block-cache.js';
import { KIND_VALUE } from '../../src/storage/internal-key.js';
import { Memtable } from '../../src/storage/memtable.js';
import { MergingIterator } from '../../src/storage/merging-iterator.js';
import { TableBuilder } from '../../src/storage/table-builder.js';
import { type RandomAccessSource, TableReader } from '../../src/storage/table-reader.js';
import { VersionIterator } from '../../src/storage/version-iterator.js';

const N = Number(process.argv[2] ?? 500_000);
const KEY_BYTES = 16;
const VALUE_BYTES = 16;

function keyOf(i: number, out = Buffer.allocUnsafe(KEY_BYTES)): Buffer {
  out.writeUInt32BE(Math.imul(i, 2654435761) >>> 0, 0); // scattered order
  out.writeUInt32BE(i, 4);
  out.fill(0x61, 8);
  return out;
}

function rate(label: string, count: number, ms: number, unit = 'ops/s'): void {
  console.log(`${label.padEnd(44)} ${Math.round((count / ms) * 1000).toLocaleString('en-US').padStart(14)} ${unit}`);
}

/** CPU time (user + system) of fn in ms: the machine is shared, so wall time would mostly measure others. */
function time(fn: () => number): [number, number] {
  const start = process.cpuUsage();
  const count = fn();
  const used = process.cpuUsage(start);
  return [count, (used.user + used.system) / 1000];
}

// Keys are generated into one scratch buffer per operation (as a caller would have a fresh key),
// not drawn from an array of N buffers, which would measure cache misses on the array instead.
const probe = Buffer.allocUnsafe(KEY_BYTES);
const value = Buffer.alloc(VALUE_BYTES, 0x76);

// Memtable
const memtable = new Memtable();
let [count, ms] = time(() => {
  for (let i = 0; i < N; i++) memtable.add(keyOf(i, probe), i + 1, KIND_VALUE, value);
  return N;
});
rate(`memtable add (${N} random 16-byte keys)`, count, ms);
[count, ms] = time(() => {
  let found = 0;
  for (let i = 0; i < N; i++) if (memtable.get(keyOf(i, probe), N) !== undefined) found++;
  return found;
});
rate('memtable get (hit)', count, ms);
[count, ms] = time(() => {
  let missed = 0;
  for (let i = 0; i < N; i++) if (memtable.get(keyOf(N + i, probe), N) === undefined) missed++;
  return missed;
});
rate('memtable get (absent key)', count, ms);
[count, ms] = time(() => {
  let n = 0;
  const it = memtable.iterator();
  for (it.seekToFirst(); it.valid(); it.next()) {
    it.key();
    it.value();
    n++;
  }
  return n;
});
rate('memtable iterate', count, ms);

// SQL-shaped keys: a common 6-byte table/index prefix, then scattered or ascending primary keys.
for (const ascending of [false, true]) {
  const sqlTable = new Memtable();
  [count, ms] = time(() => {
    for (let i = 0; i < N; i++) {
      probe.fill(0x61);
      probe.writeUInt32BE(0x02400001, 0);
      probe.writeUInt32BE(ascending ? i : Math.imul(i, 2654435761) >>> 0, 6);
      sqlTable.add(probe, i + 1, KIND_VALUE, value);
    }
    return N;
  });
  rate(`memtable add (common prefix, ${ascending ? 'ascending' : 'scattered'})`, count, ms);
}

// Table build from the memtable's sorted stream
const sorted: Array<[Uint8Array, Uint8Array]> = [];
{
  const it = memtable.iterator();
  // Copies, as the flush worker gets them (a contiguous payload, not views scattered over the arena).
  for (it.seekToFirst(); it.valid(); it.next()) sorted.push([Uint8Array.prototype.slice.call(it.key()), Uint8Array.prototype.slice.call(it.value())]);
}
let image = new Uint8Array(0);
const buildOnce = (): number => {
  const builder = new TableBuilder({ blockBytes: 4096, restartInterval: 16, bloomBitsPerKey: 10 });
  for (const [k, v] of sorted) builder.add(k, v);
  image = Uint8Array.prototype.slice.call(builder.finish());
  return image.length;
};
buildOnce(); // warm up the JIT: a flush worker builds many tables
[count, ms] = time(buildOnce);
rate(`table build (${(image.length / 1e6).toFixed(1)} MB image)`, count / 1e6, ms, 'MB/s');
rate('table build', sorted.length, ms, 'entries/s');

const source: RandomAccessSource = {
  path: 'bench.sst',
  size: image.length,
  read: (offset: number, length: number): Uint8Array => image.subarray(offset, Math.min(offset + length, image.length)),
};
for (const [label, cache] of [
  ['table get, block cache holds all', new BlockCache(1 << 30)],
  ['table get, no cache (CRC + parse per get)', undefined],
] as const) {
  const reader = TableReader.open(source, 1, cache);
  [count, ms] = time(() => {
    let found = 0;
    for (let i = 0; i < N; i++) if (reader.get(keyOf((i * 7919) % N, probe), N) !== undefined) found++;
    return found;
  });
  rate(label, count, ms);
}
{
  const reader = TableReader.open(source, 1, new BlockCache(1 << 30));
  [count, ms] = time(() => {
    let misses = 0;
    for (let i = 0; i < N; i++) if (reader.get(keyOf(N + i, probe), N) === undefined) misses++;
    return misses;
  });
  rate('table get, absent key (Bloom filter)', count, ms);
  // Merged, versioned scan over memtable + table.
  const scanTable = TableReader.open(source, 2, new BlockCache(1 << 30));
  [count, ms] = time(() => {
    const it = new VersionIterator(new MergingIterator([memtable.iterator(), scanTable.iterator()]), N);
    let n = 0;
    for (it.seekToFirst(); it.valid(); it.next()) n++;
    it.close();
    return n;
  });
  rate('version scan over memtable + table (2 copies)', count, ms, 'keys/s');
  for (const reverse of [false, true]) {
    [count, ms] = time(() => {
      const it = new VersionIterator(new MergingIterator([scanTable.iterator()]), N);
      let n = 0;
      if (reverse) for (it.seekToLast(); it.valid(); it.prev()) n++;
      else for (it.seekToFirst(); it.valid(); it.next()) n++;
      it.close();
      return n;
    });
    rate(`version scan over one table, ${reverse ? 'reverse' : 'forward'}`, count, ms, 'keys/s');
  }
}
