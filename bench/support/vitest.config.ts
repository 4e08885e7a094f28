// Unit tests of the benchmark drivers (bench/**/*.test.ts), kept out of `npm test`'s default include
// until the lead adds bench/ there: run with `npm run test:bench`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['bench/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
