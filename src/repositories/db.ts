import type { EntityManager, Knex } from '@mikro-orm/knex';

export type Dialect = 'sqlite' | 'postgresql';

/**
 * Plain-row read access over a request's EntityManager fork. Reads skip entity hydration (rows are
 * cheaper than managed entities); statements still run through the ORM connection, so they join
 * the current transaction and show up in the query log.
 */
export class Db {
  readonly dialect: Dialect;

  constructor(readonly em: EntityManager) {
    this.dialect = em.getPlatform().constructor.name.toLowerCase().includes('postgre') ? 'postgresql' : 'sqlite';
  }

  get knex(): Knex {
    return this.em.getKnex();
  }

  /** Runs a query builder or raw SQL and returns its rows. */
  async rows<T>(query: Knex.QueryBuilder | Knex.Raw): Promise<T[]> {
    return (await this.em.execute(query as Knex.QueryBuilder)) as T[];
  }

  /** A datetime as the driver stores it (SQLite keeps epoch milliseconds). */
  dateTimeParam(value: Date): Date | number | string {
    return this.dialect === 'sqlite' ? value.getTime() : value.toISOString();
  }
}

/** Reads a datetime column back into a Date (epoch ms on SQLite, text on PostgreSQL). */
export function parseDateTime(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) return new Date(Number(value));
    // PostgreSQL text: "2015-06-15 10:00:00+00"
    const iso = value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
    return new Date(iso);
  }
  throw new TypeError(`Not a datetime: ${String(value)}`);
}
