import { badInput } from './errors.js';

const MAX_TERMS = 12;

/**
 * Splits free text into lower-cased words (letters and digits in any script, so æ, ø and å are
 * kept whole). Each word later matches as a prefix; all words must match.
 */
export function toSearchTerms(text: string, field: string): string[] {
  const terms = text
    .toLocaleLowerCase('nb-NO')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
  if (terms.length === 0) throw badInput(`"${field}" must contain at least one word.`, field);
  return terms.slice(0, MAX_TERMS);
}
