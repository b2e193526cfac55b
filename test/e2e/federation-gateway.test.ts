// klynge behind an Apollo Federation gateway: klynge (started as `npm start` starts it) and a
// funding service written for this test run as real HTTP servers on 127.0.0.1; @apollo/gateway
// composes them from their `_service { sdl }` (IntrospectAndCompose) and answers queries that cross
// between them in both directions. The checked-in schema/subgraph.graphql composes as well, as a
// router's `rover supergraph compose` would use it.
import { readFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_SCHEMA_FILE } from '../../src/graphql/schema.js';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { bearer, issueTokenWithCli } from '../helpers/tokens.js';

/** The funding service: grants to clusters (by slug) and organizations, with a press release in klynge. */
const FUNDING_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Query {
    "Every grant."
    grants: [Grant!]!
  }

  type Grant @key(fields: "id") {
    id: ID!
    title: String!
    amountNok: Int!
    "The cluster funded; null when klynge does not know the slug."
    cluster: Cluster
    recipient: Organization
    pressRelease: Announcement
  }

  "klynge's clusters, extended with the grants they got."
  type Cluster @key(fields: "slug") {
    slug: String!
    grants: [Grant!]!
  }

  type Organization @key(fields: "orgNumber", resolvable: false) {
    orgNumber: String!
  }

  type Announcement @key(fields: "id", resolvable: false) {
    id: ID!
  }
`;

interface Grant {
  id: string;
  title: string;
  amountNok: number;
  clusterSlug: string;
  orgNumber: string;
  announcementId: string | null;
}

/** Filled in from klynge's data once it runs. */
const grants: Grant[] = [];

const fundingSchema = buildSubgraphSchema({
  typeDefs: parse(FUNDING_SDL),
  resolvers: {
    Query: { grants: () => grants },
    Grant: {
      cluster: (grant: Grant) => ({ __typename: 'Cluster', slug: grant.clusterSlug }),
      recipient: (grant: Grant) => ({ __typename: 'Organization', orgNumber: grant.orgNumber }),
      pressRelease: (grant: Grant) => (grant.announcementId ? { __typename: 'Announcement', id: grant.announcementId } : null),
    },
    Cluster: {
      grants: (cluster: { slug: string }) => grants.filter((grant) => grant.clusterSlug === cluster.slug),
    },
  } as never,
});

/** POSTs one GraphQL operation; answers the body and the response. */
async function post(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { response, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: any }[] } };
}

/** The URL on 127.0.0.1 (the test servers listen there; `localhost` may resolve to ::1 first). */
const onLoopback = (url: string) => url.replace('//localhost:', '//127.0.0.1:');

let klynge: TestServer;
let klyngeUrl: string;
let funding: ApolloServer;
let fundingUrl: string;
let gateway: ApolloServer<{ authorization?: string }>;
let gatewayUrl: string;
let admin: string;
/** Every operation the gateway sent to each subgraph. */
const sent: Record<string, { query: string; representations?: unknown[] }[]> = { klynge: [], funding: [] };

let clusters: { slug: string; name: string; level: string }[];
let organizations: { orgNumber: string; name: string }[];
let published: { id: string; title: string };
let draftId: string;

beforeAll(async () => {
  klynge = await startTestServer();
  klyngeUrl = onLoopback(klynge.url);
  admin = await issueTokenWithCli(klynge.orm, '--role', 'admin', '--name', 'Gateway test');

  const { body } = await post(
    klyngeUrl,
    `{
      clusters(first: 3, orderBy: { field: NAME, direction: ASC }) { nodes { slug name level } }
      organizations(first: 2) { nodes { orgNumber name } }
      announcements(first: 1) { nodes { id title } }
    }`,
  );
  expect(body.errors).toBeUndefined();
  clusters = body.data.clusters.nodes;
  organizations = body.data.organizations.nodes;
  published = body.data.announcements.nodes[0];
  const created = await post(
    klyngeUrl,
    'mutation ($input: CreateAnnouncementInput!) { createAnnouncement(input: $input) { announcement { id } } }',
    {
      input: {
        slug: 'tildeling-utkast',
        title: 'Tildeling (utkast)',
        body: 'Ikke publisert.',
        language: 'nb',
        kind: 'NEWS',
        clusters: [clusters[1].slug],
      },
    },
    bearer(admin),
  );
  expect(created.body.errors).toBeUndefined();
  draftId = created.body.data.createAnnouncement.announcement.id;

  grants.push(
    {
      id: 'g1',
      title: 'Havrom',
      amountNok: 2_000_000,
      clusterSlug: clusters[0].slug,
      orgNumber: organizations[0].orgNumber,
      announcementId: published.id,
    },
    {
      id: 'g2',
      title: 'Batterier',
      amountNok: 750_000,
      clusterSlug: clusters[1].slug,
      orgNumber: organizations[1].orgNumber,
      announcementId: draftId,
    },
    {
      id: 'g3',
      title: 'Forprosjekt',
      amountNok: 150_000,
      clusterSlug: clusters[0].slug,
      orgNumber: '999999999',
      announcementId: null,
    },
    {
      id: 'g4',
      title: 'Ukjent klynge',
      amountNok: 10_000,
      clusterSlug: 'no-such-cluster',
      orgNumber: organizations[0].orgNumber,
      announcementId: null,
    },
  );

  funding = new ApolloServer({ schema: fundingSchema, plugins: [ApolloServerPluginInlineTraceDisabled()] });
  fundingUrl = (await startStandaloneServer(funding, { listen: { port: 0, host: '127.0.0.1' } })).url;

  gateway = new ApolloServer({
    gateway: new ApolloGateway({
      supergraphSdl: new IntrospectAndCompose({
        subgraphs: [
          { name: 'klynge', url: klyngeUrl },
          { name: 'funding', url: fundingUrl },
        ],
      }),
      buildService: ({ name, url }) =>
        new RemoteGraphQLDataSource<{ authorization?: string }>({
          url,
          // What a gateway or router must do for klynge to see who asks (announcement drafts):
          // pass the client's Authorization header on.
          willSendRequest({ request, context }) {
            if (context.authorization) request.http?.headers.set('authorization', context.authorization);
            sent[name as string]?.push({
              query: request.query ?? '',
              representations: request.variables?.representations as unknown[] | undefined,
            });
          },
        }),
    }),
  });
  gatewayUrl = (
    await startStandaloneServer(gateway, {
      listen: { port: 0, host: '127.0.0.1' },
      context: async ({ req }) => ({ authorization: req.headers.authorization }),
    })
  ).url;
});

afterAll(async () => {
  await gateway?.stop();
  await funding?.stop();
  await klynge?.stop();
});

const ACROSS = /* GraphQL */ `
  query Across($slug: String!) {
    grants {
      title
      amountNok
      cluster { name level grants { title } }
      recipient { orgNumber name }
      pressRelease { title status }
    }
    cluster(slug: $slug) {
      name
      grants { title amountNok }
    }
  }
`;

describe('klynge behind @apollo/gateway', () => {
  it('answers one query across klynge and the funding service, both ways', async () => {
    for (const list of Object.values(sent)) list.length = 0;
    const { body } = await post(gatewayUrl, ACROSS, { slug: clusters[0].slug });
    expect(body.errors).toBeUndefined();
    const [c0, c1] = clusters;
    const [o0, o1] = organizations;
    expect(body.data).toEqual({
      grants: [
        {
          title: 'Havrom',
          amountNok: 2_000_000,
          cluster: { name: c0.name, level: c0.level, grants: [{ title: 'Havrom' }, { title: 'Forprosjekt' }] },
          recipient: { orgNumber: o0.orgNumber, name: o0.name },
          pressRelease: { title: published.title, status: 'PUBLISHED' },
        },
        {
          title: 'Batterier',
          amountNok: 750_000,
          cluster: { name: c1.name, level: c1.level, grants: [{ title: 'Batterier' }] },
          recipient: { orgNumber: o1.orgNumber, name: o1.name },
          // a draft: the gateway's anonymous client may not see it
          pressRelease: null,
        },
        {
          title: 'Forprosjekt',
          amountNok: 150_000,
          cluster: { name: c0.name, level: c0.level, grants: [{ title: 'Havrom' }, { title: 'Forprosjekt' }] },
          recipient: null, // an organisation number klynge does not know
          pressRelease: null,
        },
        {
          title: 'Ukjent klynge',
          amountNok: 10_000,
          cluster: null, // a slug klynge does not know
          recipient: { orgNumber: o0.orgNumber, name: o0.name },
          pressRelease: null,
        },
      ],
      cluster: {
        name: c0.name,
        grants: [
          { title: 'Havrom', amountNok: 2_000_000 },
          { title: 'Forprosjekt', amountNok: 150_000 },
        ],
      },
    });

    // klynge got one `_entities` fetch per type the grants reference, each with all of that type's
    // representations (the gateway asks a subgraph once per step of its plan, not once per grant),
    // which klynge answers with one statement per type.
    const entityFetches = sent.klynge.filter((op) => op.query.includes('_entities'));
    const byType = entityFetches.map((op) => [
      ...new Set(op.representations?.map((r) => (r as { __typename: string }).__typename)),
    ]);
    expect(byType.flat().sort()).toEqual(['Announcement', 'Cluster', 'Organization']);
    const slugs = entityFetches.flatMap((op) => op.representations ?? []).flatMap((r) => (r as { slug?: string }).slug ?? []);
    expect(new Set(slugs)).toEqual(new Set([c0.slug, c1.slug, 'no-such-cluster']));
  });

  it('passes the client token on: an ADMIN sees the draft through the gateway', async () => {
    const { body } = await post(gatewayUrl, ACROSS, { slug: clusters[0].slug }, bearer(admin));
    expect(body.errors).toBeUndefined();
    expect(body.data.grants[1].pressRelease).toEqual({ title: 'Tildeling (utkast)', status: 'DRAFT' });
  });

  it("keeps klynge's errors and limits behind the gateway", async () => {
    const { body } = await post(gatewayUrl, '{ clusters(first: 101) { nodes { name } } }');
    expect(body.errors?.[0].extensions?.code).toBe('PAGE_SIZE_EXCEEDED');
  });
});

describe('klynge subgraph over HTTP', () => {
  it('answers _service { sdl } as schema/subgraph.graphql holds it', async () => {
    const { body } = await post(klyngeUrl, '{ _service { sdl } }');
    expect(`${body.data._service.sdl.trimEnd()}\n`).toBe(await readFile(SUBGRAPH_SCHEMA_FILE, 'utf8'));
  });

  it('schema/subgraph.graphql composes with another subgraph into a supergraph (as for a router)', async () => {
    const result = composeServices([
      { name: 'klynge', typeDefs: parse(await readFile(SUBGRAPH_SCHEMA_FILE, 'utf8')), url: klyngeUrl },
      { name: 'funding', typeDefs: parse(FUNDING_SDL), url: fundingUrl },
    ]);
    expect(result.errors).toBeUndefined();
    const supergraph = result.supergraphSdl ?? '';
    expect(supergraph).toMatch(/type Cluster implements Node[\s\S]*@join__type\(graph: KLYNGE, key: "id"\)/);
    expect(supergraph).toContain('@join__type(graph: KLYNGE, key: "slug")');
    expect(supergraph).toContain('@join__type(graph: FUNDING, key: "slug")');
  });
});
