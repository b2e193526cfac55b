import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';

// Clients' typed documents come from codegen.yml; the checked-in output must match what codegen
// makes from the current schema and operations (run `npm run codegen` after changing either).
describe('codegen output', () => {
  it('is up to date', async () => {
    const { config } = await loadCodegenConfig({ configFilePath: 'codegen.yml' });
    const outputs = (await generate({ ...config, silent: true }, false)) as { filename: string; content: string }[];
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      expect(output.content, `${output.filename} is stale: run npm run codegen`).toBe(
        await readFile(join(process.cwd(), output.filename), 'utf8'),
      );
    }
  });
});
