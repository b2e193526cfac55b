/** Stable error codes clients can switch on (`extensions.code`). */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  BAD_CURSOR: 'BAD_CURSOR',
  PAGE_SIZE_EXCEEDED: 'PAGE_SIZE_EXCEEDED',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  CONFLICT: 'CONFLICT',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  /** The operation ran past QUERY_TIMEOUT_MS; its database statement was cancelled. */
  TIMEOUT: 'TIMEOUT',
  /** The caller's budget of points for this hour is spent (HTTP 429, Retry-After). */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A WebSocket connection already runs as many operations as it may. */
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  /** The company register did not answer usefully (down, slow, garbage, or switched off). */
  REGISTRY_UNAVAILABLE: 'REGISTRY_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One problem with one field of an input (`extensions.fields`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * An expected failure with a stable code. Services and helpers throw it without knowing about
 * GraphQL; the server turns it into a GraphQL error with `extensions.code` (and `field`, and
 * `fields` when an input had several problems).
 */
export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly fields?: readonly FieldProblem[],
  ) {
    super(message);
    this.name = 'CodedError';
  }
}

export const badInput = (message: string, field?: string) => new CodedError(ErrorCode.BAD_USER_INPUT, message, field);

/** Every problem of one input as one BAD_USER_INPUT; `field` names the first of them. */
export function invalidInput(problems: readonly FieldProblem[]): CodedError {
  const list = problems.map((p) => `"${p.field}" ${p.message}`).join('; ');
  return new CodedError(ErrorCode.BAD_USER_INPUT, `Invalid input: ${list}.`, problems[0]?.field, problems);
}

export const notFound = (message: string, field?: string) => new CodedError(ErrorCode.NOT_FOUND, message, field);
export const conflict = (message: string, field?: string) => new CodedError(ErrorCode.CONFLICT, message, field);
