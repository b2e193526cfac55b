// Two klynge processes on PostgreSQL with Redis (issue 14): real `node dist/src/main.js` processes
// on one fresh schema, real graphql-ws clients. A mutation on one instance reaches a subscriber on
// the other in under a second; a subscriber that reconnects to the other instance with `after`
// loses and repeats nothing; and losing Redis stops neither queries, mutations nor delivery (the
// log poll carries it), while Redis coming back brings fast delivery back without a restart.
import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/config/config.js';
import { openDatabase } from '../../src/db/database.js';
import { TEST_DIALECT } from '../helpers/database.js';
import {
  type KlyngeProcess,
  type StartedProcess,
  freePort,
  redisServerBinary,
  startKlyngeProcess,
  startRedisServer,
} from '../helpers/processes.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';
import { type Subscription, sleep, subscribe, wsClient } from '../helpers/ws.js';

const REDIS_URL = process.env.REDIS_URL?.trim() ?? '';
const onPostgres = TEST_DIALECT === 'postgresql';
const SKIPPED = !onPostgres
  ? 'skipped: DATABASE_URL does not name PostgreSQL (run with DATABASE_URL=postgres://… and REDIS_URL=redis://…)'
  : !REDIS_URL
    ? 'skipped: REDIS_URL is not set (run with REDIS_URL=redis://127.0.0.1:6379)'
    : '';
if (SKIPPED) console.info(`two klynge processes with Redis: ${SKIPPED}`);
const REDIS_SERVER = redisServerBinary();
const NO_REDIS_SERVER = 'skipped: no redis-server binary to start a private Redis (apt-get install redis-server)';
if (!SKIPPED && !REDIS_SERVER) console.info(`Redis lost and back: ${NO_REDIS_SERVER}`);

/** Cross-instance delivery must take less than this (the issue's "under a second"). */
const FAST_MS = 1000;

const CLUSTER_CHANGED = `subscription ($filter: ClusterEventFilter, $after: String) {
  clusterChanged(filter: $filter, after: $after) { position kind clusterId changedFields cluster { slug name } } }`;
const EVENTS = `query ($after: String, $filter: EventFilter) {
  events(first: 100, after: $after, filter: $filter) { edges { cursor } pageInfo { hasNextPage endCursor } } }`;

/** Sends one operation over HTTP to an instance; fails the test on errors. */
async function gql(instance: KlyngeProcess, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(instance.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(`${instance.name}: GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** Positions in the log after `after` (all, or those of the filter), oldest first: the log's truth. */
async function logPositions(instance: KlyngeProcess, after: string, filter?: Record<string, unknown>): Promise<string[]> {
  const positions: string[] = [];
  let cursor = after;
  for (;;) {
    const { events } = await gql(instance, EVENTS, { after: cursor, filter });
    positions.push(...events.edges.map((e: { cursor: string }) => e.cursor));
    if (!events.pageInfo.hasNextPage) return positions;
    cursor = events.pageInfo.endCursor;
  }
}

const START = '0'.repeat(16);
/** The last position in the log (so a subscriber can start there with `after` and miss nothing). */
const logEnd = async (instance: KlyngeProcess) => (await logPositions(instance, START)).at(-1) ?? START;

describe.skipIf(!!SKIPPED)(`two klynge processes on PostgreSQL with Redis${SKIPPED ? ` (${SKIPPED})` : ''}`, () => {
  const schema = `klynge_instances_${process.pid}_${randomBytes(4).toString('hex')}`;
  const prefix = `klynge-instances-${process.pid}-${randomBytes(4).toString('hex')}:`;
  const base = parseDatabaseUrl(process.env.DATABASE_URL);
  const url = new URL(base.url);
  url.searchParams.set('schema', schema);
  const databaseUrl = url.toString();
  const env = { DATABASE_URL: databaseUrl, REDIS_URL, REDIS_PREFIX: prefix, EVENT_POLL_MS: '60000' };

  let a: KlyngeProcess;
  let b: KlyngeProcess;
  /** The third pair, on a private redis-server this test kills and starts again. */
  let c: KlyngeProcess | undefined;
  let d: KlyngeProcess | undefined;
  let privateRedis: StartedProcess | undefined;
  let privateRedisPort = 0;
  let admin: string;
  let orm: MikroORM | undefined;
  /** Every klynge process started, to stop them all even when the start fails half-way. */
  const started: KlyngeProcess[] = [];
  const start = async (name: string, processEnv: Record<string, string>) => {
    const instance = await startKlyngeProcess(name, processEnv);
    started.push(instance);
    return instance;
  };
  const clients: Client[] = [];
  const client = (instance: KlyngeProcess) => {
    const created = wsClient(instance.url);
    clients.push(created);
    return created;
  };
  const versions = new Map<string, number>();

  /** Renames a cluster on `instance`; returns when the request was sent and answered (performance.now()). */
  async function rename(instance: KlyngeProcess, slug: string, name: string) {
    let version = versions.get(slug);
    if (version === undefined) {
      version = (await gql(instance, 'query ($slug: String!) { cluster(slug: $slug) { version } }', { slug })).cluster.version;
    }
    const sentAt = performance.now();
    const data = await gql(
      instance,
      `mutation ($slug: String!, $v: Int!, $name: String!) { updateCluster(input: { cluster: { slug: $slug }, version: $v, name: $name }) { cluster { version } } }`,
      { slug, v: version, name },
      admin,
    );
    const answeredAt = performance.now();
    versions.set(slug, data.updateCluster.cluster.version);
    return { sentAt, answeredAt };
  }

  /** Subscribes from the end of the log, and waits until a write on `instance` itself arrives: it is live then. */
  async function liveSubscriber(instance: KlyngeProcess, slug: string): Promise<Subscription & { client: Client }> {
    const connection = client(instance);
    const sub = subscribe(connection, CLUSTER_CHANGED, { filter: { clusters: [slug] }, after: await logEnd(instance) });
    await rename(instance, slug, `${slug} live on ${instance.name}`);
    await sub.received(1, 10_000);
    return Object.assign(sub, { client: connection });
  }

  beforeAll(async () => {
    const ping = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await ping.connect();
      await ping.ping();
    } catch (error) {
      throw new Error(`REDIS_URL ${REDIS_URL} is not answering (${(error as Error).message}): start Redis or unset REDIS_URL`);
    } finally {
      ping.disconnect();
    }
    const admin_ = await openDatabase(base);
    await admin_.em.fork().getConnection().execute(`create schema "${schema}"`);
    await admin_.close(true);
    if (REDIS_SERVER) {
      privateRedisPort = await freePort();
      privateRedis = await startRedisServer(privateRedisPort);
    }
    // The first process migrates and seeds; the others start on the ready schema, side by side.
    a = await start('A', env);
    const privateEnv = { ...env, REDIS_URL: `redis://127.0.0.1:${privateRedisPort}`, EVENT_POLL_MS: '500' };
    [b, c, d] = await Promise.all([
      start('B', env),
      privateRedis ? start('C', privateEnv) : undefined,
      privateRedis ? start('D', privateEnv) : undefined,
    ]);
    orm = await openDatabase(parseDatabaseUrl(databaseUrl));
    admin = await issueToken({ orm }, TokenRole.ADMIN);
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled(clients.map((x) => x.dispose()));
    await Promise.allSettled(started.map((p) => p.stop()));
    await privateRedis?.stop();
    await orm?.close(true);
    const admin_ = await openDatabase(base);
    await admin_.em.fork().getConnection().execute(`drop schema if exists "${schema}" cascade`);
    await admin_.close(true);
  }, 60_000);

  it('delivers a mutation made on A to a graphql-ws subscriber on B in under a second', async () => {
    const onB = await liveSubscriber(b, 'gce-subsea');
    const latencies: { fromAnswer: number; fromRequest: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const before = onB.results.length;
      const { sentAt, answeredAt } = await rename(a, 'gce-subsea', `GCE Subsea from A ${i}`);
      await onB.received(before + 1, 5000);
      const arrivedAt = onB.arrivals[before];
      latencies.push({ fromAnswer: Math.round(arrivedAt - answeredAt), fromRequest: Math.round(arrivedAt - sentAt) });
      expect(onB.results[before].data.clusterChanged.cluster.name).toBe(`GCE Subsea from A ${i}`);
    }
    console.info(`A → B through Redis, ms after the mutation's answer (and after its request): ${JSON.stringify(latencies)}`);
    for (const latency of latencies) expect(latency.fromAnswer).toBeLessThan(FAST_MS);
    onB.unsubscribe();
  }, 60_000);

  it('resumes on B with the position last seen on A: every later matching event once, in order, then live ones', async () => {
    const filter = { clusters: ['nce-eyde'] };
    const onA = await liveSubscriber(a, 'nce-eyde');
    const position = onA.results.at(-1)?.data.clusterChanged.position as string;
    await onA.client.dispose();

    // Writes on both instances while nobody listens, matching the filter or not.
    await rename(b, 'nce-eyde', 'Eyde while away 1');
    await rename(a, 'gce-subsea', 'Subsea while away');
    await rename(a, 'nce-eyde', 'Eyde while away 2');
    await rename(b, 'gce-node', 'Node while away');

    // Reconnect to B, while writes go on on both instances (the seam between replay and live).
    const resumed = subscribe(client(b), CLUSTER_CHANGED, { filter, after: position });
    for (let i = 0; i < 6; i++) await rename(i % 2 ? a : b, i % 3 ? 'nce-eyde' : 'gce-subsea', `Seam write ${i}`);
    const expected = await logPositions(a, position, { types: ['CLUSTER_CHANGED'], clusters: ['nce-eyde'] });
    expect(expected.length).toBe(2 + 4);
    await resumed.received(expected.length, 10_000);

    // Then a live one from A, through Redis.
    const { answeredAt } = await rename(a, 'nce-eyde', 'Eyde live from A');
    await resumed.received(expected.length + 1, 5000);
    const liveLatency = resumed.arrivals[expected.length] - answeredAt;
    await sleep(300);
    const got = resumed.results.map((r) => r.data.clusterChanged.position);
    expect(got).toEqual([...expected, ...(await logPositions(a, expected.at(-1) as string, { clusters: ['nce-eyde'] }))]);
    expect(got.length).toBe(expected.length + 1);
    expect(new Set(got).size).toBe(got.length);
    expect(resumed.results.at(-1)?.data.clusterChanged.cluster.name).toBe('Eyde live from A');
    console.info(
      `resumed on B: ${expected.length} replayed and seam events, then a live one ${Math.round(liveLatency)} ms after A answered`,
    );
    expect(liveLatency).toBeLessThan(FAST_MS);
    resumed.unsubscribe();
  }, 60_000);

  describe.skipIf(!REDIS_SERVER)(`Redis lost and back${REDIS_SERVER ? '' : ` (${NO_REDIS_SERVER})`}`, () => {
    const channel = `${prefix}events`;
    const redisUrl = () => `redis://127.0.0.1:${privateRedisPort}`;

    /** Waits until the private Redis sees both instances again: their subscriptions and their publishers. */
    async function bothInstancesConnected(): Promise<void> {
      const probe = new Redis(redisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await probe.connect();
        for (let i = 0; i < 150; i++) {
          const [, subscribers] = (await probe.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
          const clientsNow = Number(/connected_clients:(\d+)/.exec(await probe.info('clients'))?.[1]);
          // Each instance holds a subscriber and a publisher connection; the probe is one more.
          if (Number(subscribers) === 2 && clientsNow >= 5) return;
          await sleep(100);
        }
        throw new Error('the instances did not reconnect to Redis within 15 s');
      } finally {
        probe.disconnect();
      }
    }

    it('keeps queries, mutations and delivery (by the log poll) going without Redis, and is fast again once Redis is back', async () => {
      const [C, D] = [c as KlyngeProcess, d as KlyngeProcess];
      await bothInstancesConnected();
      const onD = await liveSubscriber(D, 'gce-node');

      await (privateRedis as StartedProcess).stop('SIGKILL');
      for (const instance of [C, D]) {
        for (let i = 0; i < 50 && !instance.output().includes('Redis unavailable'); i++) await sleep(100);
        expect(instance.output()).toContain('Redis unavailable');
      }
      for (const instance of [C, D]) {
        const { cluster } = await gql(instance, '{ cluster(slug: "gce-subsea") { slug } }');
        expect(cluster.slug).toBe('gce-subsea');
      }
      await rename(D, 'nce-eyde', 'Eyde without Redis, on D');
      const before = onD.results.length;
      const { answeredAt } = await rename(C, 'gce-node', 'Node without Redis, on C');
      await onD.received(before + 1, 10_000);
      const byPoll = Math.round(onD.arrivals[before] - answeredAt);
      expect(onD.results[before].data.clusterChanged.cluster.name).toBe('Node without Redis, on C');

      privateRedis = await startRedisServer(privateRedisPort);
      await bothInstancesConnected();
      // Listen on the channel too: the events must really travel through Redis again.
      const spy = new Redis(redisUrl());
      const relayed: number[] = [];
      spy.on('message', (_channel: string, message: string) => {
        for (const event of JSON.parse(message) as { position: number }[]) relayed.push(Number(event.position));
      });
      await spy.subscribe(channel);
      const latencies: number[] = [];
      try {
        for (let i = 0; i < 3; i++) {
          const count = onD.results.length;
          const sent = await rename(C, 'gce-node', `Node with Redis back ${i}`);
          await onD.received(count + 1, 5000);
          latencies.push(Math.round(onD.arrivals[count] - sent.answeredAt));
          expect(relayed).toContain(Number(onD.results[count].data.clusterChanged.position));
        }
      } finally {
        spy.disconnect();
      }
      console.info(
        `Redis lost: C → D by the log poll (500 ms) in ${byPoll} ms; Redis back: C → D in ${JSON.stringify(latencies)} ms`,
      );
      for (const latency of latencies) expect(latency).toBeLessThan(FAST_MS);
      onD.unsubscribe();
    }, 60_000);
  });
});
