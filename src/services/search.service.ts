import { createHash } from 'node:crypto';
import { draftVisibility } from '../auth/permissions.js';
import type { RequestContext } from '../context/request-context.js';
import { CodedError, ErrorCode, badInput } from '../lib/errors.js';
import { hasMark, markedHtml } from '../lib/highlight.js';
import { type Cursor, type Page, type PageArgs, type PageWindow, toPage, toPageWindow } from '../lib/pagination.js';
import { toSearchTerms } from '../lib/search-terms.js';
import {
  type SearchFilter,
  OTHER_TIER,
  SEARCH_COUNT_CAP,
  type SearchHitRow,
  SearchKind,
  TITLE_TIER,
  type SearchKindName,
  countSearchHits,
  searchHighlights,
  searchPage,
} from '../repositories/search.repository.js';
import { once } from './connection.js';
import { type NodeRecord, loadNode } from './node.service.js';

export type SearchResultRecord = Exclude<NodeRecord, { __typename: 'Membership' | 'Partnership' }>;

/** What `search` can find, in the order tabs list them. */
export enum SearchType {
  CLUSTER = 'CLUSTER',
  ORGANIZATION = 'ORGANIZATION',
  PARTNER = 'PARTNER',
  ANNOUNCEMENT = 'ANNOUNCEMENT',
}

const KIND_OF: Record<SearchType, SearchKindName> = {
  CLUSTER: 'Cluster',
  ORGANIZATION: 'Organization',
  PARTNER: 'PartnerInstitution',
  ANNOUNCEMENT: 'Announcement',
};
const SEARCH_TYPES = Object.values(SearchType);

/** A searched field's matched words, marked with `<mark>` in escaped HTML. */
export interface SearchHighlight {
  field: string;
  snippet: string;
}

/** One hit of a page: its cursor, the object found, its rank, and (when asked for) its highlights. */
export interface SearchEdge {
  readonly cursor: string;
  readonly node: SearchResultRecord;
  readonly rank: number;
  readonly highlights: Promise<SearchHighlight[]>;
}

/** How many hits of one type the query has, up to SEARCH_COUNT_CAP (`isExact` false beyond). */
export interface SearchTypeCount {
  type: SearchType;
  count: number;
  isExact: boolean;
}

/** The arguments of `search`. */
export interface SearchArgs extends PageArgs {
  query: string;
  types?: readonly SearchType[] | null;
}

/** The names highlights give the title column and the rest of a document's text, per kind. */
const FIELD_NAMES: Record<SearchKindName, { title: string; body: string }> = {
  Cluster: { title: 'name', body: 'details' },
  Organization: { title: 'name', body: 'details' },
  PartnerInstitution: { title: 'name', body: 'details' },
  Announcement: { title: 'title', body: 'body' },
};

/**
 * Names the ordering of one search (its normalized terms and types): a cursor carries it, so a
 * cursor of another search is a BAD_CURSOR rather than a position in a different list.
 */
function searchOrder(terms: readonly string[], kinds: readonly SearchKindName[]): string {
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([terms, [...kinds].sort()]))
    .digest('base64url')
    .slice(0, 16);
  return `Search:${fingerprint}`;
}

/** The kind codes a document id can end in (doc id = row id * 8 + kind). */
const DOC_KINDS = new Set<number>(Object.values(SearchKind));

/** The ranks a hit can have (its tier). */
const RANKS = new Set<unknown>([TITLE_TIER, OTHER_TIER]);

/** The page window of the arguments; a cursor of another search, or a forged one, is a BAD_CURSOR. */
function searchWindow(args: PageArgs, order: string): PageWindow {
  const window = toPageWindow(args, order);
  const cursor = window.cursor;
  const docId = cursor?.id ?? 0;
  if (cursor && (!RANKS.has(cursor.value as number) || docId <= 0 || !DOC_KINDS.has(docId % 8))) {
    const field = window.forward ? 'after' : 'before';
    throw new CodedError(ErrorCode.BAD_CURSOR, `Invalid cursor in "${field}": not a cursor this API issued.`, field);
  }
  return window;
}

function kindsOf(types: readonly SearchType[] | null | undefined): SearchKindName[] {
  if (types === null || types === undefined) return SEARCH_TYPES.map((t) => KIND_OF[t]);
  if (types.length === 0) throw badInput('"types" must name at least one type (leave it out to search all).', 'types');
  return SEARCH_TYPES.filter((t) => types.includes(t)).map((t) => KIND_OF[t]);
}

/**
 * A search result as a Relay connection. Each part runs its statement only when selected: the
 * page (one statement, then the objects through the loaders, one statement per type), the
 * highlights of the page (one), and the counts behind `totalCount` and `countsByType` (one, shared).
 */
export class SearchConnection {
  private readonly page: () => Promise<{ page: Page<SearchHitRow>; edges: SearchEdge[] }>;
  private readonly counts: () => Promise<Map<SearchKindName, number>>;
  private readonly highlights: () => Promise<Map<number, SearchHighlight[]>>;

  constructor(
    ctx: RequestContext,
    private readonly filter: SearchFilter,
    window: PageWindow,
    order: string,
  ) {
    const cursorOf = (hit: SearchHitRow): Cursor => ({ order, value: hit.rank, id: hit.docId });
    const after = window.cursor && { rank: window.cursor.value as number, docId: window.cursor.id };
    this.page = once(async () => {
      const hits = await searchPage(ctx.db, filter, { limit: window.limit, forward: window.forward, after });
      const page = toPage(hits, window, cursorOf);
      const nodes = await Promise.all(page.nodes.map((hit) => loadNode(ctx, hit.kind, hit.id)));
      const edges: SearchEdge[] = [];
      page.edges.forEach((edge, i) => {
        const node = nodes[i] as SearchResultRecord | null;
        // A hit whose row went away between the two statements is left out.
        if (node) edges.push(new Edge(edge.cursor, node, edge.node, this.highlights));
      });
      return { page, edges };
    });
    this.counts = once(() => countSearchHits(ctx.db, filter));
    this.highlights = once(async () => {
      const { page } = await this.page();
      const rows = await searchHighlights(ctx.db, filter.terms, page.nodes);
      const kinds = new Map(page.nodes.map((hit) => [hit.docId, hit.kind]));
      const byDoc = new Map<number, SearchHighlight[]>();
      for (const row of rows) {
        const kind = kinds.get(Number(row.docId));
        if (!kind) continue;
        const names = FIELD_NAMES[kind];
        const list: SearchHighlight[] = [];
        if (hasMark(row.title)) list.push({ field: names.title, snippet: markedHtml(row.title) });
        if (hasMark(row.body)) list.push({ field: names.body, snippet: markedHtml(row.body) });
        byDoc.set(Number(row.docId), list);
      }
      return byDoc;
    });
  }

  get edges(): Promise<SearchEdge[]> {
    return this.page().then((p) => p.edges);
  }

  get nodes(): Promise<SearchResultRecord[]> {
    return this.page().then((p) => p.edges.map((e) => e.node));
  }

  get pageInfo(): Promise<Page<SearchHitRow>['pageInfo']> {
    return this.page().then((p) => p.page.pageInfo);
  }

  get totalCount(): Promise<number> {
    return this.typeCounts().then((counts) =>
      counts.filter((c) => this.filter.kinds.includes(KIND_OF[c.type])).reduce((sum, c) => sum + c.count, 0),
    );
  }

  /** Whether totalCount is exact: no type asked for has more than SEARCH_COUNT_CAP hits. */
  get totalCountIsExact(): Promise<boolean> {
    return this.typeCounts().then((counts) => counts.every((c) => c.isExact || !this.filter.kinds.includes(KIND_OF[c.type])));
  }

  get countsByType(): Promise<SearchTypeCount[]> {
    return this.typeCounts();
  }

  private typeCounts(): Promise<SearchTypeCount[]> {
    return this.counts().then((counts) =>
      SEARCH_TYPES.map((type) => {
        const count = counts.get(KIND_OF[type]) ?? 0;
        return { type, count: Math.min(count, SEARCH_COUNT_CAP), isExact: count <= SEARCH_COUNT_CAP };
      }),
    );
  }
}

/** An edge; its highlights are those of the whole page, fetched once when the first is read. */
class Edge implements SearchEdge {
  constructor(
    readonly cursor: string,
    readonly node: SearchResultRecord,
    private readonly hit: SearchHitRow,
    private readonly pageHighlights: () => Promise<Map<number, SearchHighlight[]>>,
  ) {}

  get rank(): number {
    return this.hit.rank;
  }

  get highlights(): Promise<SearchHighlight[]> {
    return this.pageHighlights().then((byDoc) => byDoc.get(this.hit.docId) ?? []);
  }
}

/**
 * Free-text search across clusters, organizations, partners and announcements, as a connection:
 * matches with every word in the name or title first, then the others; each group newest row first
 * (by document id). Counts are exact up to SEARCH_COUNT_CAP per type. A word matches as a prefix, all words must match,
 * case-insensitively with æ, ø and å as letters. Drafts only for viewers who may see them.
 */
export function search(ctx: RequestContext, args: SearchArgs): SearchConnection {
  const terms = toSearchTerms(args.query, 'query');
  const kinds = kindsOf(args.types);
  const order = searchOrder(terms, kinds);
  const window = searchWindow(args, order);
  return new SearchConnection(ctx, { terms, kinds, visibility: draftVisibility(ctx.viewer) }, window, order);
}
