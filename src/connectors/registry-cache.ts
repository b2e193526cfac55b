import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { RegistryEntry } from './company-register.format.js';

/** What the register said about a number (its unit, or null for "no such unit"), kept until expiresAt. */
export interface CachedAnswer {
  entry: RegistryEntry | null;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** One answer to keep, by org number. */
export interface CacheWrite {
  orgNumber: string;
  answer: CachedAnswer;
}

/** A store of the register's answers by org number, with a time to live per answer. */
export interface RegistryCache {
  /** The answers held for these numbers (those not held are absent from the map). */
  getMany(orgNumbers: readonly string[]): Promise<Map<string, CachedAnswer>>;
  /** Keeps answers, each until its own expiresAt. */
  setMany(answers: readonly CacheWrite[]): Promise<void>;
  close(): Promise<void>;
}

/** Logs what the cache cannot do (Redis down); pino's signature. */
export interface CacheLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** The in-process cache: an LRU bounded by entry count, each entry with its own TTL. */
export class MemoryRegistryCache implements RegistryCache {
  private readonly lru: LRUCache<string, CachedAnswer>;

  constructor(maxEntries: number) {
    this.lru = new LRUCache<string, CachedAnswer>({ max: maxEntries, ttlAutopurge: false });
  }

  async getMany(orgNumbers: readonly string[]): Promise<Map<string, CachedAnswer>> {
    const found = new Map<string, CachedAnswer>();
    for (const number of orgNumbers) {
      const answer = this.lru.get(number);
      if (answer) found.set(number, answer);
    }
    return found;
  }

  async setMany(answers: readonly CacheWrite[]): Promise<void> {
    const now = Date.now();
    for (const { orgNumber, answer } of answers) {
      const ttl = Math.floor(answer.expiresAt - now);
      if (ttl > 0) this.lru.set(orgNumber, answer, { ttl });
    }
  }

  /** How many answers are held (for tests and logs). */
  get size(): number {
    return this.lru.size;
  }

  async close(): Promise<void> {
    this.lru.clear();
  }
}

/** Redis commands must not hold a request: a slow or absent Redis is a cache miss. */
const REDIS_COMMAND_TIMEOUT_MS = 250;
/** At most one "Redis is unavailable" warning per this many milliseconds. */
const WARN_EVERY_MS = 30_000;

/**
 * The shared cache: answers as JSON under `<prefix><orgNumber>`, expiring by Redis's own TTL.
 * Every failure (down, slow, garbage) is logged now and then and reads as a miss; it never fails
 * a lookup.
 */
export class RedisRegistryCache implements RegistryCache {
  private readonly redis: Redis;
  private lastWarning = 0;
  /** Settles once the first connection attempt did (or after a moment): commands before it would fail. */
  private readonly connected: Promise<void>;

  constructor(
    url: string,
    private readonly keyPrefix: string,
    private readonly logger: CacheLogger,
  ) {
    this.redis = new Redis(url, {
      // Fail commands at once while disconnected instead of queueing them behind a reconnect.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 500, 5_000),
    });
    this.redis.on('error', (error: Error) => this.warn(error, 'connection'));
    this.connected = new Promise<void>((resolve) => {
      this.redis.once('ready', resolve);
      this.redis.once('error', () => resolve());
      setTimeout(resolve, REDIS_COMMAND_TIMEOUT_MS).unref();
    });
  }

  private warn(error: unknown, during: string): void {
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn({ err: error, during }, 'registry cache: Redis unavailable, using the in-process cache only');
  }

  async getMany(orgNumbers: readonly string[]): Promise<Map<string, CachedAnswer>> {
    const found = new Map<string, CachedAnswer>();
    if (orgNumbers.length === 0) return found;
    try {
      await this.connected;
      const values = await this.redis.mget(orgNumbers.map((n) => this.keyPrefix + n));
      values.forEach((value, i) => {
        if (value === null) return;
        const answer = parseAnswer(value);
        if (answer) found.set(orgNumbers[i], answer);
      });
    } catch (error) {
      this.warn(error, 'read');
    }
    return found;
  }

  async setMany(answers: readonly CacheWrite[]): Promise<void> {
    const now = Date.now();
    const kept = answers.filter((a) => a.answer.expiresAt - now >= 1);
    if (kept.length === 0) return;
    try {
      await this.connected;
      const pipeline = this.redis.pipeline();
      for (const { orgNumber, answer } of kept) {
        pipeline.set(this.keyPrefix + orgNumber, JSON.stringify(answer), 'PX', Math.floor(answer.expiresAt - now));
      }
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed) this.warn(failed[0], 'write');
    } catch (error) {
      this.warn(error, 'write');
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/** A held answer, or undefined for anything that is not one (an older format, garbage). */
function parseAnswer(value: string): CachedAnswer | undefined {
  try {
    const parsed = JSON.parse(value) as { entry?: unknown; expiresAt?: unknown };
    if (parsed && typeof parsed === 'object' && 'entry' in parsed && typeof parsed.expiresAt === 'number') {
      const entry = parsed.entry as RegistryEntry | null;
      if (entry === null || (typeof entry === 'object' && typeof entry.orgNumber === 'string')) {
        return { entry, expiresAt: parsed.expiresAt };
      }
    }
  } catch {
    // not JSON: a miss
  }
  return undefined;
}

/**
 * The in-process LRU in front of Redis: reads ask the LRU first and Redis for the rest (keeping
 * what Redis had until it expires there too), writes go to both.
 */
export class TieredRegistryCache implements RegistryCache {
  constructor(
    private readonly near: MemoryRegistryCache,
    private readonly shared: RegistryCache,
  ) {}

  async getMany(orgNumbers: readonly string[]): Promise<Map<string, CachedAnswer>> {
    const found = await this.near.getMany(orgNumbers);
    const rest = orgNumbers.filter((n) => !found.has(n));
    if (rest.length === 0) return found;
    const fromShared = await this.shared.getMany(rest);
    const keep: CacheWrite[] = [];
    for (const [orgNumber, answer] of fromShared) {
      found.set(orgNumber, answer);
      keep.push({ orgNumber, answer });
    }
    await this.near.setMany(keep);
    return found;
  }

  async setMany(answers: readonly CacheWrite[]): Promise<void> {
    await Promise.all([this.near.setMany(answers), this.shared.setMany(answers)]);
  }

  async close(): Promise<void> {
    await Promise.all([this.near.close(), this.shared.close()]);
  }
}
