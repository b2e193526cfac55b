import { describe, expect, it } from 'vitest';
import { parseDateTime } from '../../src/repositories/db.js';

describe('parseDateTime (datetimes as the databases return them)', () => {
  it.each([
    ['2015-06-15 10:00:00+00', '2015-06-15T10:00:00.000Z'], // PostgreSQL text
    ['2015-06-15 10:00:00.123456+00', '2015-06-15T10:00:00.123Z'],
    ['2015-06-15 12:30:00+02:30', '2015-06-15T10:00:00.000Z'],
    ['2015-06-15 07:00:00-03', '2015-06-15T10:00:00.000Z'],
    ['2015-06-15T10:00:00+00:00', '2015-06-15T10:00:00.000Z'], // JSON built by PostgreSQL
    ['9999-12-31T23:59:59.999+00:00', '9999-12-31T23:59:59.999Z'],
    ['1434362400000', '2015-06-15T10:00:00.000Z'], // SQLite epoch milliseconds, as text
    [1434362400000, '2015-06-15T10:00:00.000Z'],
  ])('%s', (value, iso) => {
    expect(parseDateTime(value).toISOString()).toBe(iso);
  });

  it('refuses what is not a datetime', () => {
    expect(() => parseDateTime(null)).toThrow(TypeError);
  });
});
