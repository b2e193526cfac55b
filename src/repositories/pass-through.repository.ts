import type { Knex } from '@mikro-orm/knex';
import { toBase64Url } from '../lib/base64url.js';
import type { PageWindow } from '../lib/pagination.js';
import { CLUSTER_SELECT } from './cluster.repository.js';
import type { Db } from './db.js';
import { type ListQuery, countSubquery, outputOrderSql, pageQuery } from './keyset.js';
import { JOINED, selectOnly } from './list-query.js';
import { ORGANIZATION_SELECT } from './organization.repository.js';
import { PARTNER_SELECT } from './partner.repository.js';

// One statement (PostgreSQL or SQLite) that writes a whole GraphQL `data` object as JSON text, exactly as
// JSON.stringify writes what the executor would have completed: the same keys in the same order,
// no spaces, each scalar as its GraphQL type serializes it. The lists are the repositories' own
// list queries (filters, visibility, ordering and tie-breaks are theirs), wrapped in JSON-building
// SQL; the schema layer says which (see src/graphql/pass-through.ts).

/** A list (one page of it) as the data layer needs it: its query and page window. */
export interface PassThroughList {
  query: (db: Db) => ListQuery;
  window: PageWindow;
}

/** Records found by a key: a membership's cluster, a cluster by slug. */
export type PassThroughRecordType = 'Cluster' | 'Organization' | 'PartnerInstitution';

/**
 * What a statement writes as JSON text, over the row at hand (a list's item, a record): a value of
 * one of its columns, an object of members, a list page or count under it, a record it points to.
 */
export type PassThroughJson =
  /** Constant JSON text (a `__typename`). */
  | { kind: 'constant'; json: string }
  /** A column of the row (a select alias of its query): strings, enums, integers, dates as JSON; instants as DateTime writes them. */
  | { kind: 'column'; column: string; as: 'value' | 'instant' }
  /** The row's global id (base64url of `Type:id`, as src/lib/global-id.ts writes it). */
  | { kind: 'globalId'; type: string }
  | { kind: 'object'; members: readonly PassThroughMember[] }
  /** The items of one page of a list under the row (a root list when there is no row), as a JSON array. */
  | { kind: 'page'; list: PassThroughList; item: PassThroughJson }
  /** The row count of a nested list under the row. */
  | { kind: 'count'; list: PassThroughList }
  /** The record the row carries (a membership page's organization, see membershipListQuery). */
  | { kind: 'carried'; value: PassThroughJson }
  /** The record of `type` whose `by` column equals a column of the row or a statement value (by index); null when none. */
  | {
      kind: 'record';
      type: PassThroughRecordType;
      by: 'id' | 'slug';
      key: { column: string } | { value: number };
      value: PassThroughJson;
    };

export type PassThroughMember = readonly [key: string, json: PassThroughJson];

const RECORDS: Record<PassThroughRecordType, { from: string; select: readonly string[]; alias: string }> = {
  Cluster: { from: 'cluster as c', select: CLUSTER_SELECT, alias: 'c' },
  Organization: { from: 'organization as o', select: ORGANIZATION_SELECT, alias: 'o' },
  PartnerInstitution: { from: 'partner_institution as p', select: PARTNER_SELECT, alias: 'p' },
};

/** The row a JSON value is written over: a derived table's alias, and the prefix of its columns (a carried record's). */
interface Row {
  alias: string;
  prefix: string;
  /** The query of the page the row is an item of (what it carries). */
  query?: ListQuery;
}

/** Writes the SQL of a PassThroughJson; bindings in order of their `?`. */
class StatementWriter {
  readonly bindings: unknown[] = [];
  private aliases = 0;

  constructor(
    private readonly db: Db,
    private readonly values: readonly unknown[],
  ) {}

  /** SQL of the JSON text (never null). */
  json(json: PassThroughJson, row: Row | undefined): string {
    switch (json.kind) {
      case 'constant':
        return sqlString(json.json);
      case 'column': {
        const column = columnOf(row, json.column);
        if (json.as === 'instant') {
          // Date.toISOString: UTC, milliseconds (truncated, as the driver's text is parsed), `Z`.
          // SQLite keeps instants as epoch milliseconds (how MikroORM stores them there).
          const iso = this.sqlite
            ? sqliteIsoInstant(column)
            : `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
          return `coalesce('"' || ${iso} || '"', 'null')`;
        }
        // json_quote escapes text exactly as JSON.stringify does, and writes NULL as null.
        return this.sqlite ? `json_quote(${column})` : `coalesce(to_json(${column})::text, 'null')`;
      }
      case 'globalId': {
        const prefix = `${json.type}:`;
        const id = columnOf(row, 'id');
        const encoded = this.sqlite
          ? sqliteBase64url(prefix, id)
          : `translate(rtrim(encode(convert_to(${sqlString(prefix)} || ${id}, 'UTF8'), 'base64'), '='), '+/', '-_')`;
        return `('"' || ${encoded} || '"')`;
      }
      case 'object': {
        if (json.members.length === 0) return `'{}'`;
        const parts = json.members.map(
          ([key, member], i) => `${sqlString(`${i === 0 ? '{' : ','}${JSON.stringify(key)}:`)} || ${this.json(member, row)}`,
        );
        return `(${parts.join(' || ')} || '}')`;
      }
      case 'page': {
        const alias = this.alias();
        const list = json.list;
        const full = list.query(this.db);
        const query = selectOnly(full, columnsUsed(json.item, full.joinedAs));
        // Bindings go in the order of their `?`: the item's (nested lists) before the page's.
        const item = this.json(json.item, { alias, prefix: '', query });
        const parentRef = row ? columnOf(row, 'id') : undefined;
        this.bindings.push(pageQuery(this.db, query, list.window, parentRef, false));
        // The items' texts, joined in the page's order (no rows: no text).
        const joined = this.sqlite ? 'group_concat' : 'string_agg';
        return `('[' || coalesce((select ${joined}(${item}, ',' order by ${outputOrderSql(alias, query, list.window)}) from ? as ${alias}), '') || ']')`;
      }
      case 'count': {
        if (!row) throw new Error('a count needs a parent row');
        this.bindings.push(countSubquery(this.db, json.list.query(this.db), columnOf(row, 'id')));
        return `cast((?) as text)`;
      }
      case 'carried': {
        if (!row?.query?.joinedAs) throw new Error('the row carries no record');
        return this.json(json.value, { alias: row.alias, prefix: `${row.prefix}${JOINED}` });
      }
      case 'record': {
        const record = RECORDS[json.type];
        const alias = this.alias();
        const qb = this.db.knex.from(this.db.knex.raw(record.from)).select(this.db.knex.raw(record.select.join(', ')));
        const by = `${record.alias}.${json.by}`;
        if ('column' in json.key) qb.whereRaw(`${by} = ${columnOf(row, json.key.column)}`);
        else qb.whereRaw(`${by} = ?`, [this.values[json.key.value] as Knex.Value]);
        const value = this.json(json.value, { alias, prefix: '' });
        this.bindings.push(qb);
        return `coalesce((select ${value} from ? as ${alias}), 'null')`;
      }
    }
  }

  private get sqlite(): boolean {
    return this.db.dialect === 'sqlite';
  }

  private alias(): string {
    this.aliases++;
    return `pass_through_${this.aliases}`;
  }
}

/** A column of the row, e.g. `pass_through_2."j__name"`. */
function columnOf(row: Row | undefined, column: string): string {
  if (!row) throw new Error(`no row for column ${column}`);
  return `${row.alias}."${row.prefix}${column}"`;
}

/** SQLite: epoch milliseconds as Date.toISOString writes them (before 1970 too). */
export function sqliteIsoInstant(ms: string): string {
  const millis = `((${ms} % 1000 + 1000) % 1000)`;
  return `strftime('%Y-%m-%dT%H:%M:%S', (${ms} - ${millis}) / 1000, 'unixepoch') || printf('.%03dZ', ${millis})`;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * SQLite (which has no base64 function): base64url without padding of `prefix` followed by an
 * integer's digits, as src/lib/global-id.ts writes a global id. The prefix's whole 3-byte groups
 * are encoded here; the rest (at most 2 + 20 characters, all ASCII) group by group in SQL.
 */
export function sqliteBase64url(prefix: string, integer: string): string {
  const whole = prefix.length - (prefix.length % 3);
  const head = toBase64Url(prefix.slice(0, whole));
  const text = `(${sqlString(prefix.slice(whole))} || ${integer})`;
  const byte = (i: number) => `coalesce(unicode(substr(${text}, ${i + 1}, 1)), 0)`;
  const digit = (sixBits: string) => `substr('${BASE64URL}', (${sixBits}) + 1, 1)`;
  const parts: string[] = [];
  for (let i = 0; i < prefix.length - whole + 20; i += 3) {
    const [a, b, c] = [byte(i), byte(i + 1), byte(i + 2)];
    // SQLite's bit operators share one precedence level: every step is bracketed.
    const chars = [
      digit(`(${a} >> 2)`),
      digit(`((${a} & 3) << 4) | (${b} >> 4)`),
      digit(`((${b} & 15) << 2) | (${c} >> 6)`),
      digit(`(${c} & 63)`),
    ];
    // A group of n bytes writes n + 1 characters.
    parts.push(
      `(case when length(${text}) > ${i} then ${chars[0]} || ${chars[1]} else '' end)`,
      `(case when length(${text}) > ${i + 1} then ${chars[2]} else '' end)`,
      `(case when length(${text}) > ${i + 2} then ${chars[3]} else '' end)`,
    );
  }
  return `(${sqlString(head)} || ${parts.join(' || ')})`;
}

/** A SQL string literal (knex would read a `?` in it as a binding: JSON keys and type names have none). */
function sqlString(text: string): string {
  if (text.includes('?')) throw new Error('a pass-through constant cannot hold "?"');
  return `'${text.replaceAll("'", "''")}'`;
}

/** The columns a page's item is written from (see selectOnly): its own, and under JOINED those of the record it carries. */
function columnsUsed(item: PassThroughJson, joinedAs: string | undefined): Set<string> {
  const used = new Set<string>();
  const walk = (json: PassThroughJson, carried: boolean) => {
    const add = (name: string) => used.add(carried ? `${joinedAs}.${name}` : name);
    switch (json.kind) {
      case 'column':
        add(json.column);
        break;
      case 'object':
        for (const [, member] of json.members) walk(member, carried);
        break;
      case 'carried':
        walk(json.value, true);
        break;
      case 'record':
        if ('column' in json.key) add(json.key.column);
        break;
      default:
        // ids (global ids, lists' parents, counts) are always kept
        break;
    }
  };
  walk(item, false);
  return used;
}

/**
 * The `data` object's JSON text, by one prepared statement. Its text is built once per `owner` (a
 * compiled operation shape, see Db.rememberedRows) and run with each request's `values` (slugs, ids).
 */
export async function passThroughData(db: Db, owner: object, data: PassThroughJson, values: readonly unknown[]): Promise<string> {
  const [row] = await db.rememberedRows<{ data: string }>(owner, 'data', values, (standIns) => {
    const writer = new StatementWriter(db, standIns);
    const json = writer.json(data, undefined);
    return db.knex.queryBuilder().select(db.knex.raw(`${json} as "data"`, writer.bindings as Knex.Value[]));
  });
  return row.data;
}
