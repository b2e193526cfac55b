// The pass-through (src/graphql/pass-through.ts): queries in its subset are answered by one
// generated statement (PostgreSQL or SQLite) that writes the whole `data` as JSON text. Differential: two
// servers on one database, one with it and one without, must send the same bytes and the same
// Cache-Control for a broad list of operations, and the one with it must have passed them through.
// Requests outside the subset take the usual path with the usual answers and errors.
import type { MikroORM } from '@mikro-orm/core';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createRequestContext } from '../../src/context/request-context.js';
import { openDatabase } from '../../src/db/database.js';
import { type PassThroughSlot, passThrough, passedThroughCount } from '../../src/graphql/pass-through.js';
import { buildKlyngeSchema } from '../../src/graphql/schema.js';
import { KLYNGE_QUERIES } from '../../bench/queries.js';
import { TEST_DIALECT } from '../helpers/database.js';
import { metricValue } from '../helpers/metrics.js';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { TokenRole, issueToken } from '../helpers/tokens.js';

const onPostgres = TEST_DIALECT === 'postgresql';
const Q1 = KLYNGE_QUERIES.Q1.graphql;
const Q4 = KLYNGE_QUERIES.Q4.graphql;
const DRAFT = 'pass-through-draft';
const EMPTY = 'pass-through-empty';
const ESCAPED = 'pass-through-escaped';
/** Quotes, a backslash, a newline, a tab, control characters, U+2028, non-ASCII letters and an emoji, in each dialect's SQL. */
const ESCAPED_TITLE = onPostgres
  ? `E'"Sitat" \\\\ ny\\nlinje\\tfane \\u0001\\u001f \\u2028 – ø æ å 😀 \\u007f'`
  : `'"Sitat" \\ ny' || char(10) || 'linje' || char(9) || 'fane ' || char(1) || char(31) || ' ' || char(8232) || ' – ø æ å 😀 ' || char(127)`;
/** 2030-03-04T05:06:07.891999Z: PostgreSQL keeps the microseconds (the answer truncates them), SQLite epoch milliseconds. */
const ESCAPED_PUBLISHED_AT = onPostgres
  ? `timestamptz '2030-03-04 05:06:07.891999+00'`
  : String(Date.UTC(2030, 2, 4, 5, 6, 7, 891));

const CLUSTER_FIELDS =
  'id slug name level status county city description website orgNumber foundedYear admittedOn provenance version';
const ORGANIZATION_FIELDS = 'id orgNumber name city county naceCode employees website provenance version';
const PARTNER_FIELDS = 'id slug name kind orgNumber city website provenance version';
const ANNOUNCEMENT_FIELDS = 'id slug title body language publishedAt status kind sourceUrl provenance version';
const MEMBERSHIP_FIELDS = 'id role joinedOn leftOn version';
const PARTNERSHIP_FIELDS = 'id role since until version';

/** A cluster page with every whitelisted field of every type, and every nested list under it. */
const EVERYTHING = `query Everything($slug: String!) {
  cluster(slug: $slug) {
    ${CLUSTER_FIELDS}
    members(first: 100) {
      totalCount
      nodes {
        ${MEMBERSHIP_FIELDS}
        organization { ${ORGANIZATION_FIELDS} memberships(first: 5) { totalCount nodes { role cluster { slug } } } }
        cluster { ${CLUSTER_FIELDS} }
        otherClusters(first: 3) { totalCount nodes { slug name level } }
      }
    }
    partners(first: 100) {
      totalCount
      nodes {
        ${PARTNERSHIP_FIELDS}
        partner { ${PARTNER_FIELDS} partnerships(first: 2) { totalCount nodes { since cluster { slug } } } }
        cluster { slug name }
      }
    }
    announcements(first: 100) {
      totalCount
      nodes { ${ANNOUNCEMENT_FIELDS} clusters(first: 100) { totalCount nodes { ${CLUSTER_FIELDS} } } }
    }
  }
}`;

/** Operations taken per cluster slug (`$slug`). */
const PER_CLUSTER = [
  Q1,
  EVERYTHING,
  // Q1 written with edges, aliases, __typename and fragments.
  `query ($slug: String!) {
  __typename
  page: cluster(slug: $slug) {
    __typename
    ...Head
    people: members(first: 20, orderBy: { field: JOINED_ON, direction: ASC }) {
      __typename
      edges { __typename node { __typename role org: organization { ...Org } } }
    }
    partners(first: 100) { edges { node { ... on Partnership { role partner { name kind } } } } }
    announcements(first: 5) { nodes { ... { title } publishedAt } }
  }
}
fragment Head on Cluster { slug name level ... on Cluster { name id } }
fragment Org on Organization { name orgNumber city }`,
  // The same key selected twice, merged as the executor merges it.
  `query ($slug: String!) {
  cluster(slug: $slug) {
    name
    members(first: 3) { nodes { role } }
    ... { members(first: 3) { nodes { joinedOn organization { name } } totalCount } }
    name
  }
}`,
];

/** Nested lists with each page size, ordering field and direction. */
function listVariants(): string[] {
  const variants: string[] = [];
  const directions = ['ASC', 'DESC'];
  for (const first of [0, 1, 5, 100]) {
    for (const direction of directions) {
      for (const field of ['JOINED_ON', 'LEFT_ON']) {
        variants.push(
          `query ($slug: String!) { cluster(slug: $slug) { members(first: ${first}, orderBy: { field: ${field}, direction: ${direction} }) { nodes { id joinedOn leftOn organization { name } otherClusters(first: ${first}, orderBy: { field: NAME, direction: ${direction} }) { nodes { slug } } } } } }`,
        );
      }
      variants.push(
        `query ($slug: String!) { cluster(slug: $slug) { partners(first: ${first}, orderBy: { field: SINCE, direction: ${direction} }) { nodes { id since partner { slug } } } } }`,
      );
      for (const field of ['PUBLISHED_AT', 'TITLE']) {
        variants.push(
          `query ($slug: String!) { cluster(slug: $slug) { announcements(first: ${first}, orderBy: { field: ${field}, direction: ${direction} }) { nodes { slug title publishedAt } } } }`,
        );
      }
      for (const field of ['NAME', 'ADMITTED_ON', 'LEVEL']) {
        variants.push(
          `query ($slug: String!) { cluster(slug: $slug) { members(first: 5) { nodes { otherClusters(first: ${first}, orderBy: { field: ${field}, direction: ${direction} }) { nodes { slug } } } } } }`,
        );
      }
    }
  }
  return variants;
}

/** Operations without variables: the feed and the root lists. */
function rootOperations(): string[] {
  const operations = [
    Q4,
    `query Q4Edges { announcements(first: 20, orderBy: { field: PUBLISHED_AT, direction: DESC }) { edges { node { slug title publishedAt clusters { edges { node { name level } } } } } } }`,
    `{ announcements { nodes { ${ANNOUNCEMENT_FIELDS} clusters { totalCount nodes { slug } } } } }`,
    `{ clusters(first: 100) { nodes { ${CLUSTER_FIELDS} members(first: 2) { totalCount nodes { role organization { name } } } } } }`,
    // A cluster id that is no row's, written in the document: null.
    `{ cluster(id: "${Buffer.from('Cluster:999999').toString('base64url')}") { name } }`,
    `{ a: clusters(first: 3) { nodes { slug } } b: clusters(first: 3, orderBy: { field: LEVEL, direction: DESC }) { __typename nodes { slug level } } }`,
  ];
  for (const first of [0, 1, 5, 100]) {
    for (const direction of ['ASC', 'DESC']) {
      for (const field of ['PUBLISHED_AT', 'TITLE']) {
        operations.push(
          `{ announcements(first: ${first}, orderBy: { field: ${field}, direction: ${direction} }) { nodes { slug clusters(first: ${first}, orderBy: { field: ADMITTED_ON, direction: ${direction} }) { nodes { slug } } } } }`,
        );
      }
      for (const field of ['NAME', 'ADMITTED_ON', 'LEVEL']) {
        operations.push(
          `{ clusters(first: ${first}, orderBy: { field: ${field}, direction: ${direction} }) { nodes { slug announcements(first: ${first}) { nodes { slug } } } } }`,
        );
      }
    }
  }
  return operations;
}

let passing: TestServer;
let usual: TestServer;
let orm: MikroORM;
let slugs: string[];
let admin: string;

interface Answer {
  status: number;
  cacheControl: string | null;
  body: string;
}

const post = async (server: TestServer, query: string, variables?: Record<string, unknown>, token?: string): Promise<Answer> => {
  const response = await fetch(`${server.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, cacheControl: response.headers.get('cache-control'), body: await response.text() };
};

/** The passing server's answer, whether it passed it through, and the usual server's answer. */
async function both(query: string, variables?: Record<string, unknown>, token?: string) {
  const before = passedThroughCount();
  const passed = await post(passing, query, variables, token);
  const passedThrough = passedThroughCount() - before;
  return { passed, passedThrough, expected: await post(usual, query, variables, token) };
}

/** Asserts the same answer from both servers, passed through. */
async function expectPassedThrough(query: string, variables?: Record<string, unknown>) {
  const { passed, passedThrough, expected } = await both(query, variables);
  expect(passed, `${query}\n${JSON.stringify(variables)}`).toEqual(expected);
  expect(expected.body).not.toContain('"errors"');
  expect(passedThrough, query).toBe(1);
  return expected;
}

/** Asserts the same answer from both servers, by the usual path. */
async function expectUsualPath(query: string, variables?: Record<string, unknown>, token?: string) {
  const { passed, passedThrough, expected } = await both(query, variables, token);
  expect(passed, query).toEqual(expected);
  expect(passedThrough, query).toBe(0);
  return expected;
}

beforeAll(async () => {
  passing = await startTestServer({ passThrough: true });
  usual = await startTestServer({ database: passing.database, passThrough: false });
  orm = await openDatabase(passing.database);
  admin = await issueToken({ orm }, TokenRole.ADMIN);
  const connection = orm.em.fork().getConnection();
  // A draft mentioning a cluster: readers who see no drafts must not get it.
  await connection.execute(
    `insert into announcement (created_at, updated_at, version, slug, title, body, language, published_at, kind, source_url, provenance, status)
     select created_at, updated_at, version, '${DRAFT}', 'Et utkast', body, language, null, kind, null, provenance, 'DRAFT'
     from announcement order by id limit 1`,
  );
  await connection.execute(
    `insert into announcement_cluster (announcement_id, cluster_id, position, matched_by, matched_text)
     select (select id from announcement where slug = '${DRAFT}'), cluster_id, position, matched_by, matched_text
     from announcement_cluster order by id limit 1`,
  );
  // A published announcement whose text JSON must escape, published at a time with sub-seconds.
  await connection.execute(
    `insert into announcement (created_at, updated_at, version, slug, title, body, language, published_at, kind, source_url, provenance, status)
     select created_at, updated_at, version, '${ESCAPED}', ${ESCAPED_TITLE}, body, language, ${ESCAPED_PUBLISHED_AT}, kind, null, provenance, 'PUBLISHED'
     from announcement order by id limit 1`,
  );
  await connection.execute(
    `insert into announcement_cluster (announcement_id, cluster_id, position, matched_by, matched_text)
     select (select id from announcement where slug = '${ESCAPED}'), cluster_id, position, matched_by, matched_text
     from announcement_cluster order by id limit 1`,
  );
  // A cluster with no members, partners or announcements.
  const columns = (
    await connection.execute<{ name: string }[]>(
      TEST_DIALECT === 'postgresql'
        ? `select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = 'cluster' and column_name not in ('id', 'slug')`
        : `select name from pragma_table_info('cluster') where name not in ('id', 'slug')`,
    )
  ).map((row: { name: string }) => row.name);
  await connection.execute(
    `insert into cluster (slug, ${columns.join(', ')}) select '${EMPTY}', ${columns.join(', ')} from cluster order by id limit 1`,
  );
  const clusters = await connection.execute<{ slug: string }[]>('select slug from cluster order by slug');
  slugs = clusters.map((row: { slug: string }) => row.slug);
});
afterAll(async () => {
  await orm?.close(true);
  await usual?.stop();
  await passing?.stop();
});

describe(`the pass-through (${TEST_DIALECT})`, () => {
  it('answers the benchmark operations and their variants for every cluster, and an unknown one, as the usual path does', async () => {
    expect(slugs).toContain(EMPTY);
    for (const query of PER_CLUSTER) {
      for (const slug of [...slugs, 'no-such-cluster']) {
        const answer = await expectPassedThrough(query, { slug });
        expect(answer.body).not.toContain('Et utkast');
      }
    }
    expect((await post(usual, Q1, { slug: 'no-such-cluster' })).body).toBe('{"data":{"cluster":null}}\n');
  });

  it('answers every page size, ordering field and direction of each nested list as the usual path does', async () => {
    const busiest = slugs.filter((slug) => slug !== EMPTY).slice(0, 3);
    for (const query of listVariants()) {
      for (const slug of [...busiest, EMPTY]) await expectPassedThrough(query, { slug });
    }
  });

  it('answers the feed and the root lists as the usual path does', async () => {
    for (const query of rootOperations()) await expectPassedThrough(query);
    const feed = await expectPassedThrough(Q4);
    expect(feed.body).toContain('"title":"\\"Sitat\\" \\\\ ny\\nlinje\\tfane \\u0001\\u001f');
    expect(feed.body).toContain('"publishedAt":"2030-03-04T05:06:07.891Z"');
  });

  it('takes page sizes, orderings and the cluster by id from variables, and writes the statement once per shape', async () => {
    const query = `query ($id: ID!, $n: Int, $order: MembershipOrder) {
  cluster(id: $id) { id slug members(first: $n, orderBy: $order) { nodes { joinedOn organization { name } } } }
}`;
    const { body } = await post(usual, '{ clusters(first: 100) { nodes { id } } }');
    const ids = (JSON.parse(body).data.clusters.nodes as { id: string }[]).map((node) => node.id);
    for (const id of ids.slice(0, 4)) {
      for (const n of [0, 2, null]) {
        for (const order of [null, { field: 'LEFT_ON', direction: 'DESC' }, { field: 'JOINED_ON' }]) {
          await expectPassedThrough(query, { id, n, order });
        }
      }
    }
    // A value outside the subset takes the usual path (and its error) without closing the operation to others.
    expect((await expectUsualPath(query, { id: ids[0], n: 1000 })).body).toContain('PAGE_SIZE_EXCEEDED');
    await expectPassedThrough(query, { id: ids[0], n: 7 });
  });

  it('answers the operation a request names in a document of several', async () => {
    const document = `query Page($slug: String!) { cluster(slug: $slug) { name } } query Feed { announcements(first: 2) { nodes { slug } } }`;
    for (const operationName of ['Page', 'Feed']) {
      const body = { query: document, operationName, variables: operationName === 'Page' ? { slug: slugs[0] } : {} };
      const send = async (server: TestServer) =>
        (
          await fetch(`${server.origin}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          })
        ).text();
      const before = passedThroughCount();
      const passed = await send(passing);
      expect(passedThroughCount() - before).toBe(1);
      expect(passed).toBe(await send(usual));
      expect(passed).toContain(operationName === 'Page' ? '"cluster"' : '"announcements"');
    }
  });

  it('leaves requests outside the subset to the usual path, with its answers and errors', async () => {
    const slug = slugs.find((s) => s !== EMPTY);
    const outside = [
      `query ($slug: String!) { cluster(slug: $slug) { members(first: 1000) { nodes { role } } } }`,
      `query ($slug: String!) { cluster(slug: $slug) { name @include(if: true) } }`,
      `query ($slug: String!) { cluster(slug: $slug) { name members { pageInfo { hasNextPage } } } }`,
      `query ($slug: String!) { cluster(slug: $slug) { members { edges { cursor } } } }`,
      `query ($slug: String!) { cluster(slug: $slug) { sectors } }`,
      `query ($slug: String!) { cluster(slug: $slug) { members(filter: { roles: [HOST] }) { nodes { role } } } }`,
      `query ($slug: String!) { cluster(slug: $slug) { ... on Node { id } } }`,
      `{ announcements { totalCount } }`,
      `{ announcements(last: 2) { nodes { slug } } }`,
      `{ clusters(filter: { levels: [NCE] }) { nodes { slug } } }`,
      `{ cluster(slug: "${slug}", id: "${Buffer.from('Cluster:1').toString('base64url')}") { name } }`,
      `{ cluster(id: "${Buffer.from('Organization:1').toString('base64url')}") { name } }`,
      `{ cluster(id: "not an id") { name } }`,
      `{ organization(orgNumber: "123456785") { name } }`,
    ];
    for (const query of outside) await expectUsualPath(query, { slug });
    const tooMany = await expectUsualPath(outside[0], { slug });
    expect(tooMany.body).toContain('PAGE_SIZE_EXCEEDED');
    // Variables the executor refuses: the usual errors.
    for (const variables of [{}, { slug: 42 }, { slug: null }]) {
      expect((await expectUsualPath(Q1, variables)).body).toContain('"errors"');
    }
    // A mutation (refused for an anonymous caller) is never passed through.
    const mutation = `mutation { addMember(input: { cluster: "${EMPTY}", orgNumber: "123456785", role: MEMBER, joinedOn: "2020-01-01" }) { __typename } }`;
    const { passed, passedThrough } = await both(mutation);
    expect(passedThrough).toBe(0);
    expect(passed.body).toContain('"errors"');
  });

  it('gives a reader who may see drafts the usual path, and the draft', async () => {
    const mentioned = (
      await orm.em
        .fork()
        .getConnection()
        .execute<{ slug: string }[]>(
          `select c.slug from cluster c join announcement_cluster ac on ac.cluster_id = c.id join announcement a on a.id = ac.announcement_id where a.slug = '${DRAFT}'`,
        )
    )[0].slug;
    const query = `query ($slug: String!) { cluster(slug: $slug) { announcements(first: 100) { nodes { slug status } } } }`;
    const answer = await expectUsualPath(query, { slug: mentioned }, admin);
    expect(answer.body).toContain(DRAFT);
    expect((await expectPassedThrough(query, { slug: mentioned })).body).not.toContain(DRAFT);
  });

  it('counts what it answers in GET /metrics (klynge_graphql_pass_through_total)', async () => {
    const scrape = async () =>
      metricValue(await (await fetch(`${passing.origin}/metrics`)).text(), 'klynge_graphql_pass_through_total');
    const before = await scrape();
    await expectPassedThrough(Q1, { slug: slugs[0] });
    await expectPassedThrough(Q4);
    await expectUsualPath(`{ clusters(first: 1) { pageInfo { hasNextPage } } }`);
    expect(await scrape()).toBe(before + 2);
  });

  it('runs one statement per passed-through request', async () => {
    const answer = passThrough(await buildKlyngeSchema());
    for (const [query, variables] of [
      [Q1, { slug: slugs[0] }],
      [EVERYTHING, { slug: slugs[1] }],
      [Q4, {}],
    ] as const) {
      const slot: PassThroughSlot = {};
      const ctx = Object.assign(createRequestContext(orm), { passThrough: slot });
      const result = answer(parse(query), undefined, variables, ctx);
      expect(result).toBeDefined();
      await result;
      expect(ctx.db.statements).toBe(1);
      expect(slot.json).toMatch(/^\{/);
    }
  });
});

describe('the pass-through switch', () => {
  it('is on by default and off with PASS_THROUGH=false', () => {
    expect(loadConfig({}).passThrough).toBe(true);
    expect(loadConfig({ PASS_THROUGH: 'false' }).passThrough).toBe(false);
    expect(loadConfig({ PASS_THROUGH: 'off' }).passThrough).toBe(false);
    expect(() => loadConfig({ PASS_THROUGH: 'maybe' })).toThrow(/PASS_THROUGH/);
  });

  it(`never passes through when switched off (${TEST_DIALECT})`, async () => {
    const before = passedThroughCount();
    const answer = await post(usual, Q1, { slug: slugs[0] });
    expect(answer.body).toContain('"cluster"');
    expect(passedThroughCount()).toBe(before);
  });
});
