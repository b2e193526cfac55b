import type { Dialect } from '../../repositories/db.js';
import { type DatasetFileKind, type DatasetRows, dateTimeToEpochMs } from './dataset-rows.js';

// The SQL both writers share. A dataset is first loaded into staging tables (temporary, one per
// file plus one for announcement mentions), then merged into the real tables with set-based
// statements: upserts on the natural keys that touch only rows whose data differ, and exact syncs of
// the child rows the dataset owns (a cluster's sectors and level history, an announcement's mentions).

export type SqlValue = string | number | null;

interface StageColumn {
  name: string;
  type: 'text' | 'int' | 'date' | 'datetime';
}

export interface StageTable {
  name: string;
  /** After the leading `ord` (the row's position in its file), which every staging table has. */
  columns: StageColumn[];
}

const col = (name: string, type: StageColumn['type'] = 'text'): StageColumn => ({ name, type });

export const STAGE_TABLES = {
  clusters: {
    name: 'import_cluster',
    columns: [
      col('slug'),
      col('name'),
      col('level'),
      col('county'),
      col('city'),
      col('sector'),
      col('founded', 'int'),
      col('admitted_on', 'date'),
      col('website'),
      col('description'),
      col('org_number'),
    ],
  },
  organizations: {
    name: 'import_organization',
    columns: [
      col('org_number'),
      col('name'),
      col('city'),
      col('county'),
      col('nace_code'),
      col('employees', 'int'),
      col('website'),
    ],
  },
  partners: {
    name: 'import_partner',
    columns: [col('slug'), col('name'), col('kind'), col('org_number'), col('city'), col('website')],
  },
  memberships: {
    name: 'import_membership',
    columns: [col('cluster'), col('org_number'), col('role'), col('joined_on', 'date'), col('left_on', 'date')],
  },
  partnerships: {
    name: 'import_partnership',
    columns: [col('cluster'), col('partner'), col('role'), col('since', 'date')],
  },
  announcements: {
    name: 'import_announcement',
    columns: [
      col('slug'),
      col('title'),
      col('body'),
      col('language'),
      col('published_at', 'datetime'),
      col('kind'),
      col('source_url'),
    ],
  },
  mentions: {
    name: 'import_announcement_cluster',
    columns: [col('announcement'), col('cluster'), col('position', 'int')],
  },
} satisfies Record<DatasetFileKind | 'mentions', StageTable>;

export type StageKind = keyof typeof STAGE_TABLES;

/** `create temp table` for a staging table (PostgreSQL drops it at commit, SQLite when the writer finishes). */
export function createStageTableSql(table: StageTable, dialect: Dialect): string {
  const types =
    dialect === 'postgresql'
      ? { text: 'text', int: 'integer', date: 'date', datetime: 'timestamptz' }
      : { text: 'text', int: 'integer', date: 'text', datetime: 'integer' };
  const columns = [col('ord', 'int'), ...table.columns].map((c) => `"${c.name}" ${types[c.type]}`).join(', ');
  return `create temp table "${table.name}" (${columns})${dialect === 'postgresql' ? ' on commit drop' : ''}`;
}

/**
 * SQLite only: indexes its planner needs on the staging tables (PostgreSQL hashes them instead).
 * Mentions are looked up by (announcement, cluster) when stale ones are deleted.
 */
export const SQLITE_STAGE_INDEXES = [
  'create index temp."import_announcement_cluster_key" on "import_announcement_cluster" ("announcement", "cluster")',
];

/** The column list of a staging table, `ord` first. */
export const stageColumnList = (table: StageTable): string =>
  ['ord', ...table.columns.map((c) => c.name)].map((n) => `"${n}"`).join(', ');

/**
 * A row's staging values in column order (without `ord`). Datetimes are ISO text for PostgreSQL and epoch
 * milliseconds for SQLite (how MikroORM stores them there).
 */
export function stageValues<K extends DatasetFileKind>(kind: K, row: DatasetRows[K], dialect: Dialect): SqlValue[] {
  switch (kind) {
    case 'clusters': {
      const c = row as DatasetRows['clusters'];
      return [
        c.slug,
        c.name,
        c.level,
        c.county,
        c.city,
        c.sector,
        c.founded,
        c.admittedOn,
        c.website,
        c.description,
        c.orgNumber,
      ];
    }
    case 'organizations': {
      const o = row as DatasetRows['organizations'];
      return [o.orgNumber, o.name, o.city, o.county, o.naceCode, o.employees, o.website];
    }
    case 'partners': {
      const p = row as DatasetRows['partners'];
      return [p.slug, p.name, p.kind, p.orgNumber, p.city, p.website];
    }
    case 'memberships': {
      const m = row as DatasetRows['memberships'];
      return [m.cluster, m.orgNumber, m.role, m.joinedOn, m.leftOn];
    }
    case 'partnerships': {
      const p = row as DatasetRows['partnerships'];
      return [p.cluster, p.partner, p.role, p.since];
    }
    default: {
      const a = row as DatasetRows['announcements'];
      const publishedAt = dialect === 'postgresql' ? a.publishedAt : dateTimeToEpochMs(a.publishedAt);
      return [a.slug, a.title, a.body, a.language, publishedAt, a.kind, a.sourceUrl];
    }
  }
}

/** The mention rows (announcement slug, cluster slug, position) of an announcement. */
export const mentionValues = (row: DatasetRows['announcements']): SqlValue[][] =>
  row.clusters.map((cluster, position) => [row.slug, cluster, position]);

// ---------------------------------------------------------------------------------------------------
// Merging

/** What one merge step did to one table. */
export interface TableCounts {
  table: string;
  inserted: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

/** Search document kinds (see the search migrations): doc id = row id * 8 + kind. */
export const SEARCH_KIND = { cluster: 1, organization: 2, partner: 3, announcement: 4 } as const;

interface Column {
  /** Column of the real table. */
  name: string;
  /** Its value, an expression over the FROM clause (staging table `s`). */
  expr: string;
}

/** An upsert of one staging table into one versioned table on its natural key. */
export interface UpsertSpec {
  table: string;
  stage: StageKind;
  /** FROM clause over the staging table `s`, joining whatever the key needs. */
  from: string;
  key: Column[];
  /** Data columns: inserted, compared and updated. */
  columns: Column[];
  searchKind?: number;
  /** The order new rows get their ids in (default: file order). */
  order?: string[];
}

const c = (name: string, expr = `s."${name}"`): Column => ({ name, expr });

export const UPSERTS: UpsertSpec[] = [
  {
    table: 'cluster',
    stage: 'clusters',
    from: '"import_cluster" s',
    key: [c('slug')],
    columns: [
      c('name'),
      c('level'),
      c('status', `'ACTIVE'`),
      c('county'),
      c('city'),
      c('description'),
      c('website'),
      c('org_number'),
      c('founded_year', 's."founded"'),
      c('admitted_on'),
      c('provenance', `'IMPORT'`),
    ],
    searchKind: SEARCH_KIND.cluster,
  },
  {
    table: 'organization',
    stage: 'organizations',
    from: '"import_organization" s',
    key: [c('org_number')],
    columns: [c('name'), c('city'), c('county'), c('nace_code'), c('employees'), c('website'), c('provenance', `'IMPORT'`)],
    searchKind: SEARCH_KIND.organization,
  },
  {
    table: 'partner_institution',
    stage: 'partners',
    from: '"import_partner" s',
    key: [c('slug')],
    columns: [c('name'), c('kind'), c('org_number'), c('city'), c('website'), c('provenance', `'IMPORT'`)],
    searchKind: SEARCH_KIND.partner,
  },
  {
    table: 'membership',
    stage: 'memberships',
    from: '"import_membership" s join "cluster" k on k."slug" = s."cluster" join "organization" o on o."org_number" = s."org_number"',
    key: [c('cluster_id', 'k."id"'), c('organization_id', 'o."id"'), c('joined_on')],
    columns: [c('role'), c('left_on')],
    // Ids follow (cluster, joinedOn, orgNumber), not file order: lists ordered by join date break
    // ties by id, so members who joined on the same day come in organisation-number order.
    order: ['k."id"', 's."joined_on"', 's."org_number"'],
  },
  {
    table: 'partnership',
    stage: 'partnerships',
    from: '"import_partnership" s join "cluster" k on k."slug" = s."cluster" join "partner_institution" p on p."slug" = s."partner"',
    key: [c('cluster_id', 'k."id"'), c('partner_id', 'p."id"'), c('since')],
    columns: [c('role'), c('until', 'cast(null as date)')],
  },
  {
    table: 'announcement',
    stage: 'announcements',
    from: '"import_announcement" s',
    key: [c('slug')],
    // Imported announcements are published ones (a re-import publishes a draft of the same slug).
    columns: [
      c('title'),
      c('body'),
      c('language'),
      c('published_at'),
      c('kind'),
      c('source_url'),
      c('provenance', `'IMPORT'`),
      c('status', `'PUBLISHED'`),
    ],
    searchKind: SEARCH_KIND.announcement,
  },
];

const distinct = (dialect: Dialect) => (dialect === 'postgresql' ? 'is distinct from' : 'is not');
const list = (items: string[]) => items.join(', ');

/** The current time as a literal of the dialect's datetime columns. */
export const nowLiteral = (now: Date, dialect: Dialect): string =>
  dialect === 'postgresql' ? `'${now.toISOString()}'::timestamptz` : String(now.getTime());

const upsertTail = (spec: UpsertSpec, dialect: Dialect): string => {
  const t = `"${spec.table}"`;
  const colNames = spec.columns.map((k) => `"${k.name}"`);
  return `on conflict (${list(spec.key.map((k) => `"${k.name}"`))}) do update set ${list(colNames.map((n) => `${n} = excluded.${n}`))}, "updated_at" = excluded."updated_at", "version" = ${t}."version" + 1
where (${list(colNames.map((n) => `${t}.${n}`))}) ${distinct(dialect)} (${list(colNames.map((n) => `excluded.${n}`))})`;
};

/** The staged rows that are new or differ from the table, with their key and data columns (and `cur` = the row if any). */
const deltaSelect = (spec: UpsertSpec, dialect: Dialect, extra = ''): string => {
  const join = spec.key.map((k) => `cur."${k.name}" = ${k.expr}`).join(' and ');
  const differ = `(${list(spec.columns.map((k) => `cur."${k.name}"`))}) ${distinct(dialect)} (${list(spec.columns.map((k) => k.expr))})`;
  const values = [...spec.key, ...spec.columns].map((k) => `${k.expr} as "${k.name}"`);
  return `select ${list(values)}${extra}
from ${spec.from} left join "${spec.table}" cur on ${join}
where cur."id" is null or ${differ}
order by ${list(spec.order ?? ['s."ord"'])}`;
};

const orderColumns = (spec: UpsertSpec) => (spec.order ?? ['s."ord"']).map((e, i) => `, ${e} as "o${i}"`).join('');
const orderNames = (spec: UpsertSpec) => list((spec.order ?? ['s."ord"']).map((_, i) => `d."o${i}"`));

/**
 * `insert ... select ... on conflict (key) do update ... where <data differ>`. The select already
 * leaves out rows that exist with the same data (so unchanged rows are not even locked); the
 * conflict clause's own check keeps the statement right should a row appear meanwhile. Inserted rows
 * get version 1 and updated rows version + 1 (PostgreSQL tells them apart by `returning "version"`,
 * SQLite by how much the table grew). Rows go in file order, so a first import numbers them so.
 */
export function upsertSql(spec: UpsertSpec, now: string, dialect: Dialect): string {
  const names = [...spec.key, ...spec.columns].map((k) => `"${k.name}"`);
  return `insert into "${spec.table}" ("created_at", "updated_at", "version", ${list(names)})
select ${now}, ${now}, 1, ${list(names.map((n) => `d.${n}`))} from (${deltaSelect(spec, dialect, orderColumns(spec))}) d where true order by ${orderNames(spec)}
${upsertTail(spec, dialect)}`;
}

/**
 * PostgreSQL: the delta of an upsert materialized first (so its size can choose the strategy); `is_new`
 * marks rows to insert. Written in file order, so a first import numbers rows in file order.
 */
export const deltaTableSql = (spec: UpsertSpec, table: string): string =>
  `create temp table "${table}" on commit drop as ${deltaSelect(spec, 'postgresql', ', cur."id" is null as "is_new"')}`;

/** PostgreSQL: the upsert from a materialized delta. */
export function upsertFromDeltaSql(spec: UpsertSpec, deltaTable: string, now: string): string {
  return `${insertFromDelta(spec, deltaTable, now)}
${upsertTail(spec, 'postgresql')}`;
}

const insertFromDelta = (spec: UpsertSpec, deltaTable: string, now: string, where = '') => {
  const names = [...spec.key, ...spec.columns].map((k) => `"${k.name}"`);
  return `insert into "${spec.table}" ("created_at", "updated_at", "version", ${list(names)})
select ${now}, ${now}, 1, ${list(names.map((n) => `d.${n}`))} from "${deltaTable}" d${where}`;
};

/**
 * PostgreSQL, a first load (the table is empty and locked against other writers): every staged row
 * inserted straight from the staging join, in the order new rows get their ids; no delta table.
 */
export function insertAllSql(spec: UpsertSpec, now: string): string {
  const columns = [...spec.key, ...spec.columns];
  return `insert into "${spec.table}" ("created_at", "updated_at", "version", ${list(columns.map((k) => `"${k.name}"`))})
select ${now}, ${now}, 1, ${list(columns.map((k) => k.expr))} from ${spec.from}
order by ${list(spec.order ?? ['s."ord"'])}`;
}

/**
 * PostgreSQL, for a table the import has locked against other writers: the delta's new rows as a
 * plain insert (no conflict can arise, and a plain insert skips ON CONFLICT's extra index probe
 * per row), and its changed rows as an update.
 */
export function insertAndUpdateFromDeltaSql(spec: UpsertSpec, deltaTable: string, now: string): [string, string] {
  const t = `"${spec.table}"`;
  const names = spec.columns.map((k) => `"${k.name}"`);
  const match = spec.key.map((k) => `${t}."${k.name}" = d."${k.name}"`).join(' and ');
  return [
    insertFromDelta(spec, deltaTable, now, ' where d."is_new"'),
    `update ${t} set ${list(names.map((n) => `${n} = d.${n}`))}, "updated_at" = ${now}, "version" = ${t}."version" + 1
from "${deltaTable}" d where not d."is_new" and ${match}
and (${list(names.map((n) => `${t}.${n}`))}) is distinct from (${list(names.map((n) => `d.${n}`))})`,
  ];
}

/** PostgreSQL: un-marks delta rows as new that another writer inserted before the table was locked. */
export const recheckNewSql = (spec: UpsertSpec, deltaTable: string): string =>
  `update "${deltaTable}" d set "is_new" = false from "${spec.table}" cur
where d."is_new" and ${spec.key.map((k) => `cur."${k.name}" = d."${k.name}"`).join(' and ')}`;

/** A statement of a child-row sync, and what it counts as. */
export interface SyncStatement {
  count: 'inserted' | 'updated' | 'deleted';
  sql: string;
  /** For PostgreSQL: the cluster id column the statement can return (its search document needs a refresh). */
  touchesCluster?: string;
}

export interface ChildSync {
  table: string;
  /** Rows the dataset wants (for `unchanged`): the number of rows in this staging table. */
  stage: StageKind;
  statements: SyncStatement[];
}

const STAGED_CLUSTER =
  'select k."id", s."ord", s."sector", s."level", s."admitted_on" from "import_cluster" s join "cluster" k on k."slug" = s."slug"';
const STAGED_MENTION = `select a."id" as "announcement_id", k."id" as "cluster_id", m."position", m."ord"
  from "import_announcement_cluster" m join "announcement" a on a."slug" = m."announcement" join "cluster" k on k."slug" = m."cluster"`;

/**
 * The dataset owns an imported cluster's sectors (exactly its one sector, at position 0), its level
 * history (one open period at its level from `admittedOn`) and an imported announcement's mentions
 * (exactly its `clusters`, in order). Rows that already match are left alone.
 */
export const CHILD_SYNCS: ChildSync[] = [
  {
    table: 'cluster_sector',
    stage: 'clusters',
    statements: [
      {
        count: 'deleted',
        sql: `delete from "cluster_sector" where "id" in (select cs."id" from "cluster_sector" cs join (${STAGED_CLUSTER}) x on x."id" = cs."cluster_id" where cs."sector" <> x."sector")`,
        touchesCluster: '"cluster_id"',
      },
      {
        count: 'updated',
        sql: `update "cluster_sector" set "position" = 0 where "position" <> 0 and "id" in (select cs."id" from "cluster_sector" cs join (${STAGED_CLUSTER}) x on x."id" = cs."cluster_id" and x."sector" = cs."sector")`,
        touchesCluster: '"cluster_id"',
      },
      {
        count: 'inserted',
        sql: `insert into "cluster_sector" ("cluster_id", "sector", "position") select x."id", x."sector", 0 from (${STAGED_CLUSTER}) x where not exists (select 1 from "cluster_sector" cs where cs."cluster_id" = x."id" and cs."sector" = x."sector") order by x."ord"`,
        touchesCluster: '"cluster_id"',
      },
    ],
  },
  {
    table: 'cluster_level_period',
    stage: 'clusters',
    statements: [
      {
        count: 'deleted',
        sql: `delete from "cluster_level_period" where "id" in (select p."id" from "cluster_level_period" p join (${STAGED_CLUSTER}) x on x."id" = p."cluster_id" where not (p."level" = x."level" and p."from_date" = x."admitted_on" and p."to_date" is null))`,
      },
      {
        count: 'inserted',
        sql: `insert into "cluster_level_period" ("cluster_id", "level", "from_date", "to_date") select x."id", x."level", x."admitted_on", cast(null as date) from (${STAGED_CLUSTER}) x where not exists (select 1 from "cluster_level_period" p where p."cluster_id" = x."id" and p."level" = x."level" and p."from_date" = x."admitted_on" and p."to_date" is null) order by x."ord"`,
      },
    ],
  },
  {
    table: 'announcement_cluster',
    stage: 'mentions',
    statements: [
      {
        count: 'deleted',
        sql: `delete from "announcement_cluster" where "id" in (select ac."id" from "announcement_cluster" ac join "announcement" a on a."id" = ac."announcement_id" join "import_announcement" sa on sa."slug" = a."slug" join "cluster" k on k."id" = ac."cluster_id" where not exists (select 1 from "import_announcement_cluster" m where m."announcement" = a."slug" and m."cluster" = k."slug"))`,
      },
      {
        count: 'updated',
        sql: `update "announcement_cluster" set "position" = x."position" from (select ac."id", y."position" from (${STAGED_MENTION}) y join "announcement_cluster" ac on ac."announcement_id" = y."announcement_id" and ac."cluster_id" = y."cluster_id" where ac."position" <> y."position") x where "announcement_cluster"."id" = x."id"`,
      },
      {
        count: 'inserted',
        sql: `insert into "announcement_cluster" ("announcement_id", "cluster_id", "position") select x."announcement_id", x."cluster_id", x."position" from (${STAGED_MENTION}) x where not exists (select 1 from "announcement_cluster" ac where ac."announcement_id" = x."announcement_id" and ac."cluster_id" = x."cluster_id") order by x."ord"`,
      },
    ],
  },
];

export type MergeStep = { upsert: UpsertSpec } | { sync: ChildSync };

export const stepTable = (step: MergeStep): string => ('upsert' in step ? step.upsert.table : step.sync.table);
export const stepStage = (step: MergeStep): StageKind => ('upsert' in step ? step.upsert.stage : step.sync.stage);

/**
 * The order the merge runs in: parents before the rows that refer to them, and memberships (the
 * largest file, read last) last, so everything else can be merged while they are still being read.
 */
export const MERGE_ORDER: readonly MergeStep[] = [
  { upsert: UPSERTS[0] }, // cluster
  { sync: CHILD_SYNCS[0] }, // cluster_sector
  { sync: CHILD_SYNCS[1] }, // cluster_level_period
  { upsert: UPSERTS[1] }, // organization
  { upsert: UPSERTS[2] }, // partner_institution
  { upsert: UPSERTS[4] }, // partnership
  { upsert: UPSERTS[5] }, // announcement
  { sync: CHILD_SYNCS[2] }, // announcement_cluster
  { upsert: UPSERTS[3] }, // membership
];

/**
 * PostgreSQL only: where each kind's search document comes from (id, title, body), mirroring
 * `search_document_sync()` / `search_document_refresh_cluster()` in
 * migrations/postgresql/Migration20261123024600_search.ts, for imports that switch those triggers off.
 */
export interface SearchSource {
  kind: number;
  /** The table whose rows are the documents. */
  table: string;
  /** Selects (id, title, body) of the table's rows. */
  select: string;
}

export const SEARCH_SOURCES: readonly SearchSource[] = [
  {
    kind: SEARCH_KIND.cluster,
    table: 'cluster',
    select: `select c."id", c."name", concat_ws(' ', c."description", c."city", c."county",
       (select string_agg(s."sector", ' ' order by s."position") from "cluster_sector" s where s."cluster_id" = c."id"))
     from "cluster" c`,
  },
  {
    kind: SEARCH_KIND.organization,
    table: 'organization',
    select: `select o."id", o."name", concat_ws(' ', o."city", o."county", o."org_number") from "organization" o`,
  },
  {
    kind: SEARCH_KIND.partner,
    table: 'partner_institution',
    select: `select p."id", p."name", concat_ws(' ', p."city", p."org_number") from "partner_institution" p`,
  },
  { kind: SEARCH_KIND.announcement, table: 'announcement', select: `select a."id", a."title", a."body" from "announcement" a` },
];

/** The table a bulk import computes every document's vector into (see searchDocumentSql). */
const SEARCH_VECTORS_TABLE = 'import_search_vector';

/**
 * Statements that write the search documents of one source's rows listed in `import_touched`: the
 * vector alone (search_document keeps no copy of the title and body), rewritten only where it
 * changed. `precompute`: the vectors of all the kind's rows are first computed into a temporary
 * table by one CREATE TABLE AS, which PostgreSQL can run as a parallel query (an INSERT runs on
 * one core); worth it when most of the kind's rows were touched.
 */
export function searchDocumentSql({ kind, select }: SearchSource, precompute: boolean): string[] {
  const touched = `"id" in (select "id" from "import_touched" where "kind" = ${kind})`;
  const upsert = (source: string, document: string) => `insert into "search_document" ("doc_id", "kind", "ref_id", "document")
select d.id::bigint * 8 + ${kind}, ${kind}::smallint, d.id, ${document}
from ${source}
on conflict ("doc_id", "kind") do update set "document" = excluded."document"
where "search_document"."document" is distinct from excluded."document"`;
  if (!precompute)
    return [upsert(`(${select} where ${touched}) as d (id, title, body)`, 'search_document_vector(d.title, d.body)')];
  return [
    `create temp table "${SEARCH_VECTORS_TABLE}" on commit drop as
select d.id, search_document_vector(d.title, d.body) as document from (${select}) as d (id, title, body)`,
    upsert(`"${SEARCH_VECTORS_TABLE}" d where d.${touched}`, 'd.document'),
    `drop table "${SEARCH_VECTORS_TABLE}"`,
  ];
}

/**
 * PostgreSQL, a kind whose partition of `search_document` (`leaf`) is empty while the search
 * indexes are dropped (a first load): the partition written anew by one CREATE TABLE AS, which
 * computes every vector in a parallel query and writes the table once, then put in the old one's
 * place. Computing into a temporary table and inserting from it (searchDocumentSql) writes every
 * vector twice, the second time row by row. Attaching builds the partition's primary key; the
 * search indexes are rebuilt on every partition afterwards.
 */
export function searchLeafReplaceSql({ kind, select }: SearchSource, leaf: string): string[] {
  const fresh = `${leaf}_import`;
  return [
    `create table "${fresh}" as
select d.id::bigint * 8 + ${kind} as "doc_id", ${kind}::smallint as "kind", d.id as "ref_id", search_document_vector(d.title, d.body) as "document"
from (${select}) as d (id, title, body)`,
    `alter table "${fresh}" alter "doc_id" set not null, alter "kind" set not null, alter "ref_id" set not null, alter "document" set not null,
add constraint "${fresh}_kind" check ("kind" = ${kind})`,
    `alter table "search_document" detach partition "${leaf}"`,
    `drop table "${leaf}"`,
    `alter table "${fresh}" rename to "${leaf}"`,
    `alter table "search_document" attach partition "${leaf}" for values in (${kind})`,
    // The check only spared the attach a scan; the partition bound says the same.
    `alter table "${leaf}" drop constraint "${fresh}_kind"`,
  ];
}
