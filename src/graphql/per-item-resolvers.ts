import { type FieldNode, type GraphQLFieldResolver, type GraphQLSchema, isObjectType } from 'graphql';
import type { RequestContext } from '../context/request-context.js';
import type { NodeType } from '../lib/global-id.js';
import type { MembershipRecord, OrganizationRecord, PartnershipRecord } from '../repositories/records.js';
import { type NestedList, nestedConnection } from '../services/connection.js';
import {
  membershipCluster,
  membershipOrganization,
  partnershipCluster,
  partnershipPartner,
} from '../services/relation.service.js';
import { registryEntryOf } from '../services/registry.service.js';
import { NESTED_LISTS } from './nested-lists.js';
import { pageFields } from './page-fields.js';
import { globalIdOf } from './resolvers/global-id.js';

// type-graphql wraps every field resolver: it turns the arguments into instances of their classes
// and runs the call through its middleware chain, with several promises per call. For the fields
// resolved once per item of a list (a cluster's members, a membership's organization, an item's
// id) that was most of the server's CPU on lists (measured: Q3, 1,000 memberships per request,
// and Q2). These fields are resolved by the plain functions below, set on the schema after
// type-graphql built it; the resolver classes still declare them (type, arguments, description)
// and call the same functions.

type Resolve<Root> = GraphQLFieldResolver<Root, RequestContext>;

/**
 * A nested list field: one page (or count) of the list for its parent, as NESTED_LISTS says. A
 * field's arguments are the same for every item it is resolved on, so its list (ordering, page
 * window, loader keys) is made once per request and place in the document, not once per item.
 */
function listField<Args>(listOf: (ctx: RequestContext, args: Args) => NestedList<unknown>): Resolve<{ id: number }> {
  const byRequest = new WeakMap<RequestContext, WeakMap<readonly FieldNode[], NestedList<unknown>>>();
  return (parent, args, ctx, info) => {
    let lists = byRequest.get(ctx);
    if (!lists) {
      lists = new WeakMap();
      byRequest.set(ctx, lists);
    }
    let list = lists.get(info.fieldNodes);
    if (!list) {
      list = listOf(ctx, args);
      lists.set(info.fieldNodes, list);
    }
    return nestedConnection(ctx, list, parent.id, pageFields(info));
  };
}

const globalId: Resolve<{ __typename: NodeType; id: number }> = (record) => globalIdOf(record);

export const PER_ITEM_RESOLVERS = {
  Cluster: {
    id: globalId,
    members: listField(NESTED_LISTS.Cluster.members),
    partners: listField(NESTED_LISTS.Cluster.partners),
    announcements: listField(NESTED_LISTS.Cluster.announcements),
  },
  Organization: {
    id: globalId,
    memberships: listField(NESTED_LISTS.Organization.memberships),
    registry: ((organization, _args, ctx) => registryEntryOf(ctx, organization)) as Resolve<OrganizationRecord>,
  },
  Membership: {
    id: globalId,
    cluster: ((membership, _args, ctx) => membershipCluster(ctx, membership)) as Resolve<MembershipRecord>,
    organization: ((membership, _args, ctx) => membershipOrganization(ctx, membership)) as Resolve<MembershipRecord>,
    otherClusters: listField(NESTED_LISTS.Membership.otherClusters),
  },
  PartnerInstitution: {
    id: globalId,
    partnerships: listField(NESTED_LISTS.PartnerInstitution.partnerships),
  },
  Partnership: {
    id: globalId,
    cluster: ((partnership, _args, ctx) => partnershipCluster(ctx, partnership)) as Resolve<PartnershipRecord>,
    partner: ((partnership, _args, ctx) => partnershipPartner(ctx, partnership)) as Resolve<PartnershipRecord>,
  },
  Announcement: {
    id: globalId,
    clusters: listField(NESTED_LISTS.Announcement.clusters),
  },
};

/** Sets the per-item fields' resolvers on the schema type-graphql built (see above). */
export function resolvePerItemFieldsDirectly(schema: GraphQLSchema): void {
  for (const [typeName, fields] of Object.entries(PER_ITEM_RESOLVERS)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const field = type.getFields()[fieldName];
      if (!field) throw new Error(`${typeName}.${fieldName} is not a field`);
      field.resolve = resolve as GraphQLFieldResolver<unknown, RequestContext>;
    }
  }
}
