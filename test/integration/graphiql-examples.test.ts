import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKlyngeSchema } from '../../src/graphql/schema.js';
import { EXAMPLE_QUERY, EXAMPLE_VARIABLES, MORE_EXAMPLES, SUBSCRIPTION_EXAMPLE } from '../../src/server/graphiql.js';
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

  it('the Analytics tab answers with its variables: members per county and level, memberships per year, clusters per level on a day', async () => {
    const analytics = MORE_EXAMPLES.find((q) => q.includes('query Analytics('));
    expect(analytics).toBeDefined();
    const byDay = async (on: string) => {
      const result = await api.query<any>(analytics!, { ...EXAMPLE_VARIABLES.Analytics, on });
      expect(result.errors).toBeUndefined();
      return result.data;
    };
    const data = await byDay(EXAMPLE_VARIABLES.Analytics.on as string);
    expect(data.byStatus.membersByCountyAndLevel.length).toBeGreaterThan(0);
    expect(data.all.membershipsByYear.length).toBeGreaterThan(0);
    const total = (d: any) => d.all.clustersByLevel.reduce((sum: number, g: { count: number }) => sum + g.count, 0);
    // Clusters per level over time: none in the programme before it began, some since.
    expect(total(await byDay('1990-01-01'))).toBe(0);
    expect(total(await byDay('2024-01-01'))).toBeGreaterThan(0);
  });

  // Run over graphql-ws in the browser test (test/e2e/graphiql.browser.test.ts).
  it('the "Live changes" subscription is valid', async () => {
    expect(validate(await buildKlyngeSchema(), parse(SUBSCRIPTION_EXAMPLE))).toEqual([]);
  });
});
