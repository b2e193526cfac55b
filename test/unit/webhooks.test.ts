// Pure parts of webhook delivery: which addresses and URLs are refused, the retry schedule with
// jitter, duration parsing, and the at-rest sealing of secrets.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE, loadConfig, parseDurations } from '../../src/config/config.js';
import { isPrivateAddress } from '../../src/connectors/address-policy.js';
import { urlProblem } from '../../src/connectors/webhook-endpoint.connector.js';
import { openSecret, sealSecret } from '../../src/lib/secret-box.js';
import { retryDelay } from '../../src/services/webhook-delivery.service.js';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::10.0.0.1',
    'not-an-address',
  ])('refuses %s', (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) =>
    expect(isPrivateAddress(address)).toBe(false),
  );
});

describe('urlProblem', () => {
  const strict = { allowedHosts: [] };
  it('wants https and a public host', () => {
    expect(urlProblem('https://example.com/hook', strict)).toBeNull();
    expect(urlProblem('http://example.com/hook', strict)).toMatch(/https/);
    expect(urlProblem('https://127.0.0.1/hook', strict)).toMatch(/loopback/);
    expect(urlProblem('https://[::1]/hook', strict)).toMatch(/loopback/);
    expect(urlProblem('https://2130706433/hook', strict)).toMatch(/loopback/); // 127.0.0.1 as a number
    expect(urlProblem('https://localhost/hook', strict)).toMatch(/localhost/);
    expect(urlProblem('https://a:b@example.com/', strict)).toMatch(/password/);
    expect(urlProblem('not a url', strict)).toMatch(/absolute/);
  });

  it('lets the operator allow hosts, over http too', () => {
    const dev = { allowedHosts: ['127.0.0.1'] };
    expect(urlProblem('http://127.0.0.1:8080/hook', dev)).toBeNull();
    expect(urlProblem('http://127.0.0.2:8080/hook', dev)).toMatch(/https/);
    expect(urlProblem('ftp://127.0.0.1/hook', dev)).toMatch(/http/);
  });
});

describe('the retry schedule', () => {
  const schedule = parseDurations(DEFAULT_WEBHOOK_RETRY_SCHEDULE) as number[];

  it('is the Standard Webhooks one by default: 5 s first, about a day in all', () => {
    expect(schedule[0]).toBe(5000);
    const total = schedule.reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeGreaterThan(24);
    expect(total / 3_600_000).toBeLessThan(30);
    expect(loadConfig({}).webhooks.retryScheduleMs).toEqual(schedule);
  });

  it('jitters each delay by at most a fifth, and ends', () => {
    expect(retryDelay(schedule, 1, () => 0)).toBe(4000);
    expect(retryDelay(schedule, 1, () => 1)).toBe(6000);
    expect(retryDelay(schedule, 2, () => 0.5)).toBe(300_000);
    expect(retryDelay(schedule, schedule.length + 1)).toBeNull();
  });

  it('parses durations and refuses bad ones', () => {
    expect(parseDurations('100,2s,1.5m,1h')).toEqual([100, 2000, 90_000, 3_600_000]);
    expect(parseDurations('5x')).toBeNull();
    expect(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE: 'soon' })).toThrow(/WEBHOOK_RETRY_SCHEDULE/);
    expect(() => loadConfig({ WEBHOOK_SECRET_KEY: 'c2hvcnQ=' })).toThrow(/WEBHOOK_SECRET_KEY/);
    expect(loadConfig({ WEBHOOK_ALLOWED_HOSTS: ' 127.0.0.1, Localhost ' }).webhooks.allowedHosts).toEqual([
      '127.0.0.1',
      'localhost',
    ]);
  });
});

describe('secrets at rest', () => {
  it('are sealed with AES-256-GCM when a key is set, and kept as they are otherwise', () => {
    const key = randomBytes(32);
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const sealed = sealSecret(secret, key);
    expect(sealed).toMatch(/^enc:v1:/);
    expect(sealed).not.toContain(secret.slice(6));
    expect(openSecret(sealed, key)).toBe(secret);
    expect(() => openSecret(sealed, randomBytes(32))).toThrow();
    expect(() => openSecret(sealed, undefined)).toThrow(/WEBHOOK_SECRET_KEY/);
    expect(sealSecret(secret, undefined)).toBe(secret);
    expect(openSecret(secret, key)).toBe(secret);
  });
});
