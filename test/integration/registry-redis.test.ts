// The register's cache in Redis (REDIS_URL): shared by instances, and never in the way when Redis
// is down. The shared-cache tests need a Redis server and are skipped, with a message, without
// REDIS_URL (e.g. REDIS_URL=redis://127.0.0.1:6379); the outage test runs everywhere.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRegistryCache, RedisRegistryCache, TieredRegistryCache } from '../../src/connectors/registry-cache.js';
import { FULL_UNIT, UNKNOWN_NUMBER } from '../fixtures/register.js';
import { type LocalRegister, localCompanyRegister, recordingLogger, startLocalRegister } from '../helpers/register-server.js';

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL)
  console.warn('Redis cache tests of the company register skipped: REDIS_URL is not set (e.g. redis://127.0.0.1:6379)');

let local: LocalRegister;
beforeAll(async () => {
  local = await startLocalRegister([FULL_UNIT]);
});
afterAll(async () => {
  await local.close();
});

/** One klynge instance's register: its own in-process cache in front of the shared Redis. */
function instance(redisUrl: string, prefix: string) {
  const { logger, entries } = recordingLogger();
  const cache = new TieredRegistryCache(new MemoryRegistryCache(100), new RedisRegistryCache(redisUrl, prefix, logger));
  return { ...localCompanyRegister(local, { cache }), cacheLogs: entries };
}

describe.skipIf(!REDIS_URL)('in Redis, shared by instances', () => {
  const prefix = `klynge-test:${process.pid}:${randomBytes(4).toString('hex')}:registry:`;
  let admin: Redis;
  beforeAll(async () => {
    admin = new Redis(REDIS_URL as string);
  });
  afterAll(async () => {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    admin.disconnect();
  });

  it('a second instance answers hits and misses from Redis, without a call', async () => {
    local.calls.length = 0;
    const a = instance(REDIS_URL as string, prefix);
    const b = instance(REDIS_URL as string, prefix);
    try {
      const first = await a.register.lookup([FULL_UNIT.organisasjonsnummer, UNKNOWN_NUMBER]);
      expect(local.calls).toHaveLength(1);
      expect(first[0]).toMatchObject({ legalName: FULL_UNIT.navn });
      expect(first[1]).toBeNull();

      const second = await b.register.lookup([FULL_UNIT.organisasjonsnummer, UNKNOWN_NUMBER]);
      expect(local.calls).toHaveLength(1);
      expect(second).toEqual(first);

      // Kept with the TTLs: a day for the unit, an hour for the miss (give or take the test's time).
      const ttlHit = await admin.pttl(`${prefix}${FULL_UNIT.organisasjonsnummer}`);
      const ttlMiss = await admin.pttl(`${prefix}${UNKNOWN_NUMBER}`);
      expect(ttlHit).toBeGreaterThan(24 * 3600 * 1000 - 60_000);
      expect(ttlMiss).toBeGreaterThan(3600 * 1000 - 60_000);
      expect(ttlMiss).toBeLessThanOrEqual(3600 * 1000);
      expect(a.cacheLogs).toEqual([]);
    } finally {
      await a.register.close();
      await b.register.close();
    }
  });

  it('ignores garbage under its keys (a miss, then overwritten)', async () => {
    local.calls.length = 0;
    await admin.set(`${prefix}${FULL_UNIT.organisasjonsnummer}`, 'not json', 'PX', 60_000);
    const c = instance(REDIS_URL as string, prefix);
    try {
      const [entry] = await c.register.lookup([FULL_UNIT.organisasjonsnummer]);
      expect(entry).toMatchObject({ legalName: FULL_UNIT.navn });
      expect(local.calls).toHaveLength(1);
      expect(JSON.parse((await admin.get(`${prefix}${FULL_UNIT.organisasjonsnummer}`)) as string).entry.legalName).toBe(
        FULL_UNIT.navn,
      );
    } finally {
      await c.register.close();
    }
  });
});

describe('when Redis is unavailable', () => {
  it('lookups go on with the in-process cache; the outage is logged, not thrown', async () => {
    local.calls.length = 0;
    // Nothing listens on port 1 of the loopback interface: every command fails at once.
    const down = instance('redis://127.0.0.1:1', 'klynge-test:down:');
    try {
      const started = Date.now();
      const [entry] = await down.register.lookup([FULL_UNIT.organisasjonsnummer]);
      expect(entry).toMatchObject({ legalName: FULL_UNIT.navn });
      const [again] = await down.register.lookup([FULL_UNIT.organisasjonsnummer]);
      expect(again).toEqual(entry);
      expect(local.calls).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(down.cacheLogs.some((l) => l.level === 'warn' && /Redis unavailable/.test(l.msg))).toBe(true);
    } finally {
      await down.register.close();
    }
  });
});
