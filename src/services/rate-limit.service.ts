// Rate limits by cost, GitHub's model: every API token (or, anonymously, every client address) has a
// budget of points per hour, and an operation spends what it costs. Kept in process, or in Redis so
// all instances share one budget; if Redis fails, requests go through (with a warning), never the
// other way round.
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** A caller's budget after (or without) a request: GitHub's `rateLimit` fields. */
export interface RateLimitState {
  limit: number;
  /** Points this request spends (0 when it only asks for the state). */
  cost: number;
  used: number;
  remaining: number;
  resetAt: Date;
}

/** Whole seconds until the budget is whole again, at least 1 (a Retry-After header). */
export const retryAfterSeconds = (state: RateLimitState): number =>
  Math.max(1, Math.ceil((state.resetAt.getTime() - Date.now()) / 1000));

export interface RateLimitOptions {
  /** Points per hour for an API token (RATE_LIMIT_POINTS). */
  tokenPoints: number;
  /** Points per hour for each anonymous client address (RATE_LIMIT_ANONYMOUS_POINTS). */
  anonymousPoints: number;
  /** Shared budgets across instances. */
  redisUrl?: string;
  redisPrefix?: string;
  logger: { warn(obj: object, msg: string): void };
}

/** Who spends: a token (by id) or an anonymous address. */
export type RateLimitKey = { kind: 'token'; tokenId: number } | { kind: 'address'; address: string };

const WINDOW_SECONDS = 60 * 60;

/** The budgets of every caller, checked and spent before an operation runs. */
export class RateLimiter {
  private readonly token: RateLimiterMemory | RateLimiterRedis;
  private readonly anonymous: RateLimiterMemory | RateLimiterRedis;
  private readonly redis?: Redis;
  private warned = 0;

  constructor(private readonly options: RateLimitOptions) {
    if (options.redisUrl) {
      this.redis = new Redis(options.redisUrl, {
        // A lost Redis must not hold requests: commands fail at once, and the request goes through.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        retryStrategy: (attempt: number) => Math.min(attempt * 200, 5000),
      });
      this.redis.on('error', () => {});
      const prefix = `${options.redisPrefix ?? 'klynge:'}ratelimit`;
      this.token = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${prefix}:token`,
        points: options.tokenPoints,
        duration: WINDOW_SECONDS,
      });
      this.anonymous = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${prefix}:address`,
        points: options.anonymousPoints,
        duration: WINDOW_SECONDS,
      });
    } else {
      this.token = new RateLimiterMemory({ keyPrefix: 'token', points: options.tokenPoints, duration: WINDOW_SECONDS });
      this.anonymous = new RateLimiterMemory({ keyPrefix: 'address', points: options.anonymousPoints, duration: WINDOW_SECONDS });
    }
  }

  /**
   * Spends `cost` points of the caller's budget. Refused (`allowed: false`, nothing spent) when
   * fewer remain; allowed, unmetered, when the store is unreachable.
   */
  async spend(key: RateLimitKey, cost: number): Promise<{ allowed: boolean; state: RateLimitState }> {
    const { limiter, id, limit } = this.budget(key);
    if (cost <= 0) return { allowed: true, state: await this.peek(key) };
    try {
      const res = await limiter.consume(id, cost);
      return { allowed: true, state: toState(limit, cost, res) };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        // A refused request spends nothing: give back what consume() counted.
        const back = await limiter.reward(id, cost).catch(() => rejection);
        return { allowed: false, state: toState(limit, cost, back) };
      }
      this.storeFailed(rejection);
      return { allowed: true, state: unmetered(limit, cost) };
    }
  }

  /** The caller's budget now, spending nothing. */
  async peek(key: RateLimitKey): Promise<RateLimitState> {
    const { limiter, id, limit } = this.budget(key);
    try {
      const res = await limiter.get(id);
      return res ? toState(limit, 0, res) : unmetered(limit, 0);
    } catch (error) {
      this.storeFailed(error);
      return unmetered(limit, 0);
    }
  }

  async close(): Promise<void> {
    if (!this.redis) return;
    await this.redis.quit().catch(() => {});
    this.redis.disconnect();
  }

  private budget(key: RateLimitKey) {
    return key.kind === 'token'
      ? { limiter: this.token, id: String(key.tokenId), limit: this.options.tokenPoints }
      : { limiter: this.anonymous, id: key.address, limit: this.options.anonymousPoints };
  }

  /** Fails open: the request goes through; the log says so, at most once a minute. */
  private storeFailed(error: unknown): void {
    if (Date.now() - this.warned < 60_000) return;
    this.warned = Date.now();
    this.options.logger.warn(
      { err: { message: (error as Error)?.message ?? String(error) } },
      'rate limits unavailable (Redis unreachable): requests go through unmetered until it is back',
    );
  }
}

const toState = (limit: number, cost: number, res: RateLimiterRes): RateLimitState => {
  const used = Math.min(Math.max(res.consumedPoints, 0), limit);
  return { limit, cost, used, remaining: limit - used, resetAt: new Date(Date.now() + Math.max(res.msBeforeNext, 0)) };
};

/** A budget nobody has spent from in this window (or one the store could not tell). */
const unmetered = (limit: number, cost: number): RateLimitState => ({
  limit,
  cost,
  used: 0,
  remaining: limit,
  resetAt: new Date(Date.now() + WINDOW_SECONDS * 1000),
});
