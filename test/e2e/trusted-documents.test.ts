// TRUSTED_DOCUMENTS: the server runs with the manifest codegen writes for test/operations
// (test/generated/persisted-documents.json). Listed operations run, by text or by hash alone
// (documentId, Apollo's persisted-query hash, GET); others are PERSISTED_QUERY_NOT_IN_LIST, over
// HTTP and WebSocket, except for ADMIN tokens.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';
import { subscribe, wsClient } from '../helpers/ws.js';

const MANIFEST = 'test/generated/persisted-documents.json';
const documents = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, string>;
const idOf = (name: string) => {
  const entry = Object.entries(documents).find(([, text]) => text.startsWith(name));
  if (!entry) throw new Error(`${name} is not in the manifest`);
  return { id: entry[0], text: entry[1], hash: entry[0].replace('sha256:', '') };
};

describe('trusted documents', () => {
  let server: TestServer;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer({ trustedDocuments: MANIFEST });
    admin = await issueToken(server, TokenRole.ADMIN);
  });
  afterAll(() => server?.stop());

  const post = async (body: object, headers: Record<string, string> = {}) => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as { data?: any; errors?: { extensions: { code: string } }[] },
    };
  };

  it('runs a listed operation by its text, by documentId, by persisted-query hash and by GET', async () => {
    const { id, text, hash } = idOf('query ClusterVersion');
    const variables = { slug: 'gce-subsea' };
    const expected = { cluster: { id: expect.any(String), version: expect.any(Number) } };
    expect((await post({ query: text, variables })).body.data).toEqual(expected);
    expect((await post({ documentId: id, variables })).body.data).toEqual(expected);
    expect((await post({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } }, variables })).body.data).toEqual(
      expected,
    );
    const get = await fetch(
      `${server.url}?documentId=${encodeURIComponent(id)}&variables=${encodeURIComponent(JSON.stringify(variables))}`,
      {
        headers: { 'apollo-require-preflight': 'true' },
      },
    );
    expect(get.status).toBe(200);
    expect(((await get.json()) as { data: unknown }).data).toEqual(expected);
  });

  it('refuses any other document, unless an ADMIN token sends it', async () => {
    const other = await post({ query: '{ clusters(first: 1) { totalCount } }' });
    expect(other.status).toBe(400);
    expect(other.body.errors?.map((e) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    expect(other.body.data).toBeUndefined();
    const unknownHash = await post({ documentId: `sha256:${'0'.repeat(64)}` });
    expect(unknownHash.status).toBeGreaterThanOrEqual(400);

    const asAdmin = await post({ query: '{ clusters(first: 1) { totalCount } }' }, { authorization: `Bearer ${admin}` });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.data.clusters.totalCount).toBeGreaterThan(0);
  });

  it('applies the list to operations over the WebSocket too', async () => {
    const client = wsClient(server.url);
    const listed = subscribe(client, idOf('subscription ClusterChanged').text);
    const unlisted = subscribe(client, 'subscription { clusterChanged { position } }');
    await unlisted.ended();
    expect((unlisted.failure as any[])[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    await new Promise((r) => setTimeout(r, 100));
    expect(listed.failure).toBeUndefined();
    listed.unsubscribe();
    await client.dispose();
  });
});
