import { ArgsType, Field, Float, Int, ObjectType, createUnionType, registerEnumType } from 'type-graphql';
import { SearchType } from '../../services/search.service.js';
import { Announcement } from './announcement.type.js';
import { ConnectionArgs } from './args.js';
import { Cluster } from './cluster.type.js';
import { PageInfo } from './connection.js';
import { Organization } from './organization.type.js';
import { PartnerInstitution } from './partner.type.js';

registerEnumType(SearchType, {
  name: 'SearchType',
  description: 'A type of object `search` finds: one tab of a search page.',
  valuesConfig: {
    CLUSTER: { description: 'Clusters (name, description, city, county, sectors).' },
    ORGANIZATION: { description: 'Organizations (name, city, county, organization number).' },
    PARTNER: { description: 'Partner institutions (name, city, organization number).' },
    ANNOUNCEMENT: { description: 'Announcements (title and body); drafts only for viewers who may see them.' },
  },
});

export const SearchResult = createUnionType({
  name: 'SearchResult',
  description: 'Anything `search` can find.',
  types: () => [Cluster, Organization, PartnerInstitution, Announcement] as const,
});

@ArgsType()
export class SearchArgs extends ConnectionArgs {
  @Field({ description: 'Words to look for; each matches as a prefix and all must match (æ, ø, å and case handled).' })
  query!: string;

  @Field(() => [SearchType], {
    nullable: true,
    description: 'Only these types (all when left out). A cursor belongs to one query and one set of types.',
  })
  types?: SearchType[] | null;
}

@ObjectType({ simpleResolvers: true, description: 'A searched field of a result with its matched words marked.' })
export class SearchHighlight {
  @Field({
    description:
      'The field that matched: `name` (clusters, organizations, partners) or `title` (announcements), highlighted whole; or, as a short snippet, `body` (announcements) or `details` (the other searched fields together: a cluster’s description, city, county and sectors; an organization’s city, county and organization number; a partner’s city and organization number).',
  })
  field!: string;

  @Field({
    description:
      'The text (or a short excerpt of it, fragments joined by " … ") as HTML: escaped, with each matched word in `<mark>…</mark>` and no other markup, so it can be rendered as is.',
  })
  snippet!: string;
}

// Not simpleResolvers: `highlights` is a getter returning a promise (fetched for the whole page
// when first selected), and fields without a resolver are read synchronously by graphql-jit.
@ObjectType({ description: 'One search result with its cursor, rank and highlights.' })
export class SearchEdge {
  @Field({
    description: 'Opaque position of this result in this search; pass it as `after` or `before` with the same query and types.',
  })
  cursor!: string;

  @Field(() => SearchResult, { description: 'The object found.' })
  node!: typeof SearchResult;

  @Field(() => Float, {
    description:
      'How well it matches, higher first: 1 when every word is in the name or title, 0 when some are only elsewhere. Results of the same rank come newest first (by id).',
  })
  rank!: number;

  @Field(() => [SearchHighlight], {
    description: 'The fields that matched, with the matched words marked (one statement for the whole page, when selected).',
  })
  highlights!: SearchHighlight[];
}

@ObjectType({ simpleResolvers: true, description: 'How many results one type has.' })
export class SearchTypeCount {
  @Field(() => SearchType, { description: 'The type.' })
  type!: SearchType;

  @Field(() => Int, {
    description: 'How many objects of this type match the query, counted up to 1,000 (see `isExact`).',
  })
  count!: number;

  @Field({
    description: 'False when more than 1,000 match: `count` is then 1,000 and a page shows it as "1,000+".',
  })
  isExact!: boolean;
}

@ObjectType({
  description:
    'A page of search results, best match first (then newest first), with counts for a results page and its tabs. Each part runs its query only when selected.',
})
export class SearchConnection {
  @Field(() => [SearchEdge], { description: 'The results of this page with their cursors, ranks and highlights.' })
  edges!: SearchEdge[];

  @Field(() => [SearchResult], { description: 'The results of this page (shortcut for `edges { node }`).' })
  nodes!: (typeof SearchResult)[];

  @Field(() => PageInfo, { description: 'Paging information.' })
  pageInfo!: PageInfo;

  @Field(() => Int, {
    description:
      'How many results the search has in all, of the types asked for (costs a count): the sum of their `countsByType`, each counted up to 1,000.',
  })
  totalCount!: number;

  @Field({
    description:
      'False when a type asked for has more than 1,000 results, so `totalCount` is a lower bound. Shares its count with `totalCount`.',
  })
  totalCountIsExact!: boolean;

  @Field(() => [SearchTypeCount], {
    description:
      'How many results each type has, whatever `types` asks for (for tabs): every type, 0 included, in the order CLUSTER, ORGANIZATION, PARTNER, ANNOUNCEMENT. Shares its count with `totalCount`.',
  })
  countsByType!: SearchTypeCount[];
}
