import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKlyngeSchema } from '../../src/graphql/schema.js';
import { EXAMPLE_QUERY, MORE_EXAMPLES, SUBSCRIPTION_EXAMPLE } from '../../src/server/graphiql.js';
import { type TestApi, createTestApi } from '../helpers/api.js';

// The queries GraphiQL preloads are the analysts' first contact: each must be valid and return data.
describe('GraphiQL example queries', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api?.dispose());

  it.each([EXAMPLE_QUERY, ...MORE_EXAMPLES].map((q) => [q.split('\n')[0], q]))('%s', async (_title, query) => {
    expect(validate(await buildKlyngeSchema(), parse(query))).toEqual([]);
    const result = await api.query(query);
    expect(result.errors).toBeUndefined();
    expect(JSON.stringify(result.data)).not.toMatch(/^\{("\w+":(null|\[\]),?)*\}$/);
  });

  // Run over graphql-ws in the browser test (test/e2e/graphiql.browser.test.ts).
  it('the "Live changes" subscription is valid', async () => {
    expect(validate(await buildKlyngeSchema(), parse(SUBSCRIPTION_EXAMPLE))).toEqual([]);
  });
});
