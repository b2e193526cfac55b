import { createRequire } from 'node:module';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build for the libraries (type-graphql, Apollo); Vite would pick
    // the .mjs build for our own code. Two copies break instanceof checks, so use the one Node uses.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  // swc emits the decorator metadata that MikroORM and type-graphql read.
  plugins: [swc.vite({ tsconfigFile: './tsconfig.json', jsc: { target: 'es2022' } })],
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: ['./test/helpers/setup.ts'],
  },
});
