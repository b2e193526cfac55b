// Rate limits by cost over HTTP (and the socket): budgets per token and per address, the points an
// operation costs, the headers, Query.rateLimit without spending, 429 with Retry-After, the
// address behind trusted proxies, a budget shared through Redis, and failing open without Redis.
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKlyngeSchema } from '../../src/graphql/schema.js';
import { MUTATION_POINTS, rateLimitPoints } from '../../src/graphql/plugins/rate-limit.plugin.js';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';
import { subscribe, wsClient } from '../helpers/ws.js';

async function post(server: TestServer, query: string, headers: Record<string, string> = {}, variables = {}) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: { message: string; extensions: Record<string, any> }[] };
  const header = (name: string) => response.headers.get(name);
  return { status: response.status, body, header };
}

describe('points per operation', () => {
  it('charge requested nodes / 100 (at least 1), a flat amount per mutation, nothing for rateLimit alone', async () => {
    const schema = await buildKlyngeSchema();
    const points = (query: string, variables?: Record<string, unknown>) => {
      const document = parse(query);
      const operation = document.definitions[0] as Parameters<typeof rateLimitPoints>[0]['operation'];
      return rateLimitPoints({ schema, document, operation, variables });
    };
    expect(points('{ cluster(slug: "gce-subsea") { name } }')).toBe(1);
    expect(points('{ clusters(first: 100) { nodes { members(first: 100) { totalCount } } } }')).toBe(1);
    expect(
      points(
        'query ($n: Int) { clusters(first: 100) { nodes { members(first: $n) { nodes { organization { memberships(first: 100) { totalCount } } } } } } }',
        { n: 100 },
      ),
    ).toBe(101);
    expect(
      points('mutation { endCluster(input: { cluster: { slug: "x" }, version: 1, on: "2024-01-01" }) { cluster { id } } }'),
    ).toBe(MUTATION_POINTS);
    expect(points('{ rateLimit { remaining } }')).toBe(0);
  });
});

describe('budgets over HTTP', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer({ rateLimit: { tokenPoints: 20, anonymousPoints: 3 } });
    token = await issueToken(server, TokenRole.ADMIN);
  });
  afterAll(() => server?.stop());

  it('spends an address budget, says so in headers, then refuses with 429 before resolving anything', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { status, header } = await post(server, '{ clusters(first: 1) { totalCount } }');
      expect(status).toBe(200);
      expect(header('x-ratelimit-limit')).toBe('3');
      seen.push(header('x-ratelimit-remaining') as string);
      expect(Number(header('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    }
    expect(seen).toEqual(['2', '1', '0']);
    const refused = await post(server, '{ clusters(first: 1) { totalCount } }');
    expect(refused.status).toBe(429);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', cost: 1, limit: 3, remaining: 0 });
    expect(Number(refused.header('retry-after'))).toBeGreaterThan(0);
    expect(refused.header('x-ratelimit-remaining')).toBe('0');

    // rateLimit alone spends nothing, even with the budget gone.
    const state = await post(server, '{ rateLimit { limit cost used remaining resetAt } }');
    expect(state.status).toBe(200);
    expect(state.body.data.rateLimit).toMatchObject({ limit: 3, cost: 0, used: 3, remaining: 0 });
  });

  it('gives a token its own budget; a mutation costs a flat amount', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const { cluster } = (await post(server, '{ cluster(slug: "nce-eyde") { version } }', auth)).body.data;
    const changed = await post(
      server,
      'mutation ($v: Int!) { updateCluster(input: { cluster: { slug: "nce-eyde" }, version: $v, city: "Kristiansand" }) { cluster { city } } }',
      auth,
      { v: cluster.version },
    );
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.header('x-ratelimit-remaining')).toBe(String(20 - 1 - MUTATION_POINTS));
    expect(changed.header('x-ratelimit-limit')).toBe('20');
  });

  it('charges operations over the socket too', async () => {
    const client = wsClient(server.url, { token });
    const query = subscribe(client, '{ rateLimit { remaining } }');
    await query.received(1);
    const sub = subscribe(client, 'subscription { clusterChanged { position } }');
    await new Promise((r) => setTimeout(r, 200));
    sub.unsubscribe();
    const after = await post(server, '{ rateLimit { used } }', { authorization: `Bearer ${token}` });
    // The query, the mutation, and the subscription; `rateLimit` alone spends nothing, over the socket too.
    expect(after.body.data.rateLimit.used).toBe(1 + MUTATION_POINTS + 1);
    await client.dispose();
  });

  it('spends nothing on a subscription sent over HTTP, which is refused', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const used = async () => (await post(server, '{ rateLimit { used } }', auth)).body.data.rateLimit.used as number;
    const before = await used();
    const refused = await post(server, 'subscription { clusterChanged { position } }', auth);
    expect(refused.body.data ?? null).toBeNull();
    expect(refused.body.errors?.[0].extensions.code, JSON.stringify(refused.body)).toBeTruthy();
    expect(refused.header('x-ratelimit-remaining')).toBeNull();
    expect(await used()).toBe(before);
  });
});

describe('the client address behind proxies', () => {
  it('takes X-Forwarded-For only when TRUST_PROXY says so', async () => {
    const trusting = await startTestServer({ rateLimit: { tokenPoints: 20, anonymousPoints: 1 }, trustProxy: 1 });
    const plain = await startTestServer({ rateLimit: { tokenPoints: 20, anonymousPoints: 1 } });
    try {
      const query = '{ clusters(first: 1) { totalCount } }';
      for (const client of ['198.51.100.1', '198.51.100.2']) {
        expect((await post(trusting, query, { 'x-forwarded-for': client })).status).toBe(200);
      }
      expect((await post(trusting, query, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(429);
      expect((await post(plain, query, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(200);
      // Without trust, the header is the client's own word: another value is the same budget.
      expect((await post(plain, query, { 'x-forwarded-for': '198.51.100.2' })).status).toBe(429);
    } finally {
      await Promise.all([trusting.stop(), plain.stop()]);
    }
  });
});

describe('shared budgets', () => {
  const redisUrl = process.env.REDIS_URL;

  it.runIf(redisUrl)('are shared by instances through Redis', async () => {
    const prefix = `klynge-ratelimit-test-${process.pid}-${Date.now()}:`;
    const a = await startTestServer({ rateLimit: { tokenPoints: 20, anonymousPoints: 2 }, redisUrl, redisPrefix: prefix });
    const b = await startTestServer({ rateLimit: { tokenPoints: 20, anonymousPoints: 2 }, redisUrl, redisPrefix: prefix });
    try {
      const query = '{ clusters(first: 1) { totalCount } }';
      expect((await post(a, query)).status).toBe(200);
      expect((await post(b, query)).status).toBe(200);
      expect((await post(a, query)).status).toBe(429);
      expect((await post(b, query)).status).toBe(429);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('fail open when Redis cannot be reached', async () => {
    // Nothing listens on port 1: every Redis command fails at once.
    const lost = await startTestServer({ rateLimit: { tokenPoints: 20, anonymousPoints: 1 }, redisUrl: 'redis://127.0.0.1:1' });
    try {
      for (let i = 0; i < 3; i++) expect((await post(lost, '{ clusters(first: 1) { totalCount } }')).status).toBe(200);
    } finally {
      await lost.stop();
    }
  });
});
