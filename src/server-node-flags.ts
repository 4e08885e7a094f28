/**
 * The V8 flags the server runs with: the `stratadb` executable's shebang (src/cli.ts), `npm start`
 * (package.json) and the test harness (test/support/stratadb.ts) pass them; a test checks that
 * the three agree. They cannot be set from inside the process: V8 sizes its heap at startup.
 *
 * - `--initial-old-space-size=256` (MiB): a floor under the old generation's GC limit. The server's
 *   live heap is small (~30 MiB: the block and value caches and the memtable's bytes live in
 *   ArrayBuffers, outside it), so V8 kept its limit near twice that and, with a young generation
 *   of comparable size, started incremental marking again right after every mark-compact: under
 *   YCSB A, 30–50 mark-compacts in 15 s (5–20 ms pauses each, the p99.9), each freeing under
 *   1 MiB. With the floor: 3–7 (--trace-gc, same run, same minutes). Like a JVM's -Xms, it is a
 *   limit, not an allocation: memory is used only as garbage accumulates between collections.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=256'];
