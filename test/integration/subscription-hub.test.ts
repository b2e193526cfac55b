// The subscription hub in-process: how many executions and SQL statements one event costs as the
// number of subscribers grows (it must not grow with them), and that each subscriber still gets
// what its own filter and visibility say.
import type { EntityManager } from '@mikro-orm/knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { systemViewer } from '../../src/auth/viewer.js';
import { buildKlyngeSchema } from '../../src/graphql/schema.js';
import { SubscriptionHub } from '../../src/graphql/subscriptions/subscription-hub.js';
import { Db } from '../../src/repositories/db.js';
import { fetchLogState } from '../../src/repositories/event-log.repository.js';
import { EventStream } from '../../src/services/event-stream.service.js';
import { type TestApi, createTestApi } from '../helpers/api.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

const OPERATION = `subscription ($filter: ClusterEventFilter) {
  clusterChanged(filter: $filter) { position kind cluster { slug name members(first: 5) { totalCount nodes { role organization { name } } } } } }`;

let api: TestApi;
let admin: string;
let stream: EventStream;
let hub: SubscriptionHub;
const silent = { warn() {}, error() {}, info() {} };

beforeAll(async () => {
  api = await createTestApi();
  admin = await issueToken(api, TokenRole.ADMIN);
  stream = new EventStream(api.orm, { pollMs: 60_000, logger: silent });
  await stream.start();
  hub = new SubscriptionHub(await buildKlyngeSchema(), api.orm, stream, { events: stream });
});
afterAll(async () => {
  hub?.close();
  await stream?.stop();
  await api?.dispose();
});

const connection = { bufferedAmount: () => 0, close() {} };

/** Subscribes `count` subscribers, spread over `filters` distinct filters; returns their iterators. */
async function subscribeMany(count: number, filters: Record<string, unknown>[]) {
  const members = [];
  for (let i = 0; i < count; i++) {
    const result = await hub.subscribe({
      document: parse(OPERATION),
      variables: { filter: filters[i % filters.length] },
      viewer: null,
      connection,
    });
    if (!(Symbol.asyncIterator in result)) throw new Error(JSON.stringify(result.errors));
    members.push(result);
  }
  return members;
}

async function renameSubsea(name: string) {
  const { cluster } = await api.data(`{ cluster(slug: "gce-subsea") { version } }`);
  await api.data(
    `mutation ($v: Int!, $name: String!) { updateCluster(input: { cluster: { slug: "gce-subsea" }, version: $v, name: $name }) { cluster { id } } }`,
    { v: cluster.version, name },
    { token: admin },
  );
}

/** Makes one event and dispatches it; returns the statements and executions it cost. */
async function oneEvent(name: string): Promise<{ statements: number; executions: number }> {
  await renameSubsea(name);
  const executions = hub.executions;
  api.statements.length = 0;
  await stream.catchUp();
  // The log read that found the event is the stream's, once per event whatever the subscribers.
  return { statements: api.statements.length, executions: hub.executions - executions };
}

describe('statements per event', () => {
  it('do not grow with the number of subscribers, for one operation or for many filters', async () => {
    // Distinct filters that all match the event: GCE plus any other levels, UPDATED plus any other kinds.
    const subsets = <T>(values: T[]) => values.reduce<T[][]>((all, v) => all.concat(all.map((s) => [...s, v])), [[]]);
    const variants = subsets(['NCE', 'ARENA', 'ARENA_PRO']).flatMap((levels) =>
      subsets(['CREATED', 'LEVEL_CHANGED', 'ENDED']).flatMap((kinds) =>
        [['gce-subsea'], ['gce-subsea', 'nce-eyde']].map((clusters) => ({
          clusters,
          levels: ['GCE', ...levels],
          kinds: ['UPDATED', ...kinds],
        })),
      ),
    );
    const filtersOf = (n: number) => variants.slice(0, n);
    const costs: Record<string, { statements: number; executions: number }> = {};
    for (const [label, count, filters] of [
      ['1 subscriber', 1, filtersOf(1)],
      ['100 of one operation', 100, filtersOf(1)],
      ['1,000 of one operation', 1000, filtersOf(1)],
      ['100 with 10 filters', 100, filtersOf(10)],
      ['1,000 with 100 filters', 1000, filtersOf(100)],
    ] as const) {
      const members = await subscribeMany(count, filters as unknown as Record<string, unknown>[]);
      costs[label] = await oneEvent(label);
      const firsts = await Promise.all(members.map((m) => m.next()));
      expect(firsts.every((r) => !r.done && !r.value.errors && r.value.data?.clusterChanged)).toBe(true);
      await Promise.all(members.map((m) => m.return?.()));
      expect(hub.subscriberCount).toBe(0);
    }
    const statements = new Set(Object.values(costs).map((c) => c.statements));
    expect(statements.size, JSON.stringify(costs)).toBe(1);
    expect(costs['1,000 of one operation'].executions).toBe(1);
    // Filters that match form groups of their own, each one execution, sharing one set of loaders.
    expect(costs['1,000 with 100 filters'].executions).toBeLessThanOrEqual(100);
  });

  it('gives each visibility its own execution, and each subscriber only its own filter’s events', async () => {
    const editorViewer = { tokenId: 1, name: 'editor', role: TokenRole.EDITOR, clusterIds: [1] };
    const make = (viewer: typeof editorViewer | null, filter: Record<string, unknown>) =>
      hub.subscribe({ document: parse(OPERATION), variables: { filter }, viewer, connection });
    const anonymous = await make(null, { clusters: ['gce-subsea'] });
    const editor = await make(editorViewer, { clusters: ['gce-subsea'] });
    const admin_ = await make(systemViewer('admin') as typeof editorViewer, { clusters: ['gce-subsea'] });
    const elsewhere = await make(null, { clusters: ['nce-eyde'] });
    const cost = await oneEvent('Visibility');
    expect(cost.executions).toBe(3);
    for (const member of [anonymous, editor, admin_]) {
      const next = await (member as AsyncIterableIterator<any>).next();
      expect(next.value.data.clusterChanged.cluster.name).toBe('Visibility');
    }
    const { lastPosition } = await fetchLogState(new Db(api.orm.em.fork() as EntityManager));
    expect(stream.lastDispatched).toBe(lastPosition);
    for (const member of [anonymous, editor, admin_, elsewhere]) await (member as AsyncIterableIterator<unknown>).return?.();
  });
});
