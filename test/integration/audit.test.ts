// The audit trail: every write leaves one entry (who, when, what, before → after) in its own
// transaction, refused writes leave none, and only ADMIN tokens read it, newest first, in pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, createTestApi, errorCodes } from '../helpers/api.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

const AUDIT = `query ($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { cursor node { at actorName actorTokenId action entityType entityId changes { field before after } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Entry {
  at: string;
  actorName: string;
  actorTokenId: number | null;
  action: string;
  entityType: string;
  entityId: string;
  changes: { field: string; before: unknown; after: unknown }[];
}
interface AuditPage {
  totalCount: number;
  edges: { cursor: string; node: Entry }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

let api: TestApi;
let admin: string;
let editor: string;
let reader: string;

beforeAll(async () => {
  api = await createTestApi({ demo: false });
  admin = await issueToken(api, TokenRole.ADMIN, [], 'Programme admin');
  editor = await issueToken(api, TokenRole.EDITOR, ['gce-subsea'], 'Subsea editor');
  reader = await issueToken(api, TokenRole.READER, ['gce-subsea'], 'Subsea reader');
});
afterAll(() => api?.dispose());

const audit = async (variables: Record<string, unknown> = {}) =>
  (await api.data<{ auditLog: AuditPage }>(AUDIT, variables, { token: admin })).auditLog;
const subsea = async () =>
  (await api.data<{ cluster: { id: string; version: number } }>('{ cluster(slug: "gce-subsea") { id version } }')).cluster;
const tokenId = async (name: string) =>
  Number(
    (await api.orm.em.fork().getConnection().execute<{ id: number }[]>('select id from api_token where name = ?', [name]))[0].id,
  );

describe('audit trail', () => {
  it('starts with the token creations, made by the command line (no token)', async () => {
    const page = await audit();
    expect(page.totalCount).toBe(3);
    expect(page.edges.map((e) => [e.node.action, e.node.actorName, e.node.actorTokenId, e.node.entityType])).toEqual([
      ['token.create', 'test-setup', null, 'ApiToken'],
      ['token.create', 'test-setup', null, 'ApiToken'],
      ['token.create', 'test-setup', null, 'ApiToken'],
    ]);
    expect(page.edges[0].node.changes).toEqual([
      { field: 'clusters', before: null, after: ['gce-subsea'] },
      { field: 'name', before: null, after: 'Subsea reader' },
      { field: 'prefix', before: null, after: expect.any(String) },
      { field: 'role', before: null, after: 'READER' },
    ]);
  });

  it('records an update with the token, the entity and each changed field before and after (by field name)', async () => {
    const { id, version } = await subsea();
    const started = new Date();
    await api.data(
      `mutation ($v: Int!) { updateCluster(input: { cluster: { slug: "gce-subsea" }, version: $v, name: "GCE Ocean Technology",
        sectors: ["ocean technology", "subsea"], city: "Bergen" }) { cluster { version } } }`,
      { v: version },
      { token: editor },
    );
    const [entry] = (await audit({ first: 1 })).edges.map((e) => e.node);
    expect(entry).toEqual({
      at: expect.any(String),
      actorName: 'Subsea editor',
      actorTokenId: await tokenId('Subsea editor'),
      action: 'cluster.update',
      entityType: 'Cluster',
      entityId: id,
      changes: [
        { field: 'name', before: 'GCE Subsea', after: 'GCE Ocean Technology' },
        { field: 'sectors', before: ['subsea', 'ocean technology'], after: ['ocean technology', 'subsea'] },
      ],
    });
    expect(new Date(entry.at).getTime()).toBeGreaterThanOrEqual(started.getTime() - 1000);
    // The entity id is the cluster's global id, so node(id:) finds it.
    expect(await api.data('query ($id: ID!) { node(id: $id) { ... on Cluster { slug } } }', { id: entry.entityId })).toEqual({
      node: { slug: 'gce-subsea' },
    });
  });

  it('records level changes, endings and creations', async () => {
    let { version } = await subsea();
    await api.data(
      'mutation ($v: Int!) { changeClusterLevel(input: { cluster: { slug: "gce-subsea" }, version: $v, level: NCE, on: "2025-01-01" }) { cluster { version } } }',
      { v: version },
      { token: admin },
    );
    version++;
    await api.data(
      'mutation ($v: Int!) { endCluster(input: { cluster: { slug: "gce-subsea" }, version: $v, on: "2026-01-01" }) { cluster { version } } }',
      { v: version },
      { token: admin },
    );
    await api.data(
      `mutation { createCluster(input: { slug: "ny-klynge", name: "Ny klynge", level: ARENA, county: "Agder", city: "Kristiansand",
        admittedOn: "2025-06-15", sectors: ["Energi"] }) { cluster { id } } }`,
      {},
      { token: admin },
    );
    const entries = (await audit({ first: 3 })).edges.map((e) => e.node);
    expect(entries.map((e) => [e.action, e.actorName])).toEqual([
      ['cluster.create', 'Programme admin'],
      ['cluster.end', 'Programme admin'],
      ['cluster.changeLevel', 'Programme admin'],
    ]);
    expect(entries[0].changes).toEqual(
      expect.arrayContaining([
        { field: 'slug', before: null, after: 'ny-klynge' },
        { field: 'level', before: null, after: 'ARENA' },
        { field: 'sectors', before: null, after: ['Energi'] },
      ]),
    );
    expect(entries[1].changes).toEqual([
      { field: 'endedOn', before: null, after: '2026-01-01' },
      { field: 'status', before: 'ACTIVE', after: 'ENDED' },
    ]);
    expect(entries[2].changes).toEqual([
      { field: 'level', before: 'GCE', after: 'NCE' },
      { field: 'levelSince', before: '2015-06-15', after: '2025-01-01' },
    ]);
  });

  it('records nothing for refused writes', async () => {
    const before = (await audit()).totalCount;
    const { version } = await api.data('{ cluster(slug: "ny-klynge") { version } }').then((d) => d.cluster);
    const attempts = [
      [{ version, name: '' }, admin], // invalid
      [{ version: version + 5, name: 'Stale' }, admin], // stale
      [{ version, name: 'Not yours' }, editor], // forbidden
      [{ version, name: 'Anonymous' }, undefined], // unauthenticated
    ] as const;
    for (const [patch, token] of attempts) {
      const result = await api.query(
        'mutation ($input: UpdateClusterInput!) { updateCluster(input: $input) { cluster { version } } }',
        { input: { cluster: { slug: 'ny-klynge' }, ...patch } },
        { token },
      );
      expect(result.errors).toHaveLength(1);
    }
    expect((await audit()).totalCount).toBe(before);
  });

  it('is for ADMIN tokens only', async () => {
    expect(errorCodes(await api.query(AUDIT))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await api.query(AUDIT, {}, { token: editor }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await api.query(AUDIT, {}, { token: reader }))).toEqual(['FORBIDDEN']);
  });

  it('filters by entity, type, actor, token and time', async () => {
    const { id } = await subsea();
    const about = await audit({ filter: { entityId: id } });
    expect(about.edges.map((e) => e.node.action)).toEqual(['cluster.end', 'cluster.changeLevel', 'cluster.update']);
    expect((await audit({ filter: { entityType: 'Cluster', entityId: id } })).totalCount).toBe(3);
    expect((await audit({ filter: { entityType: 'ApiToken' } })).totalCount).toBe(3);
    const editorId = await tokenId('Subsea editor');
    expect(
      (await audit({ filter: { entityType: 'ApiToken', entityId: String(editorId) } })).edges.map((e) => e.node.action),
    ).toEqual(['token.create']);
    expect((await audit({ filter: { actor: 'Subsea editor' } })).edges.map((e) => e.node.action)).toEqual(['cluster.update']);
    expect((await audit({ filter: { actorTokenId: editorId } })).totalCount).toBe(1);
    const all = (await audit()).edges.map((e) => e.node);
    const middle = all[2].at;
    const since = await audit({ filter: { from: middle } });
    expect(since.edges.map((e) => e.node.at)).toEqual(all.filter((e) => e.at >= middle).map((e) => e.at));
    const until = await audit({ filter: { to: middle } });
    expect(until.edges.map((e) => e.node.at)).toEqual(all.filter((e) => e.at <= middle).map((e) => e.at));
  });

  it('refuses filters that cannot match', async () => {
    const { id } = await subsea();
    const cases = [
      [{ entityType: 'Organization', entityId: id }, 'filter.entityId'],
      [{ entityId: 'nonsense' }, 'filter.entityId'],
      [{ entityType: 'ApiToken', entityId: 'abc' }, 'filter.entityId'],
      [{ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'filter.from'],
    ] as const;
    for (const [filter, field] of cases) {
      const result = await api.query(AUDIT, { filter }, { token: admin });
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions?.field).toBe(field);
    }
  });

  it('pages newest first with stable cursors (at, id)', async () => {
    const everything = await audit({ first: 100 });
    const seen: Entry[] = [];
    let after: string | null = null;
    for (;;) {
      const page: AuditPage = await audit({ first: 2, after });
      seen.push(...page.edges.map((e) => e.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(everything.edges.map((e) => e.node));
    expect(seen.length).toBe(everything.totalCount);
    const times = seen.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
  });
});
