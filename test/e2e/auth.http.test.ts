import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogDocument, UpdateClusterDocument, ViewerDocument } from '../generated/graphql.js';
import { request } from '../helpers/http-client.js';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { bearer, issueTokenWithCli } from '../helpers/tokens.js';

// API tokens over real HTTP: a token made with the command line works as `Authorization: Bearer`,
// a bad one is a 401, and answers to token holders are never cached publicly.
describe('Authorization: Bearer over HTTP', () => {
  let server: TestServer;
  let admin: string;
  let editor: string;

  const issue = (...args: string[]) => issueTokenWithCli(server.orm, ...args);

  beforeAll(async () => {
    server = await startTestServer();
    admin = await issue('--role', 'admin', '--name', 'HTTP admin');
    editor = await issue('--role', 'editor', '--name', 'HTTP editor', '--clusters', 'gce-subsea');
  });
  afterAll(() => server?.stop());

  it('tells a token holder who it is, privately', async () => {
    const result = await request(server.url, ViewerDocument, {}, bearer(editor));
    expect(result.status).toBe(200);
    expect(result.data?.viewer).toEqual({ name: 'HTTP editor', role: 'EDITOR', clusters: [{ slug: 'gce-subsea', version: 1 }] });
    expect(result.headers.get('cache-control')).toBe('private, no-store');

    const anonymous = await request(server.url, ViewerDocument, {});
    expect(anonymous.data?.viewer).toBeNull();
  });

  it('lets an EDITOR update its cluster, and an ADMIN read the audit entry', async () => {
    const updated = await request(
      server.url,
      UpdateClusterDocument,
      { input: { cluster: { slug: 'gce-subsea' }, version: 1, name: 'GCE Ocean Technology' } },
      bearer(editor),
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data?.updateCluster.cluster).toMatchObject({ name: 'GCE Ocean Technology', version: 2 });

    const audit = await request(server.url, AuditLogDocument, { first: 1, filter: { entityType: 'Cluster' } }, bearer(admin));
    expect(audit.data?.auditLog.nodes).toEqual([
      {
        at: expect.any(String),
        actorName: 'HTTP editor',
        action: 'cluster.update',
        entityType: 'Cluster',
        entityId: updated.data?.updateCluster.cluster.id,
        changes: [{ field: 'name', before: 'GCE Subsea', after: 'GCE Ocean Technology' }],
      },
    ]);
  });

  it('answers a mutation without a token with UNAUTHENTICATED and changes nothing', async () => {
    const result = await request(server.url, UpdateClusterDocument, {
      input: { cluster: { slug: 'gce-subsea' }, version: 2, name: 'Anonymous' },
    });
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    const viewer = await request(server.url, ViewerDocument, {}, bearer(editor));
    expect(viewer.data?.viewer?.clusters).toEqual([{ slug: 'gce-subsea', version: 2 }]);
  });

  it('answers a bad token with 401 and UNAUTHENTICATED, queries included', async () => {
    for (const authorization of [`Bearer klynge_${'x'.repeat(43)}`, 'Bearer nonsense', 'Token abc']) {
      const result = await request(server.url, ViewerDocument, {}, { authorization });
      expect(result.status).toBe(401);
      expect(result.headers.get('www-authenticate')).toBe('Bearer realm="klynge"');
      expect(result.headers.get('cache-control')).toBe('private, no-store');
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(result.data).toBeUndefined();
    }
  });
});
