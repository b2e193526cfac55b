// MikroORM's AsyncLocalStorage instances switch themselves off whenever none of their runs is in
// progress (src/db/orm-async-context.ts), so reads between writes pay no promise hooks; while a
// flush or transaction runs, its store still follows every await, also when runs overlap.
import { TransactionContext } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enabledOrmStores, ormStoresTracked } from '../../src/db/orm-async-context.js';
import { Cluster } from '../../src/entities/index.js';
import { type TestApi, createTestApi } from '../helpers/api.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("MikroORM's async stores", () => {
  let api: TestApi;
  let editor: string;

  beforeAll(async () => {
    api = await createTestApi();
    editor = await issueToken(api, TokenRole.ADMIN);
  });
  afterAll(() => api.dispose());

  it('are tracked, having been loaded through the module (as src/main.ts loads them)', () => {
    expect(ormStoresTracked).toBe(true);
  });

  it('are all off once a write has committed, and reads leave them off', async () => {
    const { cluster } = await api.data('query { cluster(slug: "gce-subsea") { version } }');
    const result = await api.query(
      'mutation ($input: UpdateClusterInput!) { updateCluster(input: $input) { cluster { description } } }',
      {
        input: {
          cluster: { slug: 'gce-subsea' },
          version: cluster.version,
          description: 'Written while the stores are watched.',
        },
      },
      { token: editor },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.updateCluster.cluster.description).toBe('Written while the stores are watched.');
    expect(enabledOrmStores()).toBe(0);
    await api.data('query { clusters(first: 3) { nodes { slug } } }');
    expect(enabledOrmStores()).toBe(0);
  });

  it('carry a transaction across awaits, also while an overlapping transaction ends first', async () => {
    const em = api.orm.em.fork() as EntityManager;
    const seen: boolean[] = [];
    let firstDone = false;
    const short = em.transactional(async (tx) => {
      await tick(5);
      seen.push(TransactionContext.getEntityManager(api.orm.em.name) === tx);
    });
    const long = em.transactional(async (tx) => {
      await short;
      firstDone = true;
      // The other transaction's store run has settled; this one's must still be on.
      expect(enabledOrmStores()).toBeGreaterThan(0);
      await tick(5);
      seen.push(TransactionContext.getEntityManager(api.orm.em.name) === tx);
      // A flush inside still works (and runs inside the unit of work's own store).
      const row = await tx.findOneOrFail(Cluster, { slug: 'gce-subsea' });
      row.website = 'https://example.org/async-context';
      await tx.flush();
    });
    await long;
    expect(firstDone).toBe(true);
    expect(seen).toEqual([true, true]);
    expect(enabledOrmStores()).toBe(0);
    const { cluster } = await api.data('query { cluster(slug: "gce-subsea") { website } }');
    expect(cluster.website).toBe('https://example.org/async-context');
  });
});
