import { Field, Int, ObjectType } from 'type-graphql';
import { ClusterLevel } from '../../entities/enums.js';

@ObjectType({ simpleResolvers: true, description: 'A group and how many it holds.' })
export class KeyCount {
  @Field({ description: 'The group: a level, county, sector or year ("UNKNOWN" where the value is missing).' })
  key!: string;

  @Field(() => Int, { description: 'How many.' })
  count!: number;
}

@ObjectType({ simpleResolvers: true, description: 'A combination of group keys and how many rows it holds.' })
export class GroupCount {
  @Field(() => [String], {
    description: 'The group: one value per `groupBy` field, in the same order ("UNKNOWN" where missing).',
  })
  keys!: string[];

  @Field(() => Int, { description: 'How many.' })
  count!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Member organizations of one county at one cluster level.' })
export class CountyLevelCount {
  @Field({ description: 'The organization\'s county ("UNKNOWN" where missing).' })
  county!: string;

  @Field(() => ClusterLevel, { description: 'The cluster level.' })
  level!: string;

  @Field(() => Int, { description: 'How many organizations.' })
  count!: number;
}

const KEPT =
  'Without a filter, or filtered by `status` alone, it is read from counts the database keeps (fast at any size); other filters count the membership rows.';

// Not simpleResolvers: each list is a getter returning a promise (run only when selected), and
// fields without a resolver are read synchronously by graphql-jit.
@ObjectType({
  description:
    'Programme statistics over the clusters a filter selects. Each list is one grouped query, run only when asked for.',
})
export class ProgrammeStats {
  @Field(() => [KeyCount], {
    description: `Organizations with a current membership, per cluster level (an organization counts once per level). ${KEPT.replace('`status` alone', '`status` and `levels` alone')}`,
  })
  membersByLevel!: KeyCount[];

  @Field(() => [KeyCount], {
    description: `Organizations with a current membership, per the organization's own county; largest first. ${KEPT}`,
  })
  membersByCounty!: KeyCount[];

  @Field(() => [KeyCount], {
    description: `Organizations with a current membership, per cluster sector (an organization counts once per sector); largest first. ${KEPT}`,
  })
  membersBySector!: KeyCount[];

  @Field(() => [CountyLevelCount], {
    description: `Organizations with a current membership, per the organization's county and cluster level (an organization counts once per level), by county, then level in programme order. ${KEPT.replace('`status` alone', '`status` and `levels` alone')}`,
  })
  membersByCountyAndLevel!: CountyLevelCount[];

  @Field(() => [KeyCount], {
    description:
      'Memberships started per year (including ended ones), oldest year first. Without a filter, or with one on levels, counties and status only, it reads the counts the database keeps per year (and per cluster level, county and status); with any other filter it sums the kept counts per cluster and year of the selected clusters (one row per cluster and year: slower than the rest when a filter selects thousands of clusters).',
  })
  membershipsByYear!: KeyCount[];
}
