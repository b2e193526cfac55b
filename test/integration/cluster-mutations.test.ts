// The cluster mutations through GraphQL, on the real database: what each writes (re-read through
// the read API), what it refuses and why (field named, nothing written), who may call it, and the
// stale-version CONFLICT.
import { OptimisticLockError } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemViewer } from '../../src/auth/viewer.js';
import { createRequestContext } from '../../src/context/request-context.js';
import { ClusterLevel } from '../../src/entities/enums.js';
import { Cluster } from '../../src/entities/index.js';
import { CodedError } from '../../src/lib/errors.js';
import { createCluster } from '../../src/services/cluster-write.service.js';
import { type Caller, type GraphQLResult, type TestApi, createTestApi, errorCodes } from '../helpers/api.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

const CLUSTER = `id slug name level status county city description website orgNumber foundedYear admittedOn sectors version
  levelHistory { level fromDate toDate }`;
const READ = `query ($slug: String!) { cluster(slug: $slug) { ${CLUSTER} } }`;
const CREATE = `mutation ($input: CreateClusterInput!) { createCluster(input: $input) { cluster { ${CLUSTER} } } }`;
const UPDATE = `mutation ($input: UpdateClusterInput!) { updateCluster(input: $input) { cluster { ${CLUSTER} } } }`;
const CHANGE_LEVEL = `mutation ($input: ChangeClusterLevelInput!) { changeClusterLevel(input: $input) { cluster { ${CLUSTER} } } }`;
const END = `mutation ($input: EndClusterInput!) { endCluster(input: $input) { cluster { ${CLUSTER} } } }`;

interface ClusterData {
  id: string;
  slug: string;
  name: string;
  level: ClusterLevel;
  status: string;
  county: string;
  city: string;
  description: string | null;
  website: string | null;
  orgNumber: string | null;
  foundedYear: number | null;
  admittedOn: string;
  sectors: string[];
  version: number;
  levelHistory: { level: ClusterLevel; fromDate: string; toDate: string | null }[];
}

// Each group of tests works on its own clusters, so they do not depend on one another.
const UPDATED = 'gce-subsea';
const LEVELLED = 'nce-health-technology'; // NCE since 2015-06-15
const ENDED = 'arena-innovasjon-torskefisk'; // ARENA since 2015-06-15
const ELSEWHERE = 'nce-eyde';

let api: TestApi;
const tokens = {} as Record<'admin' | 'editor' | 'otherEditor' | 'reader', string>;

beforeAll(async () => {
  api = await createTestApi({ demo: false });
  tokens.admin = await issueToken(api, TokenRole.ADMIN);
  tokens.editor = await issueToken(api, TokenRole.EDITOR, [UPDATED, LEVELLED, ENDED]);
  tokens.otherEditor = await issueToken(api, TokenRole.EDITOR, [ELSEWHERE]);
  tokens.reader = await issueToken(api, TokenRole.READER, [UPDATED, LEVELLED, ENDED]);
});
afterAll(() => api?.dispose());

const as = (who: keyof typeof tokens): Caller => ({ token: tokens[who] });
const read = async (slug: string) => (await api.data<{ cluster: ClusterData | null }>(READ, { slug })).cluster;
const clusterCount = async () =>
  (await api.data<{ clusters: { totalCount: number } }>('{ clusters { totalCount } }')).clusters.totalCount;

/** The single error of a failed mutation, with the nothing-was-returned check every refusal shares. */
function refusal(result: GraphQLResult, code: string) {
  expect(errorCodes(result)).toEqual([code]);
  expect(result.data ?? null).toBeNull();
  return result.errors![0];
}
const problemFields = (error: { extensions?: Record<string, unknown> }) =>
  ((error.extensions?.fields ?? []) as { field: string }[]).map((p) => p.field);

const NEW_CLUSTER = {
  slug: 'polar-space-cluster',
  name: 'Polar Space Cluster',
  level: 'ARENA',
  county: 'Troms',
  city: 'Tromsø',
  description: 'Romvær og satellittdata.',
  website: 'https://polarspace.example.no',
  orgNumber: '974 760 673',
  foundedYear: 2019,
  admittedOn: '2024-06-15',
  sectors: ['Romfart', 'Satellittdata'],
};

describe('createCluster', () => {
  it('adds an ACTIVE cluster at its level from its admission, readable at once', async () => {
    const before = await clusterCount();
    const { createCluster: payload } = await api.data(CREATE, { input: NEW_CLUSTER }, as('admin'));
    const expected = {
      slug: 'polar-space-cluster',
      name: 'Polar Space Cluster',
      level: 'ARENA',
      status: 'ACTIVE',
      county: 'Troms',
      city: 'Tromsø',
      description: 'Romvær og satellittdata.',
      website: 'https://polarspace.example.no',
      orgNumber: '974760673',
      foundedYear: 2019,
      admittedOn: '2024-06-15',
      sectors: ['Romfart', 'Satellittdata'],
      version: 1,
      levelHistory: [{ level: 'ARENA', fromDate: '2024-06-15', toDate: null }],
    };
    expect(payload.cluster).toMatchObject(expected);
    expect(await read('polar-space-cluster')).toEqual(payload.cluster);
    expect(await clusterCount()).toBe(before + 1);
    const { search } = await api.data('{ search(query: "satellittdata") { nodes { ... on Cluster { slug } } } }');
    expect(search.nodes).toEqual([{ slug: 'polar-space-cluster' }]);
  });

  it('names every bad field at once and writes nothing', async () => {
    const before = await clusterCount();
    const input = {
      ...NEW_CLUSTER,
      slug: 'Polar Space',
      name: '   ',
      county: 'x'.repeat(101),
      website: 'ftp://polarspace.example.no',
      orgNumber: '974760674',
      foundedYear: 1850,
      sectors: ['Romfart', 'romfart', ''],
    };
    const error = refusal(await api.query(CREATE, { input }, as('admin')), 'BAD_USER_INPUT');
    expect(problemFields(error)).toEqual([
      'input.slug',
      'input.name',
      'input.county',
      'input.website',
      'input.orgNumber',
      'input.foundedYear',
      'input.sectors[1]',
      'input.sectors[2]',
    ]);
    expect(error.extensions?.field).toBe('input.slug');
    expect(error.message).toContain('"input.orgNumber" must be a 9-digit organisation number with a valid check digit');
    expect(await read('polar-space')).toBeNull();
    expect(await clusterCount()).toBe(before);
  });

  it('refuses too many sectors, none at all, and a website that is no URL', async () => {
    const many = Array.from({ length: 11 }, (_, i) => `sektor ${i}`);
    for (const [patch, field] of [
      [{ sectors: many }, 'input.sectors'],
      [{ sectors: [] }, 'input.sectors'],
      [{ website: 'polarspace' }, 'input.website'],
      [{ slug: 'a--b' }, 'input.slug'],
      [{ slug: `${'a'.repeat(101)}` }, 'input.slug'],
    ] as const) {
      const error = refusal(
        await api.query(CREATE, { input: { ...NEW_CLUSTER, slug: 'x-cluster', ...patch } }, as('admin')),
        'BAD_USER_INPUT',
      );
      expect(problemFields(error)).toEqual([field]);
    }
    expect(await read('x-cluster')).toBeNull();
  });

  it('refuses an impossible date: in GraphQL by the LocalDate type, on other paths by the service', async () => {
    const result = await api.query(
      CREATE,
      { input: { ...NEW_CLUSTER, slug: 'feb-cluster', admittedOn: '2023-02-30' } },
      as('admin'),
    );
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    // The command line and future importers call the service directly: it checks too.
    const ctx = createRequestContext(api.orm, undefined, systemViewer('test'));
    const error = await createCluster(ctx, {
      ...NEW_CLUSTER,
      slug: 'feb-cluster',
      level: ClusterLevel.ARENA,
      admittedOn: '2023-02-30',
    }).catch((e) => e);
    expect(error).toBeInstanceOf(CodedError);
    expect(error.fields).toEqual([{ field: 'input.admittedOn', message: 'must be a real date, YYYY-MM-DD' }]);
    expect(await read('feb-cluster')).toBeNull();
  });

  it('refuses a slug that is taken (CONFLICT)', async () => {
    const error = refusal(await api.query(CREATE, { input: { ...NEW_CLUSTER, slug: UPDATED } }, as('admin')), 'CONFLICT');
    expect(error.extensions?.field).toBe('input.slug');
    expect((await read(UPDATED))?.name).toBe('GCE Subsea');
  });

  it('is for ADMIN tokens only: none is UNAUTHENTICATED, EDITOR and READER are FORBIDDEN', async () => {
    const before = await clusterCount();
    const input = { ...NEW_CLUSTER, slug: 'not-allowed' };
    refusal(await api.query(CREATE, { input }), 'UNAUTHENTICATED');
    refusal(await api.query(CREATE, { input }, as('editor')), 'FORBIDDEN');
    refusal(await api.query(CREATE, { input }, as('reader')), 'FORBIDDEN');
    expect(await read('not-allowed')).toBeNull();
    expect(await clusterCount()).toBe(before);
  });
});

describe('updateCluster', () => {
  it("changes the given fields of an EDITOR's own cluster, clears with null, leaves the rest, bumps the version", async () => {
    const before = (await read(UPDATED))!;
    const { updateCluster: payload } = await api.data(
      UPDATE,
      {
        input: {
          cluster: { slug: UPDATED },
          version: before.version,
          name: '  GCE Ocean Technology ',
          website: 'https://www.gceocean.no',
          foundedYear: 2006,
          description: null,
          sectors: ['ocean technology', 'subsea', 'havvind'],
        },
      },
      as('editor'),
    );
    const expected = {
      ...before,
      name: 'GCE Ocean Technology',
      website: 'https://www.gceocean.no',
      foundedYear: 2006,
      description: null,
      sectors: ['ocean technology', 'subsea', 'havvind'],
      version: before.version + 1,
    };
    expect(payload.cluster).toEqual(expected);
    expect(await read(UPDATED)).toEqual(expected);
  });

  it('finds the cluster by global id as well as by slug', async () => {
    const before = (await read(UPDATED))!;
    const { updateCluster: payload } = await api.data(
      UPDATE,
      { input: { cluster: { id: before.id }, version: before.version, city: 'Bergen sentrum' } },
      as('admin'),
    );
    expect(payload.cluster.city).toBe('Bergen sentrum');
    expect(payload.cluster.version).toBe(before.version + 1);
  });

  it('leaves the version alone when nothing changes', async () => {
    const before = (await read(UPDATED))!;
    const { updateCluster: payload } = await api.data(
      UPDATE,
      { input: { cluster: { slug: UPDATED }, version: before.version, name: before.name, sectors: before.sectors } },
      as('editor'),
    );
    expect(payload.cluster).toEqual(before);
  });

  it('runs two updates in one request, the second seeing the first', async () => {
    const before = (await read(UPDATED))!;
    const result = await api.data<Record<string, { cluster: ClusterData }>>(
      `mutation ($v1: Int!, $v2: Int!) {
        a: updateCluster(input: { cluster: { slug: "${UPDATED}" }, version: $v1, county: "Hordaland" }) { cluster { county version } }
        b: updateCluster(input: { cluster: { slug: "${UPDATED}" }, version: $v2, county: "Vestland" }) { cluster { county version } }
      }`,
      { v1: before.version, v2: before.version + 1 },
      as('editor'),
    );
    expect(result.a.cluster).toEqual({ county: 'Hordaland', version: before.version + 1 });
    expect(result.b.cluster).toEqual({ county: 'Vestland', version: before.version + 2 });
  });

  it('moves the first level period with the admission date, but not past its end', async () => {
    const before = (await read(UPDATED))!;
    expect(before.levelHistory[0]).toEqual({ level: 'NCE', fromDate: '2006-01-01', toDate: '2015-06-14' });
    const { updateCluster: payload } = await api.data(
      UPDATE,
      { input: { cluster: { slug: UPDATED }, version: before.version, admittedOn: '2006-07-01' } },
      as('admin'),
    );
    expect(payload.cluster.admittedOn).toBe('2006-07-01');
    expect(payload.cluster.levelHistory[0]).toEqual({ level: 'NCE', fromDate: '2006-07-01', toDate: '2015-06-14' });

    const error = refusal(
      await api.query(
        UPDATE,
        { input: { cluster: { slug: UPDATED }, version: before.version + 1, admittedOn: '2015-06-15' } },
        as('admin'),
      ),
      'BAD_USER_INPUT',
    );
    expect(error.extensions?.field).toBe('input.admittedOn');
    expect((await read(UPDATED))!.admittedOn).toBe('2006-07-01');
  });

  it('refuses null for a required field and bad values, naming each, and writes nothing', async () => {
    const before = (await read(UPDATED))!;
    const error = refusal(
      await api.query(
        UPDATE,
        {
          input: {
            cluster: { slug: UPDATED },
            version: before.version,
            name: null,
            city: '',
            website: 'javascript:alert(1)',
            sectors: null,
          },
        },
        as('editor'),
      ),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.name', 'input.city', 'input.website', 'input.sectors']);
    expect(await read(UPDATED)).toEqual(before);
  });

  it('needs exactly one of slug and id, and a well-formed cluster id', async () => {
    const before = (await read(UPDATED))!;
    for (const [cluster, field] of [
      [{}, 'input.cluster'],
      [{ slug: UPDATED, id: before.id }, 'input.cluster'],
      [{ id: 'not-an-id' }, 'input.cluster.id'],
      [{ id: Buffer.from('Organization:1').toString('base64url') }, 'input.cluster.id'],
    ] as const) {
      const error = refusal(
        await api.query(UPDATE, { input: { cluster, version: before.version, name: 'X' } }, as('admin')),
        'BAD_USER_INPUT',
      );
      expect(problemFields(error)).toEqual([field]);
    }
    expect(await read(UPDATED)).toEqual(before);
  });

  it('is NOT_FOUND for an unknown cluster', async () => {
    const error = refusal(
      await api.query(UPDATE, { input: { cluster: { slug: 'no-such-cluster' }, version: 1, name: 'X' } }, as('admin')),
      'NOT_FOUND',
    );
    expect(error.extensions?.field).toBe('input.cluster');
  });

  it('refuses a slug another cluster has (CONFLICT)', async () => {
    const before = (await read(UPDATED))!;
    const error = refusal(
      await api.query(UPDATE, { input: { cluster: { slug: UPDATED }, version: before.version, slug: ELSEWHERE } }, as('admin')),
      'CONFLICT',
    );
    expect(error.extensions?.field).toBe('input.slug');
    expect(await read(UPDATED)).toEqual(before);
  });

  it('is UNAUTHENTICATED without a token and FORBIDDEN for a READER or an EDITOR of another cluster; nothing changes', async () => {
    const before = (await read(UPDATED))!;
    const input = { cluster: { slug: UPDATED }, version: before.version, name: 'Hijacked' };
    refusal(await api.query(UPDATE, { input }), 'UNAUTHENTICATED');
    refusal(await api.query(UPDATE, { input }, as('reader')), 'FORBIDDEN');
    const error = refusal(await api.query(UPDATE, { input }, as('otherEditor')), 'FORBIDDEN');
    expect(error.message).toContain('outside its clusters');
    refusal(
      await api.query(UPDATE, { input }, { token: 'klynge_0000000000000000000000000000000000000000000' }),
      'UNAUTHENTICATED',
    );
    expect(await read(UPDATED)).toEqual(before);
  });

  it('refuses a stale version with CONFLICT and changes nothing', async () => {
    const before = (await read(UPDATED))!;
    const error = refusal(
      await api.query(
        UPDATE,
        { input: { cluster: { slug: UPDATED }, version: before.version - 1, name: 'Stale' } },
        as('editor'),
      ),
      'CONFLICT',
    );
    expect(error.extensions?.field).toBe('input.version');
    expect(error.message).toContain(`at version ${before.version}`);
    expect(await read(UPDATED)).toEqual(before);
  });

  it("relies on MikroORM's optimistic lock: a flush of a stale entity fails", async () => {
    const first = api.orm.em.fork();
    const second = api.orm.em.fork();
    const a = await first.findOneOrFail(Cluster, { slug: UPDATED });
    const b = await second.findOneOrFail(Cluster, { slug: UPDATED });
    a.city = 'Bergen';
    await first.flush();
    b.city = 'Stavanger';
    await expect(second.flush()).rejects.toBeInstanceOf(OptimisticLockError);
    expect((await read(UPDATED))!.city).toBe('Bergen');
  });
});

describe('changeClusterLevel', () => {
  it('closes the current period the day before and opens the new one', async () => {
    const before = (await read(LEVELLED))!;
    expect(before.levelHistory).toEqual([{ level: 'NCE', fromDate: '2015-06-15', toDate: null }]);
    const { changeClusterLevel: payload } = await api.data(
      CHANGE_LEVEL,
      { input: { cluster: { slug: LEVELLED }, version: before.version, level: 'GCE', on: '2024-07-01' } },
      as('editor'),
    );
    const expected = {
      ...before,
      level: 'GCE',
      version: before.version + 1,
      levelHistory: [
        { level: 'NCE', fromDate: '2015-06-15', toDate: '2024-06-30' },
        { level: 'GCE', fromDate: '2024-07-01', toDate: null },
      ],
    };
    expect(payload.cluster).toEqual(expected);
    expect(await read(LEVELLED)).toEqual(expected);
    const { clusters } = await api.data(`{ clusters(filter: { levels: [GCE] }, first: 100) { nodes { slug } } }`);
    expect(clusters.nodes.map((n: { slug: string }) => n.slug)).toContain(LEVELLED);
  });

  it('refuses the same level and a date not after the current period began, naming both', async () => {
    const before = (await read(LEVELLED))!;
    for (const on of ['2024-07-01', '2020-01-01']) {
      const error = refusal(
        await api.query(
          CHANGE_LEVEL,
          { input: { cluster: { slug: LEVELLED }, version: before.version, level: 'GCE', on } },
          as('admin'),
        ),
        'BAD_USER_INPUT',
      );
      expect(problemFields(error)).toEqual(['input.level', 'input.on']);
    }
    const error = refusal(
      await api.query(
        CHANGE_LEVEL,
        { input: { cluster: { slug: LEVELLED }, version: before.version, level: 'NCE', on: '2024-07-01' } },
        as('admin'),
      ),
      'BAD_USER_INPUT',
    );
    expect(error.message).toContain('must be after 2024-07-01, the first day at its current level (GCE)');
    expect(await read(LEVELLED)).toEqual(before);
  });

  it('is UNAUTHENTICATED without a token, FORBIDDEN for READER and other EDITOR, CONFLICT when stale; nothing changes', async () => {
    const before = (await read(LEVELLED))!;
    const input = { cluster: { slug: LEVELLED }, version: before.version, level: 'NCE', on: '2025-01-01' };
    refusal(await api.query(CHANGE_LEVEL, { input }), 'UNAUTHENTICATED');
    refusal(await api.query(CHANGE_LEVEL, { input }, as('reader')), 'FORBIDDEN');
    refusal(await api.query(CHANGE_LEVEL, { input }, as('otherEditor')), 'FORBIDDEN');
    refusal(await api.query(CHANGE_LEVEL, { input: { ...input, version: before.version + 1 } }, as('editor')), 'CONFLICT');
    expect(await read(LEVELLED)).toEqual(before);
  });
});

describe('endCluster', () => {
  it('sets ENDED and closes the last level period the day before', async () => {
    const before = (await read(ENDED))!;
    const { endCluster: payload } = await api.data(
      END,
      { input: { cluster: { slug: ENDED }, version: before.version, on: '2021-01-01' } },
      as('editor'),
    );
    const expected = {
      ...before,
      status: 'ENDED',
      version: before.version + 1,
      levelHistory: [{ level: 'ARENA', fromDate: '2015-06-15', toDate: '2020-12-31' }],
    };
    expect(payload.cluster).toEqual(expected);
    expect(await read(ENDED)).toEqual(expected);
    const { clusters } = await api.data(`{ clusters(filter: { status: ENDED }) { nodes { slug } } }`);
    expect(clusters.nodes).toEqual([{ slug: ENDED }]);
  });

  it('refuses to end or re-level an ended cluster', async () => {
    const before = (await read(ENDED))!;
    let error = refusal(
      await api.query(END, { input: { cluster: { slug: ENDED }, version: before.version, on: '2022-01-01' } }, as('admin')),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.cluster']);
    error = refusal(
      await api.query(
        CHANGE_LEVEL,
        { input: { cluster: { slug: ENDED }, version: before.version, level: 'NCE', on: '2022-01-01' } },
        as('admin'),
      ),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.cluster']);
    expect(await read(ENDED)).toEqual(before);
  });

  it('refuses a date not after the last period began', async () => {
    const before = (await read(LEVELLED))!;
    const error = refusal(
      await api.query(END, { input: { cluster: { slug: LEVELLED }, version: before.version, on: '2024-07-01' } }, as('admin')),
      'BAD_USER_INPUT',
    );
    expect(problemFields(error)).toEqual(['input.on']);
    expect(await read(LEVELLED)).toEqual(before);
  });

  it('is UNAUTHENTICATED without a token, FORBIDDEN for READER and other EDITOR, CONFLICT when stale; nothing changes', async () => {
    const before = (await read(LEVELLED))!;
    const input = { cluster: { slug: LEVELLED }, version: before.version, on: '2025-01-01' };
    refusal(await api.query(END, { input }), 'UNAUTHENTICATED');
    refusal(await api.query(END, { input }, as('reader')), 'FORBIDDEN');
    refusal(await api.query(END, { input }, as('otherEditor')), 'FORBIDDEN');
    refusal(await api.query(END, { input: { ...input, version: before.version - 1 } }, as('admin')), 'CONFLICT');
    expect(await read(LEVELLED)).toEqual(before);
  });
});
