import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_REGISTRY_URL, loadConfig } from '../../src/config/config.js';

// Only parses configuration: nothing here starts a register or makes a call.
describe('register configuration (REGISTRY_*, REDIS_URL)', () => {
  it('defaults to the public register, on, 3 s, a day for hits and an hour for misses, no Redis', () => {
    const config = loadConfig({});
    expect(config.registry).toEqual({
      enabled: true,
      url: DEFAULT_REGISTRY_URL,
      timeoutMs: 3_000,
      hitTtlSeconds: 86_400,
      missTtlSeconds: 3_600,
      cacheMaxEntries: 10_000,
    });
    expect(DEFAULT_REGISTRY_URL).toBe('https://data.brreg.no/enhetsregisteret/api');
    expect(config.redisUrl).toBeUndefined();
  });

  it('reads every variable', () => {
    const config = loadConfig({
      REGISTRY_ENABLED: 'false',
      REGISTRY_URL: 'http://127.0.0.1:8080/enhetsregisteret/api/',
      REGISTRY_TIMEOUT_MS: '1500',
      REGISTRY_CACHE_TTL: '600',
      REGISTRY_MISS_TTL: '60',
      REGISTRY_CACHE_SIZE: '500',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(config.registry).toEqual({
      enabled: false,
      url: 'http://127.0.0.1:8080/enhetsregisteret/api',
      timeoutMs: 1500,
      hitTtlSeconds: 600,
      missTtlSeconds: 60,
      cacheMaxEntries: 500,
    });
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(loadConfig({ REGISTRY_ENABLED: '0' }).registry?.enabled).toBe(false);
    expect(loadConfig({ REGISTRY_ENABLED: 'true' }).registry?.enabled).toBe(true);
    expect(loadConfig({ REDIS_URL: '' }).redisUrl).toBeUndefined();
  });

  it.each([
    ['REGISTRY_ENABLED', 'maybe'],
    ['REGISTRY_URL', 'ftp://example.invalid'],
    ['REGISTRY_URL', 'not a url'],
    ['REGISTRY_TIMEOUT_MS', '0'],
    ['REGISTRY_CACHE_TTL', '-1'],
    ['REGISTRY_CACHE_SIZE', '0'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
