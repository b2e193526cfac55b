import type { GraphQLFormattedError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../helpers/server.js';

interface GraphQLBody<T = Record<string, unknown>> {
  data?: T | null;
  errors?: GraphQLFormattedError[];
}

/** End-to-end over real HTTP: the server as `npm start` runs it, spoken to with Node's fetch. */
describe('HTTP end to end', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const post = async <T = Record<string, unknown>>(body: string, headers: Record<string, string> = {}) => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
      body,
    });
    const text = await response.text();
    return { response, text, json: JSON.parse(text) as GraphQLBody<T> };
  };
  const gql = <T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ) => post<T>(JSON.stringify({ query, variables }), headers);
  const codes = (body: GraphQLBody<unknown>) => (body.errors ?? []).map((e) => e.extensions?.code);

  it('answers the liveness and readiness checks', async () => {
    const response = await fetch(`${server.origin}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'off' } });
  });

  it('serves GraphiQL to browsers, with every asset from this server', async () => {
    const response = await fetch(server.url, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('renderYogaGraphiQL');
    const urls = [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThanOrEqual(2);
    for (const url of urls) expect(url, url).toMatch(/^(\/(?!\/)|data:)/);
    // The assets those URLs name are really there.
    for (const url of urls.filter((u) => u.startsWith('/'))) {
      const asset = await fetch(new URL(url, server.origin));
      expect(asset.status, url).toBe(200);
      await asset.arrayBuffer();
    }
  });

  it('serves GraphiQL for a browser opening a shared ?query= link', async () => {
    const response = await fetch(`${server.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('executes GET queries for JSON clients', async () => {
    // Apollo's CSRF prevention wants a header a browser form could not send.
    const response = await fetch(`${server.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('executes POST queries and tags the response with a request id', async () => {
    const { response, json } = await gql<{ cluster: { name: string; level: string } }>(
      '{ cluster(slug: "gce-subsea") { name level } }',
    );
    expect(response.status).toBe(200);
    expect(json.errors).toBeUndefined();
    expect(json.data?.cluster).toMatchObject({ name: expect.stringContaining('Subsea'), level: 'GCE' });
    expect(response.headers.get('x-request-id')).toMatch(/^[\w.:-]+$/);
  });

  it("echoes a client's plain request id, and replaces one that is not plain", async () => {
    const plain = await gql('{ __typename }', undefined, { 'x-request-id': 'client-abc.123' });
    expect(plain.response.headers.get('x-request-id')).toBe('client-abc.123');
    const odd = await gql('{ __typename }', undefined, { 'x-request-id': 'has spaces/and slashes' });
    expect(odd.response.headers.get('x-request-id')).not.toBe('has spaces/and slashes');
    expect(odd.response.headers.get('x-request-id')).toBeTruthy();
  });

  it('answers malformed JSON with a JSON error, not an HTML stack trace', async () => {
    const { response, text, json } = await post('{"query": "{ __typename }"');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/json/);
    expect(text).not.toMatch(/<html|<pre|\bat .+\(.+:\d+:\d+\)|node_modules/i);
    expect(json.errors?.[0]?.extensions?.code).toEqual(expect.any(String));
  });

  it("refuses a body over 1 MB with 413, in GraphQL's shape", async () => {
    const { response, json } = await gql(`{ __typename } # ${'x'.repeat(1_100_000)}`);
    expect(response.status).toBe(413);
    expect(codes(json)).toEqual(['BAD_REQUEST']);
  });

  it('refuses a document of more than 10,000 tokens before parsing it whole', async () => {
    const { response, json } = await gql(`{ ${Array.from({ length: 5001 }, (_, i) => `a${i}: __typename`).join(' ')} }`);
    expect(response.status).toBe(400);
    expect(codes(json)).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it("leaves a POST that is not JSON to Apollo's CSRF prevention, and serves a POST with a query string", async () => {
    const plain = await post('{ __typename }', { 'content-type': 'text/plain' });
    expect(plain.response.status).toBe(400);
    expect(plain.text).toMatch(/CSRF/);
    const response = await fetch(`${server.url}?via=test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses a page larger than the limit with PAGE_SIZE_EXCEEDED', async () => {
    const { json } = await gql('{ clusters(first: 1000) { totalCount } }');
    expect(codes(json)[0]).toBe('PAGE_SIZE_EXCEEDED');
  });

  it('rejects a bad enum in variables with BAD_USER_INPUT', async () => {
    const { json } = await gql('query ($levels: [ClusterLevel!]) { clusters(filter: { levels: $levels }) { totalCount } }', {
      levels: ['MEGA'],
    });
    expect(json.data ?? null).toBeNull();
    expect(codes(json)).toEqual(['BAD_USER_INPUT']);
  });

  it('rejects an impossible date literal with GRAPHQL_VALIDATION_FAILED, and keeps serving', async () => {
    const { response, json } = await gql('{ clusters(filter: { admittedOn: { from: "2020-13-45" } }) { totalCount } }');
    expect(response.status).toBeLessThan(500);
    expect(codes(json)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
  });

  it('answers an unknown slug with null, not an error', async () => {
    const { json } = await gql('{ cluster(slug: "no-such-cluster") { name } }');
    expect(json).toEqual({ data: { cluster: null } });
  });

  it('answers introspection', async () => {
    const { json } = await gql<{ __schema: { queryType: { name: string }; types: { name: string }[] } }>(
      '{ __schema { queryType { name } types { name } } }',
    );
    expect(json.errors).toBeUndefined();
    expect(json.data?.__schema.queryType.name).toBe('Query');
    const names = (json.data?.__schema.types ?? []).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['Cluster', 'ClusterLevel', 'Node']));
  });
});
