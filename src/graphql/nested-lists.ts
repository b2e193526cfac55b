import {
  type ASTNode,
  type FieldNode,
  type GraphQLOutputType,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type SelectionSetNode,
  getArgumentValues,
  getNamedType,
  isObjectType,
  visit,
} from 'graphql';
import { createParameterDecorator } from 'type-graphql';
import { draftVisibility } from '../auth/permissions.js';
import type { RequestContext } from '../context/request-context.js';
import { type NestedList, type PlannedList, plannedList } from '../services/connection.js';
import {
  announcementClusterList,
  clusterAnnouncementList,
  membershipList,
  membershipOtherClusterList,
  partnershipList,
} from '../services/relation.service.js';
import { itemFieldsOf } from './page-fields.js';
import { type FragmentLookup, fieldsOf } from './selections.js';
import type { AnnouncementsArgs, ClustersArgs, MembershipsArgs, PartnershipsArgs } from './types/args.js';

/**
 * The nested lists of the graph, by type and field: the list a field resolver pages, and the one
 * a parent's statement can bring along when the client asks for it (see nestedLists).
 */
export const NESTED_LISTS = {
  Cluster: {
    members: (ctx: RequestContext, args: MembershipsArgs) => membershipList(ctx, 'cluster', args),
    partners: (ctx: RequestContext, args: PartnershipsArgs) => partnershipList(ctx, 'cluster', args),
    announcements: (ctx: RequestContext, args: AnnouncementsArgs) => clusterAnnouncementList(ctx, args),
  },
  Organization: {
    memberships: (ctx: RequestContext, args: MembershipsArgs) => membershipList(ctx, 'organization', args),
  },
  PartnerInstitution: {
    partnerships: (ctx: RequestContext, args: PartnershipsArgs) => partnershipList(ctx, 'partner', args),
  },
  Announcement: {
    clusters: (ctx: RequestContext, args: ClustersArgs) => announcementClusterList(ctx, args),
  },
  Membership: {
    otherClusters: (ctx: RequestContext, args: ClustersArgs) => membershipOtherClusterList(ctx, args),
  },
};

type ListOf = (ctx: RequestContext, args: never) => NestedList<unknown>;
const listsByType: Record<string, Record<string, ListOf> | undefined> = NESTED_LISTS;

/** The fields of selection sets grouped by response key (alias or name), as execution merges them. */
function byResponseKey(sets: readonly (SelectionSetNode | undefined)[], fragment: FragmentLookup): FieldNode[][] {
  const groups = new Map<string, FieldNode[]>();
  for (const set of sets) {
    for (const field of fieldsOf(set, fragment)) {
      const key = field.alias?.value ?? field.name.value;
      const group = groups.get(key);
      if (group) group.push(field);
      else groups.set(key, [field]);
    }
  }
  return [...groups.values()];
}

/** The selection sets of a connection's items: under `nodes`, and under `edges { node }`. */
function itemSelections(nodes: readonly FieldNode[], fragment: FragmentLookup) {
  const direct: (SelectionSetNode | undefined)[] = [];
  const viaEdges: (SelectionSetNode | undefined)[] = [];
  let page = false;
  let count = false;
  for (const node of nodes) {
    for (const field of fieldsOf(node.selectionSet, fragment)) {
      const name = field.name.value;
      if (name === 'totalCount') count = true;
      else if (name !== '__typename') page = true;
      if (name === 'nodes') direct.push(field.selectionSet);
      else if (name === 'edges') {
        for (const edgeField of fieldsOf(field.selectionSet, fragment)) {
          if (edgeField.name.value === 'node') viaEdges.push(edgeField.selectionSet);
        }
      }
    }
  }
  return { direct, viaEdges, page, count };
}

/** The item type of a connection type (the type of its `nodes`); undefined for other types. */
function itemTypeOf(type: GraphQLOutputType): GraphQLObjectType | undefined {
  const connection = getNamedType(type);
  if (!isObjectType(connection)) return undefined;
  const items = connection.getFields().nodes;
  const item = items && getNamedType(items.type);
  return item && isObjectType(item) ? item : undefined;
}

/** The nested lists selected under objects of `type` (the given selection sets of them). */
function listsUnder(
  ctx: RequestContext,
  info: GraphQLResolveInfo,
  type: GraphQLObjectType,
  sets: readonly (SelectionSetNode | undefined)[],
): PlannedList[] {
  const lists = listsByType[type.name];
  if (!lists || sets.length === 0) return [];
  const fragment = (name: string) => info.fragments[name];
  const planned: PlannedList[] = [];
  for (const nodes of byResponseKey(sets, fragment)) {
    const name = nodes[0].name.value;
    const listOf = lists[name];
    const field = type.getFields()[name];
    const itemType = field && itemTypeOf(field.type);
    if (!listOf || !itemType) continue;
    const items = itemSelections(nodes, fragment);
    const under = listsUnderItems(ctx, info, itemType, items);
    // Arguments the list refuses (a bad cursor, an invalid filter) are left to its own resolver,
    // so the error belongs to that field.
    const list = plannedList(
      () => listOf(ctx, getArgumentValues(field, nodes[0], info.variableValues) as never),
      itemFieldsOf(nodes, fragment),
      items.page,
      items.count,
      under,
    );
    if (list) planned.push(list);
  }
  return planned;
}

/** The nested lists under a connection's items, asked for under `nodes` or under `edges { node }`. */
const listsUnderItems = (
  ctx: RequestContext,
  info: GraphQLResolveInfo,
  itemType: GraphQLObjectType,
  items: ReturnType<typeof itemSelections>,
) => [...listsUnder(ctx, info, itemType, items.direct), ...listsUnder(ctx, info, itemType, items.viaEdges)];

/** The nested lists a client asks for under the field being resolved (see nestedLists), planned anew. */
function planLists(ctx: RequestContext, info: GraphQLResolveInfo): PlannedList[] {
  const itemType = itemTypeOf(info.returnType);
  if (itemType) {
    return listsUnderItems(
      ctx,
      info,
      itemType,
      itemSelections(info.fieldNodes, (name) => info.fragments[name]),
    );
  }
  const returned = getNamedType(info.returnType);
  if (!isObjectType(returned)) return [];
  return listsUnder(
    ctx,
    info,
    returned,
    info.fieldNodes.map((node) => node.selectionSet),
  );
}

/** The variables used under a field's selection (its fragments followed), by name. */
function variablesUnder(info: GraphQLResolveInfo): string[] {
  const names = new Set<string>();
  const seen = new Set<string>();
  const walk = (node: ASTNode | undefined) => {
    if (!node) return;
    visit(node, {
      Variable(variable) {
        names.add(variable.name.value);
      },
      FragmentSpread(spread) {
        if (seen.has(spread.name.value)) return;
        seen.add(spread.name.value);
        walk(info.fragments[spread.name.value]?.selectionSet);
      },
    });
  };
  for (const node of info.fieldNodes) walk(node.selectionSet);
  return [...names].sort();
}

/** The plans of one place in a parsed document: what they depend on, and the plans by those values. */
interface FieldPlans {
  variables: string[];
  plans: Map<string, PlannedList[]>;
}

/** Plans per field (its first node; more nodes by their places), so a document asked again is not walked again. */
const plansByField = new WeakMap<FieldNode, Map<string, FieldPlans>>();
/** Plans kept per place, for different values of its variables and different viewers; a safety net. */
const PLANS_PER_FIELD = 64;

/** A viewer's draft visibility as a key: plans of announcement lists differ by it. */
function visibilityKey(viewer: RequestContext['viewer']): string {
  const visibility = draftVisibility(viewer);
  return 'clusterIds' in visibility ? `${visibility.drafts}:${visibility.clusterIds.join(',')}` : visibility.drafts;
}

/**
 * The nested lists a client asks for under the field being resolved: under its items if it is a
 * connection, under itself if it is an object. Its statement brings them along (on PostgreSQL).
 * A plan depends on the document, the values of the variables under the field, the viewer's draft
 * visibility and the database's dialect, and holds nothing of the request: it is kept for those
 * and shared by the requests that ask the same (the statement built for it is remembered with it,
 * see the connection service).
 */
export function nestedLists(ctx: RequestContext, info: GraphQLResolveInfo): PlannedList[] {
  const [first] = info.fieldNodes;
  // Documents parsed without locations cannot tell two places of one fragment apart.
  if (!first?.loc || info.fieldNodes.some((node) => !node.loc)) return planLists(ctx, info);
  const places = info.fieldNodes.length === 1 ? '' : info.fieldNodes.map((node) => node.loc?.start).join(',');
  let byPlaces = plansByField.get(first);
  if (!byPlaces) {
    byPlaces = new Map();
    plansByField.set(first, byPlaces);
  }
  let field = byPlaces.get(places);
  if (!field) {
    field = { variables: variablesUnder(info), plans: new Map() };
    byPlaces.set(places, field);
  }
  const values = info.variableValues;
  // A variable left out and one sent as null can mean different things: [] and [null].
  const variables =
    field.variables.length === 0 ? '' : JSON.stringify(field.variables.map((name) => (name in values ? [values[name]] : [])));
  const key = `${ctx.db.dialect}|${visibilityKey(ctx.viewer)}|${variables}`;
  let plan = field.plans.get(key);
  if (!plan) {
    plan = planLists(ctx, info);
    if (field.plans.size >= PLANS_PER_FIELD) field.plans.clear();
    field.plans.set(key, plan);
  }
  return plan;
}

/** Resolver parameter: the nested lists to fetch along with the field's own statement (see nestedLists). */
export const NestedLists = () => createParameterDecorator<RequestContext>(({ context, info }) => nestedLists(context, info));
