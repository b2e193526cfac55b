import { Field, Int, ObjectType } from 'type-graphql';
import { DateTime } from './scalars.js';

@ObjectType({
  simpleResolvers: true,
  description:
    'Your rate limit: points per hour for your API token (or, without one, your address). An operation costs its requested nodes / 100 (at least 1); a mutation 5.',
})
export class RateLimit {
  @Field(() => Int, { description: 'Points per hour.' })
  limit!: number;

  @Field(() => Int, { description: 'What this request costs (0 when it asks for nothing but `rateLimit`).' })
  cost!: number;

  @Field(() => Int, { description: 'Points spent in the current hour, this request included.' })
  used!: number;

  @Field(() => Int, { description: 'Points left in the current hour.' })
  remaining!: number;

  @Field(() => DateTime, { description: 'When the budget is whole again.' })
  resetAt!: Date;
}
