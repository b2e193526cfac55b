import { buildSubgraphSchema } from '@apollo/subgraph';
import { MapperKind, mapSchema, printSchemaWithDirectives } from '@graphql-tools/utils';
import { type GraphQLSchema, graphqlSync, isEnumType, isObjectType, isScalarType, isUnionType, parse } from 'graphql';
import { createResolversMap } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import { resolveEntities } from './entities.reference.js';

/**
 * Makes klynge's schema a federation v2 subgraph: `@link` to the federation spec, importing `@key`
 * (set on the entity types with type-graphql's `@Directive`).
 */
export const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

/** What the subgraph adds for routers: root fields, types and directives of the federation spec. */
const FEDERATION_ROOT_FIELDS = new Set(['_entities', '_service']);
const isFederationName = (name: string) =>
  (name.startsWith('_') && !name.startsWith('__')) || name.startsWith('link__') || name.startsWith('federation__');
const FEDERATION_DIRECTIVES = new Set(['link', 'key']);

/** Descriptions for GraphiQL's docs (the federation types come without any). */
const DESCRIPTIONS: Record<string, string> = {
  _Any: 'A representation of an entity, as a federation gateway sends it: `__typename` and the fields of one `@key`.',
  _Entity: 'The types other subgraphs can extend or reference by key: Cluster, Organization, PartnerInstitution, Announcement.',
  _Service: "This subgraph's own SDL, with its federation directives, for a router's composition.",
  link__Import: 'A name a `@link` imports from the linked specification.',
  link__Purpose: 'What a `@link`ed specification is for.',
  federation__FieldSet: 'The fields of a federation key, e.g. `"id"` or `"orgNumber"`.',
};
const ROOT_DESCRIPTIONS: Record<string, { field: string; args?: Record<string, string> }> = {
  _entities: {
    field:
      'For federation gateways: the entities the representations name, in their order, null for an unknown key (Cluster by `id` or `slug`, Organization by `orgNumber`, PartnerInstitution by `id` or `slug`, Announcement by `id`).',
    args: { representations: 'Each `{ __typename, <key fields> }`; counts as a list of their number in the query cost.' },
  },
  _service: { field: "For federation gateways: this subgraph's SDL (also `npm run subgraph:sdl`)." },
};

/**
 * The subgraph schema of type-graphql's schema, as type-graphql's federation example builds it:
 * its SDL with directives (the `@key`s) plus the federation `@link`, through Apollo's
 * buildSubgraphSchema (which adds `_service` and `_entities`), with type-graphql's resolvers, scalars
 * and enum values carried over. `_entities` is klynge's own resolveEntities (through the loaders).
 */
export function toSubgraphSchema(schema: GraphQLSchema): GraphQLSchema {
  const subgraph = buildSubgraphSchema({
    typeDefs: parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(schema)}`),
    // Apollo's resolver map type is not exported; type-graphql's map has the same shape.
    resolvers: createResolversMap(schema) as Parameters<typeof buildSubgraphSchema>[0] extends { resolvers?: infer R }
      ? R
      : never,
  });
  const entities = subgraph.getQueryType()?.getFields()._entities;
  if (!entities) throw new Error('buildSubgraphSchema added no _entities field: no type has a @key');
  // In place of Apollo's, which calls each type's __resolveReference and answers a promise per item.
  entities.resolve = (_root, args: { representations: readonly unknown[] }, ctx: RequestContext) =>
    resolveEntities(args.representations, ctx);
  for (const [name, description] of Object.entries(DESCRIPTIONS)) {
    const type = subgraph.getType(name);
    if (isObjectType(type) || isUnionType(type) || isScalarType(type) || isEnumType(type)) type.description = description;
  }
  const sdlField = subgraph.getType('_Service');
  if (isObjectType(sdlField)) sdlField.getFields().sdl.description = 'The SDL, as `npm run subgraph:sdl` prints it.';
  const query = subgraph.getQueryType();
  for (const [name, described] of Object.entries(ROOT_DESCRIPTIONS)) {
    const field = query?.getFields()[name];
    if (!field) continue;
    field.description = described.field;
    for (const arg of field.args) arg.description = described.args?.[arg.name] ?? arg.description;
  }
  return subgraph;
}

/**
 * The schema clients see, without what the subgraph adds for routers (`_entities`, `_service`,
 * their types, the `@link`/`@key` definitions): what schema/schema.graphql holds and codegen reads.
 */
export function withoutFederation(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.TYPE]: (type) => (isFederationName(type.name) ? null : type),
    [MapperKind.ROOT_FIELD]: (field, name) => (FEDERATION_ROOT_FIELDS.has(name) ? null : field),
    [MapperKind.DIRECTIVE]: (directive) =>
      FEDERATION_DIRECTIVES.has(directive.name) || isFederationName(directive.name) ? null : directive,
  });
}

/** The subgraph's SDL as `_service { sdl }` answers it: what a router composes (with `@link` and `@key`). */
export function subgraphSdl(schema: GraphQLSchema): string {
  const result = graphqlSync({ schema, source: '{ _service { sdl } }' });
  const sdl = (result.data?._service as { sdl?: unknown } | undefined)?.sdl;
  if (typeof sdl !== 'string') throw new Error(`the schema is not a subgraph: ${JSON.stringify(result.errors)}`);
  return sdl;
}
