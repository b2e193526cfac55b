// A started server polling its feeds (FEEDS): ingested news reaches subscribers as
// announcementChanged PUBLISHED events, a failing feed backs off, and on PostgreSQL a round is
// skipped while another instance holds the poller's lock. The feed server is local (127.0.0.1).
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/knex';
import { POLL_LOCK_SQL } from '../../src/services/feed-poller.service.js';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { TEST_DIALECT } from '../helpers/database.js';
import { sleep, subscribe, wsClient } from '../helpers/ws.js';

const RSS = readFileSync(new URL('../fixtures/feeds/regjeringen.rss', import.meta.url), 'utf8');
const EMPTY = '<?xml version="1.0"?><rss version="2.0"><channel><title>Tom</title></channel></rss>';

let feedServer: Server;
let feedBase: string;
let server: TestServer;
const answer = { status: 200, body: EMPTY };
const requests: string[] = [];

beforeAll(async () => {
  feedServer = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (answer.status !== 200) return void res.writeHead(answer.status).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(answer.body);
  });
  await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
  feedBase = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}`;
  server = await startTestServer({
    feeds: {
      urls: [`${feedBase}/news.rss`, `${feedBase}/flaky.rss`],
      pollMinutes: 60,
      allowedHosts: ['127.0.0.1'],
      timeoutMs: 2000,
    },
  });
  // The first round runs at start; wait for it so the tests below start from a known state.
  for (let i = 0; i < 100 && requests.length < 2; i++) await sleep(50);
  await server.feeds?.runOnce();
});
afterAll(async () => {
  await server?.stop();
  feedServer?.closeAllConnections();
  await new Promise((resolve) => feedServer?.close(resolve));
});

describe('the server polls its feeds', () => {
  it('polls both feeds at start', () => {
    expect(requests).toContain('/news.rss');
    expect(requests).toContain('/flaky.rss');
  });

  it('new items reach a subscriber as PUBLISHED events, with their mentions', async () => {
    const client = wsClient(server.url);
    const sub = subscribe(
      client,
      `subscription { announcementChanged(filter: { announcementKinds: [NEWS] }) {
        kind announcement { title provenance source { feedUrl } mentions { matchedBy cluster { slug } } } } }`,
    );
    await sleep(300); // the subscription is registered
    answer.body = RSS;
    const round = await server.feeds?.runOnce();
    expect(round?.find((r) => r.feed === `${feedBase}/news.rss`)?.result).toMatchObject({ items: 3, inserted: 3 });
    const results = await sub.received(3);
    expect(results.map((r) => r.data?.announcementChanged.kind)).toEqual(['PUBLISHED', 'PUBLISHED', 'PUBLISHED']);
    expect(results[0].data?.announcementChanged.announcement).toMatchObject({
      title: 'Nye næringsklynger skal bidra til omstilling',
      provenance: 'FEED',
      source: { feedUrl: `${feedBase}/news.rss` },
    });
    expect(results[0].data?.announcementChanged.announcement.mentions[0]).toEqual({
      matchedBy: 'NAME',
      cluster: { slug: 'gce-subsea' },
    });
    sub.unsubscribe();
    await client.dispose();
  });

  it('a failing feed is not fetched again before its backoff ends', async () => {
    answer.status = 500;
    const failed = await server.feeds?.runOnce();
    expect(failed?.map((r) => r.error ?? 'ok')).toEqual([expect.stringMatching(/HTTP 500/), expect.stringMatching(/HTTP 500/)]);
    const before = requests.length;
    const next = await server.feeds?.runOnce();
    expect(next).toEqual([]);
    expect(requests.length).toBe(before);
    answer.status = 200;
  });

  it.skipIf(TEST_DIALECT !== 'postgresql')('skips a round while another instance holds the poller lock', async () => {
    // Another session (as another instance would hold it) of the same database and schema.
    const client = (server.orm.em as EntityManager).getKnex().client;
    const connection = await client.acquireConnection();
    const schema = server.orm.config.get('schema') ?? 'public';
    try {
      await connection.query(`select pg_advisory_lock(${POLL_LOCK_SQL})`, [schema]);
      expect(await server.feeds?.runOnce()).toBeNull();
      await connection.query(`select pg_advisory_unlock(${POLL_LOCK_SQL})`, [schema]);
      expect(await server.feeds?.runOnce()).not.toBeNull();
    } finally {
      await client.releaseConnection(connection);
    }
  });
});
