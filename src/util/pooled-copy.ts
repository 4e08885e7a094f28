/**
 * Fresh copies of small byte ranges (values and keys handed to callers), carved from a pool of
 * large ArrayBuffers.
 *
 * `Uint8Array#slice` gives every copy its own ArrayBuffer: an off-heap backing store the garbage
 * collector must track, ~550 ns for 100 bytes here, and a latency tail (measured: a fresh 4 KiB
 * buffer per pread makes its p99 7–11× its p50, a reused one 1.5–2×). Node's own Buffer pool is
 * 8 KiB, so 1 KiB values still cost a new ArrayBuffer every 8 copies. This pool's chunks are
 * POOL_CHUNK_BYTES, so a 1 KiB value costs one every 250 copies (0.4 %), a 100-byte key one every
 * 2,400. (Measured in the governor sweep's reads: a read that starts a chunk takes ~1.7× the median
 * read, page faults on the chunk's first touches included; with 64 KiB chunks that was 1.6 % of the
 * reads, enough to set their p99.)
 *
 * Invariants:
 * - The result is a plain Uint8Array owned by the caller: no other copy overlaps its bytes and
 *   nothing else writes them.
 * - The next chunk is made (and its pages faulted in) in an event-loop turn of its own, once the
 *   current chunk is half used, so a copy that starts a chunk costs nothing extra unless the
 *   caller copied half a chunk without yielding to the event loop (then it is made inline).
 * - Copies longer than POOLED_COPY_BYTES_MAX get an ArrayBuffer of their own (they would waste a
 *   chunk's tail, and are rare enough that their allocation does not matter).
 * - A copy shares its ArrayBuffer with other copies: holding it keeps its chunk (POOL_CHUNK_BYTES)
 *   alive, as a small Buffer keeps Node's 8 KiB pool chunk alive. Callers that keep a few values
 *   for long (caches) should copy them out (the value cache does).
 */

/** Bytes of one pool chunk. */
export const POOL_CHUNK_BYTES = 256 * 1024;
/** Longest copy taken from the pool (1/16 of a chunk: at most that much of a chunk is left unused). */
export const POOLED_COPY_BYTES_MAX = POOL_CHUNK_BYTES / 16;

/**
 * A new chunk, written through at once, so its pages fault in now, on the one copy that starts it,
 * rather than one copy in four paying a page fault (~2 µs here) as copies reach fresh pages
 * (measured, 1 KiB copies: p99 of a copy 2.2 µs → 0.25 µs; the copy that starts a chunk ~11 µs).
 */
function newChunk(): ArrayBuffer {
  return Buffer.allocUnsafeSlow(POOL_CHUNK_BYTES).fill(0).buffer as ArrayBuffer;
}

let chunk = newChunk();
let chunkUsed = 0;
/** The next chunk, made off the read path (prepareNext, once the current one is half used). */
let nextChunk: ArrayBuffer | undefined;
let preparing = false;

function prepareNext(): void {
  preparing = false;
  nextChunk ??= newChunk();
}

/** A fresh copy of `bytes` as a plain Uint8Array (pooled when short). */
export function pooledCopy(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  if (n > POOLED_COPY_BYTES_MAX) {
    const own = new Uint8Array(n);
    own.set(bytes);
    return own;
  }
  if (chunkUsed + n > POOL_CHUNK_BYTES) {
    chunk = nextChunk ?? newChunk();
    nextChunk = undefined;
    chunkUsed = 0;
  }
  const out = new Uint8Array(chunk, chunkUsed, n);
  out.set(bytes);
  // 8-byte aligned, as Node's pool: the next copy may be viewed as wider typed arrays.
  chunkUsed = (chunkUsed + n + 7) & ~7;
  if (!preparing && nextChunk === undefined && chunkUsed > POOL_CHUNK_BYTES / 2) {
    preparing = true;
    setImmediate(prepareNext);
  }
  return out;
}
