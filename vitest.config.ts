import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { __PROCBOX_SNAPSHOT_ID__: JSON.stringify('test') },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
  },
});
