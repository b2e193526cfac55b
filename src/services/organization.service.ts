import type { RequestContext } from '../context/request-context.js';
import type { PageArgs } from '../lib/pagination.js';
import {
  type OrganizationOrderField,
  fetchOrganizationWithLists,
  organizationListQuery,
  organizationOrdering,
} from '../repositories/organization.repository.js';
import type { OrganizationRecord } from '../repositories/records.js';
import {
  type Connection,
  type ItemFields,
  type OrderInput,
  type PlannedList,
  findWithLists,
  rootConnection,
} from './connection.js';
import { checkNaceCodePrefix, textTerms } from './filters.js';

export interface OrganizationFilterInput {
  counties?: string[] | null;
  naceCodePrefix?: string | null;
  clusters?: string[] | null;
  text?: string | null;
}

/** One organization by organisation number (null when unknown), with the nested lists asked for under it. */
export function findOrganization(
  ctx: RequestContext,
  orgNumber: string,
  lists?: readonly PlannedList[],
): Promise<OrganizationRecord | null> {
  const normalized = orgNumber.replace(/\s+/g, '');
  return findWithLists(ctx, ctx.loaders.organizationByOrgNumber, normalized, lists, (embedded) =>
    fetchOrganizationWithLists(ctx.db, normalized, embedded),
  );
}

/** Organizations, filtered and ordered, one page. */
export function listOrganizations(
  ctx: RequestContext,
  args: PageArgs & { filter?: OrganizationFilterInput | null; orderBy?: OrderInput<OrganizationOrderField> | null },
  fields?: ItemFields,
  lists?: readonly PlannedList[],
): Promise<Connection<OrganizationRecord>> {
  const order = args.orderBy ?? { field: 'NAME', direction: 'ASC' };
  const ordering = organizationOrdering(order.field, order.direction);
  const filter = args.filter
    ? {
        counties: args.filter.counties,
        naceCodePrefix: checkNaceCodePrefix(args.filter.naceCodePrefix, 'filter.naceCodePrefix'),
        clusterSlugs: args.filter.clusters,
        textTerms: textTerms(args.filter.text, 'filter.text'),
      }
    : undefined;
  return rootConnection(ctx, args, ordering, organizationListQuery(ctx.db, filter, ordering), fields, undefined, lists);
}
