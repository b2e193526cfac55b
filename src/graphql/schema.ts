import { writeFile } from 'node:fs/promises';
import { type GraphQLSchema, isAbstractType, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { subgraphSdl, toSubgraphSchema, withoutFederation } from './federation/subgraph.js';
import { resolvePerItemFieldsDirectly } from './per-item-resolvers.js';
import { AnnouncementMutationResolver } from './resolvers/announcement-mutation.resolver.js';
import { AnnouncementResolver, ClusterMentionResolver } from './resolvers/announcement.resolver.js';
import { AuditResolver } from './resolvers/audit.resolver.js';
import { ClusterMutationResolver } from './resolvers/cluster-mutation.resolver.js';
import { ClusterResolver } from './resolvers/cluster.resolver.js';
import {
  AnnouncementEventResolver,
  ClusterEventResolver,
  EventResolver,
  MembershipEventResolver,
} from './resolvers/event.resolver.js';
import { MembershipMutationResolver } from './resolvers/membership-mutation.resolver.js';
import { OrganizationMutationResolver } from './resolvers/organization-mutation.resolver.js';
import { MembershipResolver, OrganizationResolver } from './resolvers/organization.resolver.js';
import { PartnerMutationResolver } from './resolvers/partner-mutation.resolver.js';
import { PartnerInstitutionResolver, PartnershipResolver } from './resolvers/partner.resolver.js';
import { QueryResolver } from './resolvers/query.resolver.js';
import { RateLimitResolver } from './resolvers/rate-limit.resolver.js';
import { ProgrammeStatsResolver } from './resolvers/stats.resolver.js';
import { ViewerResolver } from './resolvers/viewer.resolver.js';
import { WebhookDeliveryResolver, WebhookMutationResolver, WebhookResolver } from './resolvers/webhook.resolver.js';
import { Announcement } from './types/announcement.type.js';
import { Cluster } from './types/cluster.type.js';
import { Membership } from './types/membership.type.js';
import { Organization } from './types/organization.type.js';
import { PartnerInstitution, Partnership } from './types/partner.type.js';

export const SCHEMA_FILE = 'schema/schema.graphql';
/** The subgraph SDL (with `@link` and `@key`) for a router's composition, e.g. `rover supergraph compose`. */
export const SUBGRAPH_SCHEMA_FILE = 'schema/subgraph.graphql';

const unusedPubSub = {
  publish(): void {
    throw new Error('Events are published through the event log, not type-graphql.');
  },
  subscribe(): AsyncIterable<unknown> {
    throw new Error('Subscriptions are served by the event multiplexer, not type-graphql.');
  },
};

const typeNameOfRecord = (value: unknown): string | undefined => (value as { __typename?: string }).__typename;

/**
 * Builds the executable schema from the resolvers (no class-validator: services validate): a
 * federation v2 subgraph (`_service`, `_entities`), which is also an ordinary GraphQL API.
 */
export async function buildKlyngeSchema(): Promise<GraphQLSchema> {
  const built = await buildSchema({
    resolvers: [
      QueryResolver,
      ClusterResolver,
      OrganizationResolver,
      MembershipResolver,
      PartnerInstitutionResolver,
      PartnershipResolver,
      AnnouncementResolver,
      ClusterMentionResolver,
      ProgrammeStatsResolver,
      ViewerResolver,
      AuditResolver,
      ClusterMutationResolver,
      OrganizationMutationResolver,
      MembershipMutationResolver,
      PartnerMutationResolver,
      AnnouncementMutationResolver,
      EventResolver,
      RateLimitResolver,
      AnnouncementEventResolver,
      ClusterEventResolver,
      MembershipEventResolver,
      WebhookMutationResolver,
      WebhookResolver,
      WebhookDeliveryResolver,
    ],
    // Node implementors reachable only through node(id) must still be in the schema.
    orphanedTypes: [Cluster, Organization, Membership, PartnerInstitution, Partnership, Announcement],
    validate: false,
    emitSchemaFile: false,
    // type-graphql insists on a PubSub once there are subscriptions; klynge's own multiplexer
    // delivers them (src/graphql/subscriptions) from the event log, so this one is never used.
    pubSub: unusedPubSub,
  });
  const schema = toSubgraphSchema(built);
  // Every record carries its GraphQL type name from the statement that read it, which is how the
  // interface (Node) and the unions (SearchResult, federation's _Entity) tell their types apart.
  // Set here rather than in the decorators: type-graphql wraps a resolveType in an async function,
  // and graphql-jit needs the type name synchronously.
  for (const type of Object.values(schema.getTypeMap())) {
    if (isAbstractType(type) && !type.name.startsWith('__')) type.resolveType = typeNameOfRecord;
  }
  resolvePerItemFieldsDirectly(schema);
  // type-graphql has no option for the root type's description; GraphiQL shows it first.
  const query = schema.getQueryType();
  if (query)
    query.description =
      'The entry points of the klynge graph: clusters, members, partners, announcements, search and statistics.';
  const mutation = schema.getMutationType();
  if (mutation)
    mutation.description =
      'Writes. Each needs an API token (`Authorization: Bearer …`), is one transaction, names the `version` it read, and is audited.';
  const subscription = schema.getSubscriptionType();
  if (subscription)
    subscription.description =
      'Live changes over graphql-ws (`graphql-transport-ws`) at /graphql: each event once, in order; `after` resumes without gaps.';
  return schema;
}

/**
 * The SDL checked in as schema/schema.graphql: the API clients use, without the federation plumbing
 * routers use (sorted, so diffs are about meaning, not order).
 */
export const printKlyngeSchema = (schema: GraphQLSchema) =>
  `${printSchema(lexicographicSortSchema(withoutFederation(schema)))}\n`;

/** The SDL checked in as schema/subgraph.graphql: what `_service { sdl }` answers. */
export const printKlyngeSubgraphSdl = (schema: GraphQLSchema) => `${subgraphSdl(schema).trimEnd()}\n`;

/** Writes schema/schema.graphql and schema/subgraph.graphql. */
export async function emitSchemaFiles(schema: GraphQLSchema, files = { api: SCHEMA_FILE, subgraph: SUBGRAPH_SCHEMA_FILE }) {
  await writeFile(files.api, printKlyngeSchema(schema));
  await writeFile(files.subgraph, printKlyngeSubgraphSdl(schema));
}
