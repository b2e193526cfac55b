import { describe, expect, it } from 'vitest';
import { ConfigError, feedsConfig, loadConfig } from '../../src/config/config.js';
import { backoffDelay } from '../../src/services/feed-poller.service.js';

describe('feed settings', () => {
  it('are off by default, with bounds for every fetch', () => {
    expect(loadConfig({}).feeds).toEqual({
      urls: [],
      pollMinutes: 30,
      allowedHosts: [],
      timeoutMs: 15_000,
      maxBytes: 5 * 1024 * 1024,
      maxRedirects: 5,
      maxItems: 1000,
    });
  });

  it('read FEEDS as a list (commas, spaces or newlines) and FEED_ALLOWED_HOSTS case-folded', () => {
    const feeds = feedsConfig({
      FEEDS: 'https://www.regjeringen.no/no/rss/Rss/2581966/, http://127.0.0.1:8080/a.xml\nhttps://example.org/atom',
      FEED_POLL_MINUTES: '15',
      FEED_ALLOWED_HOSTS: '127.0.0.1, Feeds.Internal [::1]',
    });
    expect(feeds.urls).toHaveLength(3);
    expect(feeds.pollMinutes).toBe(15);
    expect(feeds.allowedHosts).toEqual(['127.0.0.1', 'feeds.internal', '::1']);
  });

  it('refuse a feed that is not http(s), naming the variable', () => {
    expect(() => loadConfig({ FEEDS: 'file:///etc/passwd' })).toThrow(ConfigError);
    expect(() => loadConfig({ FEEDS: 'ftp://example.org/feed' })).toThrow(/FEEDS/);
    expect(() => loadConfig({ FEED_POLL_MINUTES: '0' })).toThrow(/FEED_POLL_MINUTES/);
  });

  it('back off by doubling the interval per further failure, up to a day', () => {
    const hour = 60 * 60 * 1000;
    expect([1, 2, 3, 4].map((n) => backoffDelay(hour, n) / hour)).toEqual([1, 2, 4, 8]);
    expect(backoffDelay(hour, 20)).toBe(24 * hour);
  });
});
