import { badInput } from '../lib/errors.js';
import { toSearchTerms } from '../lib/search-terms.js';
import type { DateRange } from '../repositories/list-query.js';

/** Checks a range's ends are in order. */
export function checkRange(range: DateRange | null | undefined, field: string): DateRange | null | undefined {
  if (range?.from && range.to && range.from > range.to) {
    throw badInput(`"${field}.from" (${range.from}) is after "${field}.to" (${range.to}).`, field);
  }
  return range;
}

/** Search terms of an optional free-text filter. */
export const textTerms = (text: string | null | undefined, field: string) =>
  text === null || text === undefined ? undefined : toSearchTerms(text, field);

/** Characters in the longest NACE code, `NN.NNN`. */
const NACE_CODE_LENGTH = 6;

/**
 * Checks an optional NACE code prefix: one longer than a NACE code (wildcards aside, which the
 * filter ignores) can match nothing, and SQLite refuses very long LIKE patterns.
 */
export function checkNaceCodePrefix(prefix: string | null | undefined, field: string): string | null | undefined {
  if (prefix && prefix.replace(/[%_]/g, '').length > NACE_CODE_LENGTH) {
    throw badInput(`"${field}" must be at most ${NACE_CODE_LENGTH} characters, like the NACE code 62.010.`, field);
  }
  return prefix;
}
