import { draftVisibility } from '../auth/permissions.js';
import type { RequestContext } from '../context/request-context.js';
import { DEFAULT_PAGE_SIZE, toPageWindow } from '../lib/pagination.js';
import { toSearchTerms } from '../lib/search-terms.js';
import { searchDocuments } from '../repositories/search.repository.js';
import { type NodeRecord, loadNode } from './node.service.js';

export type SearchResultRecord = Exclude<NodeRecord, { __typename: 'Membership' | 'Partnership' }>;

/**
 * One ranked list across clusters, organizations, partners and announcements: a word matches
 * as a prefix, all words must match, case-insensitively with æ, ø and å as letters. Drafts only
 * for viewers who may see them.
 */
export async function search(ctx: RequestContext, query: string, first?: number | null): Promise<SearchResultRecord[]> {
  const { limit } = toPageWindow({ first: first ?? DEFAULT_PAGE_SIZE }, 'RELEVANCE');
  const terms = toSearchTerms(query, 'query');
  const hits = await searchDocuments(ctx.db, terms, limit, draftVisibility(ctx.viewer));
  const records = await Promise.all(hits.map((hit) => loadNode(ctx, hit.kind, hit.id)));
  return records.filter((r): r is SearchResultRecord => r !== null);
}
