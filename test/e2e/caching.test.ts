import { createHash } from 'node:crypto';
import { type GraphQLFormattedError, OperationTypeNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheControlFor } from '../../src/graphql/plugins/http-cache.plugin.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

// HTTP caching over a real server: Cache-Control per response, and automatic persisted queries
// (APQ) over POST and over GET, where a CDN can cache them by URL.

interface GraphQLBody<T = Record<string, unknown>> {
  data?: T | null;
  errors?: GraphQLFormattedError[];
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(query) } });
const codes = (body: GraphQLBody<unknown>) => (body.errors ?? []).map((e) => e.extensions?.code);

async function read<T>(response: Response) {
  return {
    status: response.status,
    cacheControl: response.headers.get('cache-control'),
    body: (await response.json()) as GraphQLBody<T>,
  };
}

/** POSTs a GraphQL request body. */
const post = async <T = Record<string, unknown>>(url: string, body: object, headers: Record<string, string> = {}) =>
  read<T>(await fetch(url, { method: 'POST', headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) }));

/** GETs a GraphQL request, its parts in the query string as Apollo Client sends them. */
const get = async <T = Record<string, unknown>>(
  url: string,
  params: { query?: string; extensions?: object; variables?: object },
  headers: Record<string, string> = { 'apollo-require-preflight': 'true' },
) => {
  const search = new URLSearchParams();
  if (params.query !== undefined) search.set('query', params.query);
  if (params.variables) search.set('variables', JSON.stringify(params.variables));
  if (params.extensions) search.set('extensions', JSON.stringify(params.extensions));
  return read<T>(await fetch(`${url}?${search}`, { headers: { accept: 'application/json', ...headers } }));
};

describe('Cache-Control', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('lets shared caches keep a successful query for CACHE_MAX_AGE (default 60 s)', async () => {
    const posted = await post(server.url, { query: '{ cluster(slug: "gce-subsea") { name } }' });
    expect(posted.body.errors).toBeUndefined();
    expect(posted.cacheControl).toBe('public, max-age=60');
    const got = await get(server.url, { query: '{ cluster(slug: "gce-subsea") { name } }' });
    expect(got.status).toBe(200);
    expect(got.cacheControl).toBe('public, max-age=60');
  });

  it('keeps responses with errors out of caches, partial data included', async () => {
    const invalid = await post(server.url, { query: '{ clusters { nope } }' });
    expect(codes(invalid.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(invalid.cacheControl).toBe('private, no-store');
    const partial = await post(server.url, {
      query: '{ cluster(slug: "gce-subsea") { name } clusters(after: "forged") { totalCount } }',
    });
    expect(codes(partial.body)).toEqual(['BAD_CURSOR']);
    expect(partial.cacheControl).toBe('private, no-store');
  });

  it('refuses a too costly query with HTTP 400, QUERY_TOO_COMPLEX, uncached', async () => {
    const refused = await post(server.url, {
      query:
        '{ clusters(first: 100) { nodes { members(first: 100) { nodes { organization { memberships(first: 100) { nodes { cluster { name } } } } } } } } }',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', cost: 2_020_101, maxCost: 150_000 });
    expect(refused.cacheControl).toBe('private, no-store');
  });

  it('refuses too many aliases with HTTP 400, QUERY_TOO_COMPLEX, uncached', async () => {
    const query = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: __schema { queryType { name } }`).join(' ')} }`;
    const refused = await post(server.url, { query });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', maxAliases: 30 });
    expect(refused.cacheControl).toBe('private, no-store');
  });

  it('never lets shared caches keep an answer to a request with credentials', async () => {
    // Whatever becomes of the token (this one is not valid), the answer is nobody else's.
    const response = await post(server.url, { query: '{ __typename }' }, { authorization: 'Bearer someone' });
    expect(response.cacheControl ?? '').not.toMatch(/public/);
    expect(cacheControlFor({ operation: OperationTypeNode.QUERY, hasErrors: false, personal: true, maxAge: 60 })).toBe(
      'private, no-store',
    );
  });

  it('keeps mutations private, and sends no-store for queries when CACHE_MAX_AGE is 0', () => {
    const clean = { hasErrors: false, personal: false, maxAge: 60 };
    expect(cacheControlFor({ ...clean, operation: OperationTypeNode.QUERY })).toBe('public, max-age=60');
    expect(cacheControlFor({ ...clean, operation: OperationTypeNode.MUTATION })).toBe('private, no-store');
    expect(cacheControlFor({ ...clean, operation: OperationTypeNode.SUBSCRIPTION })).toBe('private, no-store');
    expect(cacheControlFor({ ...clean, operation: undefined })).toBe('private, no-store');
    expect(cacheControlFor({ ...clean, operation: OperationTypeNode.QUERY, maxAge: 0 })).toBe('no-store');
  });
});

describe('CACHE_MAX_AGE=0', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ cacheMaxAge: 0 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('sends no-store for successful queries', async () => {
    const response = await post(server.url, { query: '{ __typename }' });
    expect(response.body).toEqual({ data: { __typename: 'Query' } });
    expect(response.cacheControl).toBe('no-store');
  });
});

describe('automatic persisted queries', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('over POST: unknown hash, then query and hash, then the hash alone', async () => {
    const query = '{ cluster(slug: "gce-subsea") { slug name level } }';
    const extensions = persisted(query);

    const unknown = await post(server.url, { extensions });
    expect(unknown.status).toBe(200);
    expect(codes(unknown.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(unknown.cacheControl).toBe('private, no-store');

    const registered = await post<{ cluster: { slug: string } }>(server.url, { query, extensions });
    expect(registered.body.errors).toBeUndefined();
    expect(registered.body.data?.cluster.slug).toBe('gce-subsea');

    const byHash = await post(server.url, { extensions });
    expect(byHash.body).toEqual(registered.body);
  });

  it('over GET, cacheable by URL: unknown hash, then query and hash, then the hash alone', async () => {
    const query = 'query ClusterName($slug: String!) { cluster(slug: $slug) { name } }';
    const variables = { slug: 'gce-subsea' };
    const extensions = persisted(query);

    const unknown = await get(server.url, { extensions, variables });
    expect(codes(unknown.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(unknown.cacheControl).toBe('private, no-store');

    const registered = await get<{ cluster: { name: string } }>(server.url, { query, extensions, variables });
    expect(registered.body.errors).toBeUndefined();
    expect(registered.body.data?.cluster.name).toMatch(/Subsea/);

    // The short URL a CDN can cache: only the hash and the variables.
    const byHash = await get(server.url, { extensions, variables });
    expect(byHash.status).toBe(200);
    expect(byHash.body).toEqual(registered.body);
    expect(byHash.cacheControl).toBe('public, max-age=60');

    // A JSON content-type satisfies Apollo's CSRF prevention as well as apollo-require-preflight.
    const withContentType = await get(server.url, { extensions, variables }, { 'content-type': 'application/json' });
    expect(withContentType.body).toEqual(registered.body);
  });

  it('over GET needs a header no HTML form can send (CSRF prevention)', async () => {
    const query = '{ __typename }';
    const response = await get(server.url, { query, extensions: persisted(query) }, {});
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['BAD_REQUEST']);
    expect(response.cacheControl ?? '').not.toMatch(/public/);
  });

  it('refuses a hash that does not match the query as BAD_REQUEST', async () => {
    const response = await post(server.url, { query: '{ __typename }', extensions: persisted('{ other }') });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } }]);
    expect(response.cacheControl).toBe('private, no-store');
  });

  it('does not register a query refused by the limits', async () => {
    const query =
      '{ clusters(first: 100) { nodes { members(first: 100) { nodes { organization { memberships(first: 100) { nodes { role } } } } } } } }';
    const extensions = persisted(query);
    expect(codes((await post(server.url, { query, extensions })).body)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(codes((await post(server.url, { extensions })).body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });
});
