// GET /export/<name>.csv over real HTTP: each export holds what the GraphQL query with the same
// filter returns, filters and orderings work, bad parameters are refused with GraphQL's codes,
// drafts stay hidden from whoever GraphQL hides them from, long lists stream whole across many
// pages, the budget is charged, and formula-looking text reaches spreadsheets as text.
import { parse } from 'csv-parse/sync';
import type { GraphQLFormattedError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROWS_PER_POINT } from '../../src/server/csv-export.route.js';
import { freshOrgNumber } from '../helpers/fixtures.js';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { TokenRole, bearer, issueToken } from '../helpers/tokens.js';

/** Rows per statement here: small, so that the seeded lists span many pages. */
const PAGE_SIZE = 7;
/** Members the test adds to gce-subsea, so that one cluster's list spans several pages. */
const ADDED_MEMBERS = 30;
/** The budget of each token on the rate-limited instance. */
const TOKEN_POINTS = 20;

interface GraphQLBody<T> {
  data?: T;
  errors?: GraphQLFormattedError[];
}
type Row = Record<string, string>;

describe('CSV exports over HTTP', () => {
  let server: TestServer;
  let admin: string;
  let reader: string;
  let ownReader: string;

  const gql = async <T = any>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? bearer(token) : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as GraphQLBody<T>;
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    return body.data as T;
  };

  const download = async (path: string, token?: string) => {
    const response = await fetch(`${server.origin}/export/${path}`, { headers: token ? bearer(token) : {} });
    const text = await response.text();
    return { response, text };
  };

  /** An export's rows as objects by header, after checking it is a CSV download. */
  const csv = async (path: string, token?: string): Promise<Row[]> => {
    const { response, text } = await download(path, token);
    expect(response.status, text).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const file = path.split('?')[0]!.replace(/\//g, '-');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${file}"`);
    return parse(text, { columns: true, skip_empty_lines: true }) as Row[];
  };

  /** A refused export: its status and the error's code and field. */
  const refusal = async (path: string, token?: string) => {
    const { response, text } = await download(path, token);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = JSON.parse(text) as { errors: GraphQLFormattedError[] };
    return { status: response.status, code: body.errors[0]?.extensions?.code, field: body.errors[0]?.extensions?.field };
  };

  /** Every node of a root connection, paged through with cursors (100 at a time). */
  const allNodes = async <N>(field: string, args: string, selection: string, token?: string): Promise<N[]> => {
    const nodes: N[] = [];
    let after: string | null = null;
    for (;;) {
      const data: any = await gql(
        `query ($after: String) { ${field}(first: 100, after: $after${args ? `, ${args}` : ''}) { nodes { ${selection} } pageInfo { hasNextPage endCursor } } }`,
        { after },
        token,
      );
      nodes.push(...data[field].nodes);
      if (!data[field].pageInfo.hasNextPage) return nodes;
      after = data[field].pageInfo.endCursor;
    }
  };

  const MEMBER_SELECTION = 'id role joinedOn leftOn organization { orgNumber name county }';

  /** Every member of a cluster under a filter and ordering, as GraphQL pages them. */
  const allMembers = async (slug: string, args: string) => {
    const members: any[] = [];
    let after: string | null = null;
    for (;;) {
      const data: any = await gql(
        `query ($slug: String!, $after: String) { cluster(slug: $slug) { slug name level members(first: 100, after: $after${args ? `, ${args}` : ''}) { nodes { ${MEMBER_SELECTION} } pageInfo { hasNextPage endCursor } } } }`,
        { slug, after },
      );
      const { cluster } = data;
      members.push(...cluster.members.nodes.map((m: any) => membershipRow(cluster, m)));
      if (!cluster.members.pageInfo.hasNextPage) return members;
      after = cluster.members.pageInfo.endCursor;
    }
  };

  const membershipRow = (cluster: { slug: string; name: string; level: string }, m: any): Row => ({
    id: m.id,
    clusterSlug: cluster.slug,
    clusterName: cell(cluster.name),
    clusterLevel: cluster.level,
    orgNumber: m.organization.orgNumber,
    organizationName: cell(m.organization.name),
    organizationCounty: cell(m.organization.county),
    role: m.role,
    joinedOn: m.joinedOn,
    leftOn: m.leftOn ?? '',
  });

  /** What a spreadsheet-safe cell of this text looks like (see neutraliseFormula). */
  const cell = (value: string | number | null | undefined) =>
    value === null || value === undefined ? '' : /^[=+\-@\t\r]/.test(String(value)) ? `'${value}` : String(value);

  const clusterRow = (c: any): Row => ({
    id: c.id,
    slug: c.slug,
    name: cell(c.name),
    level: c.level,
    status: c.status,
    county: c.county,
    city: cell(c.city),
    sectors: cell(c.sectors.join('; ')),
    admittedOn: c.admittedOn,
    foundedYear: cell(c.foundedYear),
    orgNumber: cell(c.orgNumber),
    website: cell(c.website),
    provenance: c.provenance,
    description: cell(c.description),
  });
  const CLUSTER_SELECTION =
    'id slug name level status county city sectors admittedOn foundedYear orgNumber website provenance description';

  const announcementRow = (a: any): Row => ({
    id: a.id,
    slug: a.slug,
    title: cell(a.title),
    status: a.status,
    kind: a.kind,
    language: a.language,
    publishedAt: a.publishedAt ?? '',
    clusters: a.mentions.map((m: { cluster: { slug: string } }) => m.cluster.slug).join('; '),
    sourceUrl: cell(a.sourceUrl),
    provenance: a.provenance,
  });
  const ANNOUNCEMENT_SELECTION =
    'id slug title status kind language publishedAt mentions { cluster { slug } } sourceUrl provenance';

  let formulaOrg: string;

  beforeAll(async () => {
    server = await startTestServer({}, { exportPageSize: PAGE_SIZE });
    admin = await issueToken(server, TokenRole.ADMIN);
    reader = await issueToken(server, TokenRole.READER, ['nce-eyde']);
    ownReader = await issueToken(server, TokenRole.READER, ['gce-subsea']);
    // Text a spreadsheet would run as formulas, in the places a CSV carries text.
    const read = await gql(`{ cluster(slug: "gce-subsea") { version } }`);
    await gql(
      `mutation ($v: Int!) { updateCluster(input: { cluster: { slug: "gce-subsea" }, version: $v, description: "=HYPERLINK(\\"http://evil.example\\",\\"klikk\\")" }) { cluster { version } } }`,
      { v: read.cluster.version },
      admin,
    );
    formulaOrg = freshOrgNumber();
    await gql(
      `mutation ($org: String!) { upsertOrganization(input: { orgNumber: $org, name: "@SUM(1+1) Formel AS", county: "-Vestland" }) { organization { id } } }`,
      { org: formulaOrg },
      admin,
    );
    await gql(
      `mutation ($org: String!) { addMember(input: { cluster: { slug: "gce-subsea" }, organization: $org, role: MEMBER, joinedOn: "2024-03-01" }) { membership { id } } }`,
      { org: formulaOrg },
      admin,
    );
    for (let i = 0; i < ADDED_MEMBERS; i += 1) {
      const org = freshOrgNumber();
      await gql(
        `mutation ($org: String!, $name: String!) { upsertOrganization(input: { orgNumber: $org, name: $name, county: "Vestland" }) { organization { id } } }`,
        { org, name: `Medlem ${i} AS` },
        admin,
      );
      await gql(
        `mutation ($org: String!, $on: LocalDate!) { addMember(input: { cluster: { slug: "gce-subsea" }, organization: $org, role: ${i % 3 === 0 ? 'CORE' : 'MEMBER'}, joinedOn: $on }) { membership { id } } }`,
        { org, on: `20${10 + (i % 15)}-0${1 + (i % 9)}-15` },
        admin,
      );
    }
    // A published announcement and a draft, both mentioning gce-subsea.
    const published = await gql(
      `mutation { createAnnouncement(input: { slug: "csv-published", title: "+47 nyheter", body: "Tekst.", language: nb, kind: NEWS, clusters: ["gce-subsea"] }) { announcement { id version } } }`,
      {},
      admin,
    );
    await gql(
      `mutation ($id: ID!, $v: Int!) { publishAnnouncement(input: { id: $id, version: $v }) { announcement { id } } }`,
      { id: published.createAnnouncement.announcement.id, v: published.createAnnouncement.announcement.version },
      admin,
    );
    await gql(
      `mutation { createAnnouncement(input: { slug: "csv-draft", title: "Hemmelig utkast", body: "Tekst.", language: nb, kind: NEWS, clusters: ["gce-subsea"] }) { announcement { id } } }`,
      {},
      admin,
    );
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('clusters.csv holds what Query.clusters lists, column for column, in its order', async () => {
    const rows = await csv('clusters.csv');
    const expected = (await allNodes<any>('clusters', '', CLUSTER_SELECTION)).map(clusterRow);
    expect(expected.length).toBeGreaterThan(2 * PAGE_SIZE);
    expect(rows).toEqual(expected);
  });

  it('clusters.csv takes the ClusterFilter and ordering as parameters', async () => {
    const { clusters } = await gql(`{ clusters(first: 1, filter: { levels: [GCE] }) { nodes { sectors } } }`);
    const sector: string = clusters.nodes[0].sectors[0];
    const cases: [string, string][] = [
      [
        'levels=NCE,GCE&counties=Vestland&orderBy=NAME&direction=DESC',
        'filter: { levels: [NCE, GCE], counties: ["Vestland"] }, orderBy: { field: NAME, direction: DESC }',
      ],
      ['levels=ARENA&levels=ARENA_PRO&orderBy=LEVEL', 'filter: { levels: [ARENA, ARENA_PRO] }, orderBy: { field: LEVEL }'],
      [
        'status=ACTIVE&admittedOn.from=2010-01-01&admittedOn.to=2020-12-31&orderBy=ADMITTED_ON&direction=DESC',
        'filter: { status: ACTIVE, admittedOn: { from: "2010-01-01", to: "2020-12-31" } }, orderBy: { field: ADMITTED_ON, direction: DESC }',
      ],
      ['text=subsea', 'filter: { text: "subsea" }'],
      [`sectors=${encodeURIComponent(sector)}`, `filter: { sectors: [${JSON.stringify(sector)}] }`],
      ['levels=', 'filter: { levels: [] }'],
    ];
    let nonEmpty = 0;
    for (const [query, args] of cases) {
      const rows = await csv(`clusters.csv?${query}`);
      const expected = (await allNodes<any>('clusters', args, CLUSTER_SELECTION)).map(clusterRow);
      expect(rows, query).toEqual(expected);
      if (rows.length > 0) nonEmpty += 1;
    }
    // The filters select something (and not everything) most of the time, so equality means something.
    expect(nonEmpty).toBeGreaterThanOrEqual(5);
    const all = await csv('clusters.csv');
    expect((await csv('clusters.csv?levels=NCE,GCE')).length).toBeLessThan(all.length);
  });

  it("cluster-members.csv streams a cluster's members whole, many pages of them, as Cluster.members lists them", async () => {
    const { clusters } = await gql(`{ clusters(first: 100) { nodes { slug members { totalCount } } } }`);
    const largest = [...clusters.nodes].sort((a: any, b: any) => b.members.totalCount - a.members.totalCount)[0];
    expect(largest.members.totalCount).toBeGreaterThan(3 * PAGE_SIZE);
    const rows = await csv(`cluster-members.csv?cluster=${largest.slug}`);
    expect(rows).toHaveLength(largest.members.totalCount);
    expect(rows).toEqual(await allMembers(largest.slug, ''));
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);

    const filtered = await csv(
      `cluster-members.csv?cluster=${largest.slug}&roles=MEMBER,CORE&activeOn=2022-06-01&orderBy=LEFT_ON&direction=DESC`,
    );
    expect(filtered).toEqual(
      await allMembers(
        largest.slug,
        'filter: { roles: [MEMBER, CORE], activeOn: "2022-06-01" }, orderBy: { field: LEFT_ON, direction: DESC }',
      ),
    );
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.length).toBeLessThan(rows.length);
  });

  it('memberships.csv lists the members of every cluster the ClusterFilter selects, cluster by cluster', async () => {
    const flattened = async (clusterArgs: string, memberArgs: string) => {
      const clusters = await allNodes<{ slug: string }>('clusters', clusterArgs, 'slug');
      return (await Promise.all(clusters.map((c) => allMembers(c.slug, memberArgs)))).flat();
    };
    const all = await csv('memberships.csv');
    expect(all).toEqual(await flattened('', ''));
    expect(all.length).toBeGreaterThan(10 * PAGE_SIZE);

    const some = await csv('memberships.csv?levels=NCE,GCE&roles=HOST,CORE&activeOn=2023-01-01&orderBy=JOINED_ON&direction=DESC');
    expect(some).toEqual(
      await flattened(
        'filter: { levels: [NCE, GCE] }',
        'filter: { roles: [HOST, CORE], activeOn: "2023-01-01" }, orderBy: { field: JOINED_ON, direction: DESC }',
      ),
    );
    expect(some.length).toBeGreaterThan(0);
    expect(some.length).toBeLessThan(all.length);
  });

  it('each statistic of ProgrammeStats is an export holding the same figures, under the same ClusterFilter', async () => {
    const figures = {
      'clusters-by-level': 'clustersByLevel',
      'members-by-level': 'membersByLevel',
      'members-by-county': 'membersByCounty',
      'members-by-sector': 'membersBySector',
      'memberships-by-year': 'membershipsByYear',
    };
    for (const [query, filter] of [
      ['', ''],
      ['?counties=Vestland,Rogaland&status=ACTIVE', '(filter: { counties: ["Vestland", "Rogaland"], status: ACTIVE })'],
    ]) {
      const { stats } = await gql(
        `{ stats${filter} { ${Object.values(figures)
          .map((f) => `${f} { key count }`)
          .join(' ')} } }`,
      );
      for (const [name, field] of Object.entries(figures)) {
        const rows = await csv(`stats/${name}.csv${query}`);
        expect(rows, name).toEqual(
          stats[field].map((r: { key: string; count: number }) => ({ key: cell(r.key), count: String(r.count) })),
        );
        expect(rows.length, name).toBeGreaterThan(0);
      }
    }
    const { stats } = await gql(
      `{ stats(filter: { levels: [NCE, GCE] }) { membershipCounts(groupBy: [CLUSTER_LEVEL, ROLE], activeOn: "2023-01-01") { keys count } } }`,
    );
    const counts = await csv('stats/membership-counts.csv?levels=NCE,GCE&groupBy=CLUSTER_LEVEL,ROLE&activeOn=2023-01-01');
    expect(counts).toEqual(
      stats.membershipCounts.map((r: { keys: string[]; count: number }) => ({
        CLUSTER_LEVEL: r.keys[0],
        ROLE: r.keys[1],
        count: String(r.count),
      })),
    );
    expect(counts.length).toBeGreaterThan(1);
  });

  it('members-by-county-and-level.csv and clusters-by-level.csv?activeOn= hold the figures GraphQL gives', async () => {
    for (const [query, filter] of [
      ['', ''],
      ['?status=ACTIVE', '(filter: { status: ACTIVE })'],
      ['?counties=Vestland,Rogaland', '(filter: { counties: ["Vestland", "Rogaland"] })'],
    ]) {
      const { stats } = await gql(`{ stats${filter} { membersByCountyAndLevel { county level count } } }`);
      const rows = await csv(`stats/members-by-county-and-level.csv${query}`);
      expect(rows, query).toEqual(
        stats.membersByCountyAndLevel.map((r: { county: string; level: string; count: number }) => ({
          county: cell(r.county),
          level: r.level,
          count: String(r.count),
        })),
      );
      expect(rows.length, query).toBeGreaterThan(0);
    }
    const { stats } = await gql(`{ stats { clustersByLevel(activeOn: "2015-01-01") { key count } } }`);
    const then = await csv('stats/clusters-by-level.csv?activeOn=2015-01-01');
    expect(then).toEqual(
      stats.clustersByLevel.map((r: { key: string; count: number }) => ({ key: r.key, count: String(r.count) })),
    );
    expect(then).not.toEqual(await csv('stats/clusters-by-level.csv'));
  });

  it('every ProgrammeStats field has an export (a new statistic needs one)', async () => {
    const { __type } = await gql(`{ __type(name: "ProgrammeStats") { fields { name } } }`);
    const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    for (const { name } of __type.fields as { name: string }[]) {
      const path = `stats/${kebab(name)}.csv${name === 'membershipCounts' ? '?groupBy=ROLE' : ''}`;
      const { response } = await download(path);
      expect(response.status, path).toBe(200);
    }
  });

  it('announcements.csv shows drafts exactly to the tokens GraphQL shows them to', async () => {
    const viewers: [string, string | undefined][] = [
      ['anonymous', undefined],
      ['admin', admin],
      ['reader of another cluster', reader],
      ['reader of a cluster it mentions', ownReader],
    ];
    for (const [who, token] of viewers) {
      const rows = await csv('announcements.csv', token);
      const expected = (await allNodes<any>('announcements', '', ANNOUNCEMENT_SELECTION, token)).map(announcementRow);
      expect(rows, who).toEqual(expected);
      expect(
        rows.some((r) => r.slug === 'csv-draft'),
        who,
      ).toBe(token === admin || token === ownReader);
      expect(
        rows.some((r) => r.slug === 'csv-published'),
        who,
      ).toBe(true);
    }
    const filtered = await csv('announcements.csv?clusters=gce-subsea&kinds=NEWS&language=nb&orderBy=TITLE', admin);
    expect(filtered).toEqual(
      (
        await allNodes<any>(
          'announcements',
          'filter: { clusters: ["gce-subsea"], kinds: [NEWS], language: nb }, orderBy: { field: TITLE }',
          ANNOUNCEMENT_SELECTION,
          admin,
        )
      ).map(announcementRow),
    );
    expect(filtered.map((r) => r.slug)).toEqual(expect.arrayContaining(['csv-draft', 'csv-published']));
  });

  it('neutralises text a spreadsheet would run as a formula', async () => {
    const clusters = await csv('clusters.csv?text=subsea');
    const subsea = clusters.find((r) => r.slug === 'gce-subsea');
    expect(subsea?.description).toBe(`'=HYPERLINK("http://evil.example","klikk")`);
    const members = await csv('cluster-members.csv?cluster=gce-subsea');
    const member = members.find((r) => r.orgNumber === formulaOrg);
    expect(member?.organizationName).toBe("'@SUM(1+1) Formel AS");
    expect(member?.organizationCounty).toBe("'-Vestland");
    const announcements = await csv('announcements.csv');
    expect(announcements.find((r) => r.slug === 'csv-published')?.title).toBe("'+47 nyheter");
    // No cell of any export starts a formula.
    for (const rows of [clusters, members, announcements]) {
      for (const row of rows) for (const value of Object.values(row)) expect(value).not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  it('writes a header row, UTF-8, and a byte-order mark only when asked (?bom=1)', async () => {
    const plain = await fetch(`${server.origin}/export/stats/clusters-by-level.csv`);
    const bytes = new Uint8Array(await plain.arrayBuffer());
    expect([...bytes.slice(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes).split('\n')[0]).toBe('key,count');
    const withBom = new Uint8Array(
      await (await fetch(`${server.origin}/export/stats/clusters-by-level.csv?bom=1`)).arrayBuffer(),
    );
    expect([...withBom.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // Norwegian letters come through as UTF-8.
    const members = await download('memberships.csv?counties=Møre%20og%20Romsdal');
    expect(members.response.status).toBe(200);
    const rows = parse(members.text, { columns: true }) as Row[];
    expect(rows.length).toBeGreaterThan(0);
    // An empty list is a header row alone.
    const empty = await download('clusters.csv?levels=');
    expect(empty.text.trim()).toBe(
      'id,slug,name,level,status,county,city,sectors,admittedOn,foundedYear,orgNumber,website,provenance,description',
    );
  });

  it('refuses bad parameters with HTTP 400 and the code and field GraphQL would give', async () => {
    const cases: [string, string][] = [
      ['clusters.csv?levels=NCE,MEGA', 'levels[1]'],
      ['clusters.csv?status=OPEN', 'status'],
      ['clusters.csv?orderBy=SIZE', 'orderBy'],
      ['clusters.csv?orderBy=NAME&direction=UP', 'direction'],
      ['clusters.csv?admittedOn.from=2020-02-30', 'admittedOn.from'],
      ['clusters.csv?admittedOn.from=2021-01-01&admittedOn.to=2020-01-01', 'admittedOn'],
      ['clusters.csv?level=NCE', 'level'],
      ['clusters.csv?text=%00', 'text'],
      ['clusters.csv?status=ACTIVE&status=ENDED', 'status'],
      ['clusters.csv?bom=yes', 'bom'],
      ['cluster-members.csv', 'cluster'],
      ['cluster-members.csv?cluster=gce-subsea&roles=BOSS', 'roles[0]'],
      ['cluster-members.csv?cluster=gce-subsea&activeOn=yesterday', 'activeOn'],
      ['memberships.csv?orderBy=NAME', 'orderBy'],
      ['announcements.csv?language=de', 'language'],
      ['stats/membership-counts.csv', 'groupBy'],
      ['stats/membership-counts.csv?groupBy=', 'groupBy'],
      ['stats/membership-counts.csv?groupBy=ROLE,CITY', 'groupBy[1]'],
    ];
    for (const [path, field] of cases) {
      expect(await refusal(path), path).toEqual({ status: 400, code: 'BAD_USER_INPUT', field });
    }
    // GraphQL refuses the same values with the same code.
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query ($l: [ClusterLevel!]) { clusters(filter: { levels: $l }) { totalCount } }',
        variables: { l: ['MEGA'] },
      }),
    });
    expect(((await response.json()) as GraphQLBody<unknown>).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers 404 for an unknown export or cluster, 401 for a bad token, 405 for a write', async () => {
    expect(await refusal('nothing.csv')).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(await refusal('stats/everything.csv')).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(await refusal('clusters.json')).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(await refusal('cluster-members.csv?cluster=no-such-cluster')).toEqual({
      status: 404,
      code: 'NOT_FOUND',
      field: 'cluster',
    });
    const bad = await fetch(`${server.origin}/export/clusters.csv`, { headers: { authorization: 'Bearer klynge_not-a-token' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await bad.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const post = await fetch(`${server.origin}/export/clusters.csv`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(((await post.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it("charges a point per started 100 rows to the caller's budget, and refuses with 429 once it is spent", async () => {
    // A second instance on the same database, with small budgets.
    const limited = await startTestServer(
      { database: server.database, rateLimit: { tokenPoints: TOKEN_POINTS, anonymousPoints: TOKEN_POINTS } },
      { exportPageSize: PAGE_SIZE },
    );
    try {
      const token = await issueToken(server, TokenRole.READER, ['gce-subsea'], 'csv budget');
      const get = async (path: string) => {
        const response = await fetch(`${limited.origin}/export/${path}`, { headers: bearer(token) });
        return { response, text: await response.text() };
      };
      const first = await get('memberships.csv');
      expect(first.response.status).toBe(200);
      expect(first.response.headers.get('x-ratelimit-limit')).toBe(String(TOKEN_POINTS));
      const rows = (parse(first.text, { columns: true }) as Row[]).length;
      const cost = Math.ceil(rows / ROWS_PER_POINT);
      expect(cost).toBeGreaterThanOrEqual(2);
      expect(cost).toBeLessThan(TOKEN_POINTS);
      const state = await fetch(limited.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(token) },
        body: JSON.stringify({ query: '{ rateLimit { used } }' }),
      });
      expect(((await state.json()) as any).data.rateLimit.used).toBe(cost);
      // Spend the rest on small exports (a point each); then the next one is refused before it starts.
      for (let i = cost; i < TOKEN_POINTS; i += 1) expect((await get('stats/clusters-by-level.csv')).response.status).toBe(200);
      const refused = await get('stats/clusters-by-level.csv');
      expect(refused.response.status).toBe(429);
      expect(Number(refused.response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.response.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(JSON.parse(refused.text).errors[0].extensions.code).toBe('RATE_LIMITED');
    } finally {
      await limited.stop();
    }
  }, 60_000);
});
