// Apollo Client, unmodified, against a started server: subscriptions over graphql-ws
// (GraphQLWsLink) and queries and mutations over HTTP (HttpLink), split by operation type as
// Apollo's documentation sets it up, through one ApolloClient; and resuming with `after`.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, type OperationVariables, gql } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Kind, OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ClusterChangedDocument, ClusterVersionDocument, UpdateClusterDocument } from '../generated/graphql.js';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { TokenRole, bearer, issueToken } from '../helpers/tokens.js';

let server: TestServer;
let admin: string;
const clients: ApolloClient[] = [];

/** An ApolloClient as an integrator builds one: WebSocket for subscriptions, HTTP for the rest. */
function apolloClient(): ApolloClient {
  const ws = createClient({ url: server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === Kind.OPERATION_DEFINITION && definition.operation === OperationTypeNode.SUBSCRIPTION;
    },
    new GraphQLWsLink(ws),
    new HttpLink({ uri: server.url }),
  );
  const client = new ApolloClient({ link, cache: new InMemoryCache() });
  clients.push(client);
  // Disposing the client's socket with it.
  const stop = client.stop.bind(client);
  client.stop = () => {
    stop();
    void ws.dispose();
  };
  return client;
}

/** What one `client.subscribe` has delivered so far. */
function collect<T>(client: ApolloClient, query: TypedDocumentNode<T, OperationVariables>, variables: OperationVariables) {
  const results: ApolloClient.SubscribeResult<T>[] = [];
  const failures: unknown[] = [];
  const subscription = client.subscribe<T>({ query, variables }).subscribe({
    next: (result) => results.push(result as ApolloClient.SubscribeResult<T>),
    error: (error) => failures.push(error),
  });
  return {
    results,
    failures,
    /** Resolves with the results once at least `count` have arrived. */
    async received(count: number) {
      await expect.poll(() => results.length + failures.length, { timeout: 5000, interval: 20 }).toBeGreaterThanOrEqual(count);
      expect(failures).toEqual([]);
      return results;
    },
    unsubscribe: () => subscription.unsubscribe(),
  };
}

/** Waits until the server has this many subscribers (a subscription is live once it has joined). */
async function subscribers(count: number): Promise<void> {
  await expect.poll(() => server.subscriptions.subscriberCount, { timeout: 5000, interval: 10 }).toBe(count);
}

/** Renames a cluster through the client: its version over HTTP, then the mutation with an ADMIN token. */
async function rename(client: ApolloClient, slug: string, name: string): Promise<void> {
  const read = await client.query({ query: ClusterVersionDocument, variables: { slug }, fetchPolicy: 'network-only' });
  const version = read.data?.cluster?.version;
  expect(version).toBeTypeOf('number');
  const written = await client.mutate({
    mutation: UpdateClusterDocument,
    variables: { input: { cluster: { slug }, version: version as number, name } },
    context: { headers: bearer(admin) },
  });
  expect(written.error).toBeUndefined();
  expect(written.data?.updateCluster.cluster.name).toBe(name);
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await issueToken(server, TokenRole.ADMIN);
});
afterAll(async () => {
  for (const client of clients) client.stop();
  await server?.stop();
});

describe('Apollo Client over graphql-ws and HTTP', () => {
  it('receives the event of a mutation it sent, with the nested cluster fields', async () => {
    const client = apolloClient();
    const changes = collect<{ clusterChanged: any }>(
      client,
      gql`
        subscription OnClusterChanged($filter: ClusterEventFilter) {
          clusterChanged(filter: $filter) {
            position
            kind
            clusterId
            changedFields
            cluster {
              id
              slug
              name
              level
              levelHistory { level fromDate toDate }
            }
          }
        }
      `,
      { filter: { clusters: ['gce-subsea'] } },
    );
    await subscribers(1);
    await rename(client, 'gce-subsea', 'GCE Ocean Technology');
    const [event] = await changes.received(1);
    expect(event.error).toBeUndefined();
    expect(event.data?.clusterChanged).toMatchObject({
      __typename: 'ClusterEvent',
      kind: 'UPDATED',
      changedFields: ['name'],
      cluster: {
        __typename: 'Cluster',
        slug: 'gce-subsea',
        name: 'GCE Ocean Technology',
        level: 'GCE',
        levelHistory: [{ level: 'NCE' }, { level: 'GCE' }],
      },
    });
    expect(event.data?.clusterChanged.clusterId).toBe(event.data?.clusterChanged.cluster.id);
    expect(event.data?.clusterChanged.position).toMatch(/^\d{16}$/);
    changes.unsubscribe();
    await subscribers(0);
  });

  it('resumes with `after`: the missed events first, in order, then live ones', async () => {
    const client = apolloClient();
    const filter = { clusters: ['nce-eyde'] };
    const first = collect(client, ClusterChangedDocument, { filter });
    await subscribers(1);
    await rename(client, 'nce-eyde', 'NCE Eyde 1');
    const [seen] = await first.received(1);
    const position = seen.data?.clusterChanged.position as string;
    first.unsubscribe();
    await subscribers(0);

    // Missed while away.
    await rename(client, 'nce-eyde', 'NCE Eyde 2');
    await rename(client, 'nce-eyde', 'NCE Eyde 3');

    const resumed = collect(client, ClusterChangedDocument, { filter, after: position });
    await resumed.received(2);
    await subscribers(1);
    await rename(client, 'nce-eyde', 'NCE Eyde 4');
    const results = await resumed.received(3);
    const events = results.map((r) => r.data?.clusterChanged);
    // An event's object is the cluster as it is when the event is sent: both missed renames show the second name.
    expect(events.map((e) => e?.cluster?.name)).toEqual(['NCE Eyde 3', 'NCE Eyde 3', 'NCE Eyde 4']);
    expect(events.every((e) => e?.kind === 'UPDATED' && e.changedFields.includes('name'))).toBe(true);
    const positions = [position, ...events.map((e) => e?.position as string)];
    expect(positions).toEqual([...positions].sort());
    expect(new Set(positions).size).toBe(positions.length);
    resumed.unsubscribe();
    await subscribers(0);
  });
});
