import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // One production build for every test that serves the renderer or inspects out/ (see the file).
    globalSetup: ['tests/buildApp.globalSetup.ts'],
    // Real documents and real SQLite: some tests ingest whole standards, so allow them time.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
