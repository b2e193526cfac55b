import { describe, expect, it } from 'vitest';
import { CodedError } from '../../src/lib/errors.js';
import { fromGlobalId, toGlobalId } from '../../src/lib/global-id.js';
import { decodeCursor, encodeCursor, toPage, toPageWindow } from '../../src/lib/pagination.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as CodedError).code;
  }
  return 'NO_ERROR';
};

describe('cursors', () => {
  it('round-trip and are bound to their ordering', () => {
    const cursor = encodeCursor({ order: 'NAME_ASC', value: 'Ålesund', id: 7 });
    expect(decodeCursor(cursor, 'NAME_ASC', 'after')).toEqual({ order: 'NAME_ASC', value: 'Ålesund', id: 7 });
    expect(codeOf(() => decodeCursor(cursor, 'NAME_DESC', 'after'))).toBe('BAD_CURSOR');
  });

  it('reject garbage', () => {
    for (const bad of [
      '',
      'x',
      '!!!',
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('{"a":1}').toString('base64url'),
    ]) {
      expect(codeOf(() => decodeCursor(bad, 'NAME_ASC', 'after'))).toBe('BAD_CURSOR');
    }
  });
});

describe('page window', () => {
  it('defaults to 20 forwards and refuses more than 100', () => {
    expect(toPageWindow({}, 'NAME_ASC')).toEqual({ limit: 20, forward: true, cursor: undefined });
    expect(codeOf(() => toPageWindow({ first: 101 }, 'NAME_ASC'))).toBe('PAGE_SIZE_EXCEEDED');
    expect(codeOf(() => toPageWindow({ last: 1000 }, 'NAME_ASC'))).toBe('PAGE_SIZE_EXCEEDED');
    expect(codeOf(() => toPageWindow({ first: -1 }, 'NAME_ASC'))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => toPageWindow({ first: 1, last: 1 }, 'NAME_ASC'))).toBe('BAD_USER_INPUT');
  });
});

describe('page', () => {
  it('encodes cursors only when edges or a start/end cursor are read', () => {
    const cursorsMade: number[] = [];
    const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];
    const page = toPage(rows, { limit: 2, forward: true }, (row) => {
      cursorsMade.push(row.id);
      return { order: 'ID_ASC', value: row.id, id: row.id };
    });
    expect(page.nodes).toEqual([{ id: 1 }, { id: 2 }]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(cursorsMade).toEqual([]);
    expect(page.edges.map((e) => decodeCursor(e.cursor, 'ID_ASC', 'after').id)).toEqual([1, 2]);
    expect(page.pageInfo.endCursor).toBe(page.edges[1].cursor);
    expect(cursorsMade).toEqual([1, 2, 2]);
  });
});

describe('global ids', () => {
  it('round-trip and reject foreign or malformed ids', () => {
    expect(fromGlobalId(toGlobalId('Cluster', 42))).toEqual({ type: 'Cluster', id: 42 });
    expect(codeOf(() => fromGlobalId('nope'))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => fromGlobalId(Buffer.from('User:1').toString('base64url')))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => fromGlobalId(Buffer.from('Cluster:abc').toString('base64url')))).toBe('BAD_USER_INPUT');
  });
});
