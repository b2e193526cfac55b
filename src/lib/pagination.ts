import { fromBase64Url, toBase64Url } from './base64url.js';
import { CodedError, ErrorCode, badInput } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Relay paging arguments as the client sent them. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export type SortDirection = 'ASC' | 'DESC';
export type CursorValue = string | number;

/** A decoded keyset position: the ordering it belongs to, its value there, and the row id. */
export interface Cursor {
  order: string;
  value: CursorValue;
  id: number;
}

/** Paging arguments checked and reduced to one direction of travel. */
export interface PageWindow {
  limit: number;
  /** false when paging backwards (`last` / `before`). */
  forward: boolean;
  cursor?: Cursor;
}

export function encodeCursor(cursor: Cursor): string {
  return toBase64Url(JSON.stringify([cursor.order, cursor.value, cursor.id]));
}

/** Decodes a cursor made for `order`; anything else is a BAD_CURSOR. */
export function decodeCursor(encoded: string, order: string, field: string): Cursor {
  const fail = (why: string) => new CodedError(ErrorCode.BAD_CURSOR, `Invalid cursor in "${field}": ${why}.`, field);
  const text = fromBase64Url(encoded);
  if (text === null) throw fail('not a cursor this API issued');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw fail('not a cursor this API issued');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    typeof parsed[0] !== 'string' ||
    !(typeof parsed[1] === 'string' || typeof parsed[1] === 'number') ||
    !Number.isSafeInteger(parsed[2])
  ) {
    throw fail('not a cursor this API issued');
  }
  if (parsed[0] !== order) throw fail(`it was issued for ordering ${parsed[0]}, not ${order}`);
  return { order, value: parsed[1], id: parsed[2] };
}

function checkSize(value: number | null | undefined, field: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0) throw badInput(`"${field}" must be a non-negative integer.`, field);
  if (value > MAX_PAGE_SIZE) {
    throw new CodedError(
      ErrorCode.PAGE_SIZE_EXCEEDED,
      `"${field}" is ${value}, but a page holds at most ${MAX_PAGE_SIZE} items; page through with cursors.`,
      field,
    );
  }
  return value;
}

/**
 * Validates Relay arguments: `first`/`after` page forwards, `last`/`before` backwards; mixing the
 * two directions is refused rather than guessed at.
 */
export function toPageWindow(args: PageArgs, order: string): PageWindow {
  const first = checkSize(args.first, 'first');
  const last = checkSize(args.last, 'last');
  const backwards = last !== undefined || (args.before !== null && args.before !== undefined);
  const forwards = first !== undefined || (args.after !== null && args.after !== undefined);
  if (backwards && forwards) {
    throw badInput('Use either "first"/"after" (forwards) or "last"/"before" (backwards), not both.', 'last');
  }
  if (backwards) {
    return {
      limit: last ?? DEFAULT_PAGE_SIZE,
      forward: false,
      cursor: args.before ? decodeCursor(args.before, order, 'before') : undefined,
    };
  }
  return {
    limit: first ?? DEFAULT_PAGE_SIZE,
    forward: true,
    cursor: args.after ? decodeCursor(args.after, order, 'after') : undefined,
  };
}

/** A page of rows with Relay's page info, built from `limit + 1` fetched rows. */
export interface Page<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/**
 * A page from `limit + 1` fetched rows. Cursors are encoded only when a client asks for them
 * (edges, start/end cursor): most nested pages are read through `nodes`, and a fan-out query has
 * thousands of rows. A class, so its getters live on the prototype: an object literal with
 * getters costs new closures per page.
 */
class KeysetPage<T> implements Page<T> {
  readonly nodes: T[];
  private readonly hasMore: boolean;
  private edgeList?: Page<T>['edges'];
  private info?: Page<T>['pageInfo'];

  constructor(
    rows: T[],
    private readonly window: PageWindow,
    private readonly cursorOf: (row: T) => Cursor,
  ) {
    this.hasMore = rows.length > window.limit;
    this.nodes = this.hasMore ? rows.slice(0, window.limit) : rows;
    if (!window.forward) this.nodes.reverse();
  }

  get edges(): Page<T>['edges'] {
    this.edgeList ??= this.nodes.map((node) => ({ cursor: this.cursor(node) as string, node }));
    return this.edgeList;
  }

  get pageInfo(): Page<T>['pageInfo'] {
    const { forward, cursor } = this.window;
    this.info ??= new KeysetPageInfo(
      this,
      forward ? this.hasMore : cursor !== undefined,
      forward ? cursor !== undefined : this.hasMore,
    );
    return this.info;
  }

  cursor(node: T | undefined): string | null {
    return node === undefined ? null : encodeCursor(this.cursorOf(node));
  }
}

class KeysetPageInfo<T> {
  constructor(
    private readonly page: KeysetPage<T>,
    readonly hasNextPage: boolean,
    readonly hasPreviousPage: boolean,
  ) {}

  get startCursor(): string | null {
    return this.page.cursor(this.page.nodes[0]);
  }

  get endCursor(): string | null {
    return this.page.cursor(this.page.nodes.at(-1));
  }
}

export function toPage<T>(rows: T[], window: PageWindow, cursorOf: (row: T) => Cursor): Page<T> {
  return new KeysetPage(rows, window, cursorOf);
}
