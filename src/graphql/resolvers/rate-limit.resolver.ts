import { Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context/request-context.js';
import { RateLimit } from '../types/rate-limit.type.js';

@Resolver()
export class RateLimitResolver {
  @Query(() => RateLimit, {
    nullable: true,
    description:
      'Your rate limit as this request left it; a request asking for nothing else spends nothing. Null where no limits apply.',
  })
  rateLimit(@Ctx() ctx: RequestContext) {
    return ctx.rateLimit ?? null;
  }
}
