import type { RequestContext } from '../context/request-context.js';
import type { PartnerKind } from '../entities/enums.js';
import type { PageArgs } from '../lib/pagination.js';
import {
  type PartnerOrderField,
  fetchPartnerWithLists,
  partnerListQuery,
  partnerOrdering,
} from '../repositories/partner.repository.js';
import type { PartnerRecord } from '../repositories/records.js';
import {
  type Connection,
  type ItemFields,
  type OrderInput,
  type PlannedList,
  findWithLists,
  rootConnection,
} from './connection.js';
import { textTerms } from './filters.js';

export interface PartnerFilterInput {
  kinds?: PartnerKind[] | null;
  text?: string | null;
}

/** One partner institution by slug (null when unknown), with the nested lists asked for under it. */
export const findPartner = (ctx: RequestContext, slug: string, lists?: readonly PlannedList[]): Promise<PartnerRecord | null> =>
  findWithLists(ctx, ctx.loaders.partnerBySlug, slug, lists, (embedded) => fetchPartnerWithLists(ctx.db, slug, embedded));

/** Partner institutions, filtered and ordered, one page. */
export function listPartners(
  ctx: RequestContext,
  args: PageArgs & { filter?: PartnerFilterInput | null; orderBy?: OrderInput<PartnerOrderField> | null },
  fields?: ItemFields,
  lists?: readonly PlannedList[],
): Promise<Connection<PartnerRecord>> {
  const order = args.orderBy ?? { field: 'NAME', direction: 'ASC' };
  const ordering = partnerOrdering(order.field, order.direction);
  const filter = args.filter ? { kinds: args.filter.kinds, textTerms: textTerms(args.filter.text, 'filter.text') } : undefined;
  return rootConnection(ctx, args, ordering, partnerListQuery(ctx.db, filter, ordering), fields, undefined, lists);
}
