import { describe, expect, it } from 'vitest';
import { acceptMembership, membershipRow } from '../../src/services/import/dataset-rows.js';

// The import's fast path for membership rows must accept exactly what the schema accepts, and
// return what the schema returns; anything else it leaves to the schema (which explains the error).

const VALID = {
  cluster: 'fjord-subsea',
  orgNumber: '123456785',
  role: 'MEMBER',
  joinedOn: '2020-02-29',
  leftOn: null,
};

/** Each variation of one field (or the row) that the fast path and the schema must agree on. */
const VARIATIONS: [string, Record<string, unknown>][] = [
  ['valid', VALID],
  ['valid, left later', { ...VALID, leftOn: '2021-01-01' }],
  ['valid, an extra field', { ...VALID, note: 'ignored' }],
  ['valid, 100-character slug', { ...VALID, cluster: 'x'.repeat(100) }],
  ['every role', { ...VALID, role: 'HOST' }],
  ['slug too long', { ...VALID, cluster: 'x'.repeat(101) }],
  ['empty slug', { ...VALID, cluster: '' }],
  ['slug not a string', { ...VALID, cluster: 7 }],
  ['cluster missing', { orgNumber: VALID.orgNumber, role: 'MEMBER', joinedOn: VALID.joinedOn, leftOn: null }],
  ['bad check digit', { ...VALID, orgNumber: '123456786' }],
  ['org number a number', { ...VALID, orgNumber: 123456785 }],
  ['unknown role', { ...VALID, role: 'member' }],
  ['role missing', { ...VALID, role: undefined }],
  ['not a calendar date', { ...VALID, joinedOn: '2021-02-29' }],
  ['date with time', { ...VALID, joinedOn: '2020-02-29T00:00:00Z' }],
  ['date a number', { ...VALID, joinedOn: 20200229 }],
  ['leftOn missing', { cluster: VALID.cluster, orgNumber: VALID.orgNumber, role: 'MEMBER', joinedOn: VALID.joinedOn }],
  ['leftOn the same day', { ...VALID, leftOn: VALID.joinedOn }],
  ['leftOn before', { ...VALID, leftOn: '2019-12-31' }],
  ['leftOn not a date', { ...VALID, leftOn: '2021-13-01' }],
  ['leftOn a number', { ...VALID, leftOn: 0 }],
];

describe('the membership rows fast path', () => {
  it.each(VARIATIONS)('agrees with the schema: %s', (_, raw) => {
    const parsed = membershipRow.safeParse(raw);
    const fast = acceptMembership(raw);
    if (parsed.success) expect(fast).toEqual(parsed.data);
    else expect(fast).toBeNull();
  });

  it('accepts the valid variations (so the comparison above is not all nulls)', () => {
    expect(VARIATIONS.filter(([, raw]) => acceptMembership(raw) !== null).map(([name]) => name)).toEqual([
      'valid',
      'valid, left later',
      'valid, an extra field',
      'valid, 100-character slug',
      'every role',
    ]);
  });
});
