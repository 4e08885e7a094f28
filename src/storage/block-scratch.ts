/**
 * A growable scratch byte buffer that hands out views of its first n bytes, cached per n.
 * Creating a typed-array view costs ~35–55 ns here; iterators hand out one per key, so reusing
 * them matters on scans.
 *
 * Invariants:
 * - view(n) always covers bytes 0..n of the current buffer; growing the buffer drops the cache.
 * - A view's contents change whenever the buffer is rewritten: callers hand views out only with
 *   the "valid until the next move" contract of InternalIterator.
 */
const VIEW_CACHE_LENGTH_MAX = 256;

export class ScratchViews {
  private bytes: Uint8Array;
  private views: Array<Uint8Array | undefined> = [];

  constructor(initialBytes = 64) {
    this.bytes = new Uint8Array(initialBytes);
  }

  /** The buffer, grown (contents kept) to hold at least n bytes. */
  reserve(n: number): Uint8Array {
    if (n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(n, this.bytes.length * 2));
      grown.set(this.bytes);
      this.bytes = grown;
      this.views = [];
    }
    return this.bytes;
  }

  /** A view of bytes 0..n (n <= the reserved size). */
  view(n: number): Uint8Array {
    if (n > VIEW_CACHE_LENGTH_MAX) return this.bytes.subarray(0, n);
    let v = this.views[n];
    if (v === undefined) {
      v = this.bytes.subarray(0, n);
      this.views[n] = v;
    }
    return v;
  }
}
