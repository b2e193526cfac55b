// Assertions the mutation tests share.
import { expect } from 'vitest';
import { type GraphQLResult, errorCodes } from './api.js';

/** The single error of a refused mutation, after checking its code and that nothing was returned. */
export function refusal(result: GraphQLResult, code: string) {
  expect(errorCodes(result), JSON.stringify(result.errors)).toEqual([code]);
  expect(result.data ?? null).toBeNull();
  return result.errors![0];
}

/** The fields a BAD_USER_INPUT names (`extensions.fields`), in order. */
export const problemFields = (error: { extensions?: Record<string, unknown> }) =>
  ((error.extensions?.fields ?? []) as { field: string }[]).map((p) => p.field);

/** The global id of an object as the API builds it (base64url of `Type:id`). */
export const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
