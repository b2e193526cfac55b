import { Field, Int, ObjectType } from 'type-graphql';

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

// Not simpleResolvers: each list is a getter returning a promise (run only when selected), and
// fields without a resolver are read synchronously by graphql-jit.
@ObjectType({
  description:
    'Programme statistics over the clusters a filter selects. Each list is one grouped query, run only when asked for.',
})
export class ProgrammeStats {
  @Field(() => [KeyCount], { description: 'Clusters per level, in programme order.' })
  clustersByLevel!: KeyCount[];

  @Field(() => [KeyCount], {
    description: 'Organizations with a current membership, per cluster level (an organization counts once per level).',
  })
  membersByLevel!: KeyCount[];

  @Field(() => [KeyCount], {
    description: "Organizations with a current membership, per the organization's own county; largest first.",
  })
  membersByCounty!: KeyCount[];

  @Field(() => [KeyCount], { description: 'Organizations with a current membership, per cluster sector; largest first.' })
  membersBySector!: KeyCount[];

  @Field(() => [KeyCount], { description: 'Memberships started per year (including ended ones), oldest year first.' })
  membershipsByYear!: KeyCount[];
}
