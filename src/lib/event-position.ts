import { CodedError, ErrorCode } from './errors.js';

/** Digits of an encoded position: fixed width, so positions also compare as strings. */
const WIDTH = 16;

/**
 * A log position as clients see it: opaque, fixed-width, so later positions also sort after
 * earlier ones as plain strings.
 */
export function encodePosition(position: number): string {
  return String(position).padStart(WIDTH, '0');
}

/** Decodes a position a client sends back (`after`); anything this API did not issue is a BAD_CURSOR. */
export function decodePosition(value: string, field: string): number {
  if (!/^\d{16}$/.test(value)) {
    throw new CodedError(ErrorCode.BAD_CURSOR, `"${field}" is not an event position this API issued.`, field);
  }
  const position = Number(value);
  if (!Number.isSafeInteger(position)) {
    throw new CodedError(ErrorCode.BAD_CURSOR, `"${field}" is not an event position this API issued.`, field);
  }
  return position;
}
