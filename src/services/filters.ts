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
