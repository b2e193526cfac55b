import { describe, expect, it } from 'vitest';
import { isValidOrgNumber, orgNumberCheckDigit } from '../../src/lib/org-number.js';

describe('organisation number check', () => {
  it('computes the modulus-11 check digit (DOMAIN.md example)', () => {
    expect(orgNumberCheckDigit('12345678')).toBe(5);
    expect(isValidOrgNumber('123456785')).toBe(true);
  });

  it('accepts real numbers', () => {
    for (const n of ['986399445', '912660680', '974760673', '991825827']) expect(isValidOrgNumber(n)).toBe(true);
  });

  it('rejects a wrong check digit, wrong length and non-digits', () => {
    expect(isValidOrgNumber('986399446')).toBe(false);
    expect(isValidOrgNumber('98639944')).toBe(false);
    expect(isValidOrgNumber('9863994450')).toBe(false);
    expect(isValidOrgNumber('98639944a')).toBe(false);
  });

  it('has no valid number where the remainder is 1', () => {
    // 10000001: 3*1 + 2*1 = 5 ... find a base with remainder 1 and check it is refused.
    const base = Array.from({ length: 1000 }, (_, i) => String(10000000 + i)).find((b) => orgNumberCheckDigit(b) === null);
    expect(base).toBeDefined();
    for (let d = 0; d <= 9; d++) expect(isValidOrgNumber(`${base}${d}`)).toBe(false);
  });

  it('agrees with the regex-and-slice definition on every check digit, and rejects non-ASCII digits and a trailing newline', () => {
    const reference = (value: string) => /^\d{9}$/.test(value) && orgNumberCheckDigit(value.slice(0, 8)) === Number(value[8]);
    for (let base = 10000000; base < 10002000; base += 7) {
      for (let d = 0; d <= 9; d++) expect(isValidOrgNumber(`${base}${d}`)).toBe(reference(`${base}${d}`));
    }
    expect(isValidOrgNumber('12345678\u0665')).toBe(false); // Arabic-Indic five
    expect(isValidOrgNumber('12345678/')).toBe(false);
    expect(isValidOrgNumber('12345678:')).toBe(false);
    expect(isValidOrgNumber('12345678\n')).toBe(false);
    expect(isValidOrgNumber('')).toBe(false);
  });
});
