/**
 * The decoded entries of one restart run of a block, kept by a BlockIterator moving backwards.
 * Prefix compression means an entry's key can only be rebuilt by decoding forward from its restart
 * point; without this cache every prev() re-decodes up to restartInterval entries (as LevelDB does),
 * with it a backward walk decodes each run once (as RocksDB's BlockIter does).
 *
 * Invariants:
 * - Entries 0..count−1 are consecutive entries of the run starting at restart `restartIndex` of the
 *   block the iterator holds, in order; the cache is cleared whenever the iterator changes blocks.
 * - Key bytes are copies: they stay valid while the iterator's own key buffer is rewritten.
 */
export class BlockRunCache {
  restartIndex = -1;
  count = 0;
  private offsets = new Int32Array(32);
  private nextOffsets = new Int32Array(32);
  private valueStarts = new Int32Array(32);
  private valueLengths = new Int32Array(32);
  private keyStarts = new Int32Array(33);
  private keyBytes = new Uint8Array(1024);

  clear(restartIndex = -1): void {
    this.restartIndex = restartIndex;
    this.count = 0;
  }

  /** Appends the entry at `offset` whose full key is key[0..keyLength). */
  record(offset: number, nextOffset: number, valueStart: number, valueLength: number, key: Uint8Array, keyLength: number): void {
    const j = this.count;
    if (j + 1 >= this.offsets.length) this.grow();
    const keyStart = this.keyStarts[j] as number;
    if (keyStart + keyLength > this.keyBytes.length) {
      const grown = new Uint8Array(Math.max(keyStart + keyLength, this.keyBytes.length * 2));
      grown.set(this.keyBytes.subarray(0, keyStart));
      this.keyBytes = grown;
    }
    const bytes = this.keyBytes;
    for (let i = 0; i < keyLength; i++) bytes[keyStart + i] = key[i] as number;
    this.offsets[j] = offset;
    this.nextOffsets[j] = nextOffset;
    this.valueStarts[j] = valueStart;
    this.valueLengths[j] = valueLength;
    this.keyStarts[j + 1] = keyStart + keyLength;
    this.count = j + 1;
  }

  offsetOf(j: number): number {
    return this.offsets[j] as number;
  }
  nextOffsetOf(j: number): number {
    return this.nextOffsets[j] as number;
  }
  valueStartOf(j: number): number {
    return this.valueStarts[j] as number;
  }
  valueLengthOf(j: number): number {
    return this.valueLengths[j] as number;
  }

  /** Copies entry j's key into target (which must have room); returns its length. */
  copyKey(j: number, target: Uint8Array): number {
    const start = this.keyStarts[j] as number;
    const n = (this.keyStarts[j + 1] as number) - start;
    const bytes = this.keyBytes;
    for (let i = 0; i < n; i++) target[i] = bytes[start + i] as number;
    return n;
  }

  keyLengthOf(j: number): number {
    return (this.keyStarts[j + 1] as number) - (this.keyStarts[j] as number);
  }

  private grow(): void {
    const n = this.offsets.length * 2;
    this.offsets = grownInt32(this.offsets, n);
    this.nextOffsets = grownInt32(this.nextOffsets, n);
    this.valueStarts = grownInt32(this.valueStarts, n);
    this.valueLengths = grownInt32(this.valueLengths, n);
    this.keyStarts = grownInt32(this.keyStarts, n + 1);
  }
}

function grownInt32(source: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(size);
  out.set(source);
  return out;
}
