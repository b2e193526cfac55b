import type { Knex } from '@mikro-orm/knex';
import { LESS_THAN, MARK_END, MARK_START } from '../lib/highlight.js';
import { type DraftVisibility, visibleAnnouncementSql } from './draft-visibility.js';
import type { Db } from './db.js';

/** Document kinds in search_document (doc id = row id * 8 + kind). */
export const SearchKind = { Cluster: 1, Organization: 2, PartnerInstitution: 3, Announcement: 4 } as const;
export type SearchKindName = keyof typeof SearchKind;

const KIND_NAMES = Object.fromEntries(Object.entries(SearchKind).map(([name, code]) => [code, name])) as Record<
  number,
  SearchKindName
>;

/** One search hit: its document id (row id * 8 + kind), kind, row id and rank (higher is better). */
export interface SearchHitRow {
  docId: number;
  kind: SearchKindName;
  id: number;
  rank: number;
}

/** What a search looks for: all terms (as prefixes), in documents of these kinds, that the reader may see. */
export interface SearchFilter {
  terms: readonly string[];
  kinds: readonly SearchKindName[];
  visibility: DraftVisibility;
}

/** A page of search hits: `limit + 1` rows after (forward) or before (backward) a position. */
export interface SearchWindow {
  limit: number;
  forward: boolean;
  /** The position (rank, doc id) of the cursor; absent for the first (or last) page. */
  after?: { rank: number; docId: number };
}

/** SQLite FTS5: every term as a quoted prefix; terms are letters and digits only. */
const ftsMatch = (terms: readonly string[]) => terms.map((t) => `"${t}"*`).join(' ');

/** PostgreSQL: each term matches unstemmed (simple) or stemmed (norwegian), as a prefix; all must match. */
function tsQuery(db: Db, terms: readonly string[]): Knex.Raw {
  const parts = terms.map(() => `(to_tsquery('simple', ?) || to_tsquery('norwegian', ?))`);
  const bindings = terms.flatMap((t) => [`${t}:*`, `${t}:*`]);
  return db.knex.raw(`(${parts.join(' && ')})`, bindings);
}

/** A subquery of the ids of one kind matching all terms, for `x.id in (…)` filters. */
export function matchingIds(db: Db, kind: SearchKindName, terms: string[]): Knex.Raw {
  const code = SearchKind[kind];
  if (db.dialect === 'sqlite') {
    return db.knex.raw(`select rowid / 8 from search_document where search_document match ? and rowid % 8 = ${code}`, [
      ftsMatch(terms),
    ]);
  }
  return db.knex.raw(`select ref_id from search_document where kind = ${code} and document @@ ?`, [tsQuery(db, terms)]);
}

/**
 * The index holds drafts too: the condition (over an announcement document's row id expression)
 * that leaves out the announcements the reader may not see, or null when it may see all.
 */
function hiddenDraftsExcluded(db: Db, idExpr: string, visibility: DraftVisibility): Knex.Raw | null {
  const visible = visibleAnnouncementSql(db, visibility);
  if (!visible) return null;
  return db.knex.raw(`${idExpr} not in (select a.id from announcement a where not ?)`, [visible]);
}

const toHit = (docId: number, rank: number): SearchHitRow => ({
  docId,
  kind: KIND_NAMES[docId % 8],
  id: Math.floor(docId / 8),
  rank,
});

/**
 * A hit's rank is its tier: every word in its name or title (TITLE_TIER) or not (OTHER_TIER).
 * Within a tier, hits come by kind (clusters, organizations, partners, announcements: the tabs'
 * order), and within a kind newest first (by document id). Each (tier, kind) group is an order an
 * index can deliver, so a page reads a few rows of the groups it reaches instead of ranking every match.
 */
export const TITLE_TIER = 1;
export const OTHER_TIER = 0;
const TIERS = [TITLE_TIER, OTHER_TIER] as const;

/** Counts stop here: beyond it a type's count is this many and flagged inexact ("1,000+"). */
export const SEARCH_COUNT_CAP = 1000;

/** PostgreSQL: the title's words of a document (weight A), as indexed by search_document_title_index. */
const TITLE_VECTOR = (alias: string) => `ts_filter(${alias}.document, '{a}')`;

/** One group of hits, in page order: a tier and a kind. */
interface HitGroup {
  tier: number;
  kind: SearchKindName;
}

/** The groups of a search in page order (forward). */
const hitGroups = (filter: SearchFilter): HitGroup[] => TIERS.flatMap((tier) => filter.kinds.map((kind) => ({ tier, kind })));

/** Compares groups in page order: negative when `a` comes first. */
const groupOrder = (a: { tier: number; code: number }, b: { tier: number; code: number }) => b.tier - a.tier || a.code - b.code;

/**
 * The SQL condition (in the window's direction) for the rows of one group after the cursor: ''
 * when the whole group is, null when none of it is.
 */
function groupAfterCursor(
  group: HitGroup,
  window: SearchWindow,
  docIdColumn: string,
): { sql: string; bindings: number[] } | null {
  if (!window.after) return { sql: '', bindings: [] };
  const { rank, docId } = window.after;
  const order = groupOrder({ tier: group.tier, code: SearchKind[group.kind] }, { tier: rank, code: docId % 8 });
  if (order !== 0) return order > 0 === window.forward ? { sql: '', bindings: [] } : null;
  return { sql: ` and ${docIdColumn} ${window.forward ? '<' : '>'} ?`, bindings: [docId] };
}

/** SQLite: one group's hits, a page's worth, as FTS5 delivers them (in rowid order). */
function sqliteGroup(db: Db, filter: SearchFilter, group: HitGroup, window: SearchWindow): Knex.Raw | null {
  const keyset = groupAfterCursor(group, window, 'rowid');
  if (!keyset) return null;
  const all = ftsMatch(filter.terms);
  const match = group.tier === TITLE_TIER ? `title : (${all})` : `(${all}) NOT title : (${all})`;
  const code = SearchKind[group.kind];
  const bindings: Knex.RawBinding[] = [match];
  const hidden = group.kind === 'Announcement' ? hiddenDraftsExcluded(db, 'rowid / 8', filter.visibility) : null;
  if (hidden) bindings.push(hidden);
  bindings.push(...keyset.bindings);
  return db.knex.raw(
    `select * from (select rowid as doc_id, ${group.tier} as rank from search_document
      where search_document match ? and rowid % 8 = ${code}${hidden ? ' and ?' : ''}${keyset.sql}
      order by rowid ${window.forward ? 'desc' : 'asc'} limit ${window.limit + 1})`,
    bindings,
  );
}

/** PostgreSQL: how many rows of a kind a group reads in index order before it asks a GIN index instead. */
const WINDOW_ROWS = 2000;

/**
 * PostgreSQL: one group's hits (from its kind's partition), a page's worth, in two parts the page
 * reads in turn: the hits among the kind's first WINDOW_ROWS rows in document id order (a few
 * dozen rows hold a page of a common word), then, only when those are too few and the kind has
 * more rows, the hits beyond them, found through a GIN index and sorted. Neither part depends on
 * the planner guessing how many documents match (it cannot tell how many match outside the title).
 */
function postgresGroup(db: Db, filter: SearchFilter, group: HitGroup, window: SearchWindow, index: number) {
  const keyset = groupAfterCursor(group, window, 'doc_id');
  if (!keyset) return null;
  const cte = `window_${index}`;
  const code = SearchKind[group.kind];
  const q = () => tsQuery(db, filter.terms);
  const matchOf = (alias: string): [string, Knex.RawBinding[]] =>
    group.tier === TITLE_TIER
      ? [`${TITLE_VECTOR(alias)} @@ ?`, [q()]]
      : [`${alias}.document @@ ? and not ${TITLE_VECTOR(alias)} @@ ?`, [q(), q()]];
  const hidden = group.kind === 'Announcement' ? hiddenDraftsExcluded(db, 'ref_id', filter.visibility) : null;
  const [dir, beyond, edge] = window.forward ? ['desc', '<', 'min'] : ['asc', '>', 'max'];
  const limit = window.limit + 1;
  const [inWindow, inWindowBindings] = matchOf('w');
  const [inTable, inTableBindings] = matchOf('d');
  const visible = hidden ? ' and ?' : '';
  return {
    with: db.knex.raw(
      `${cte} as (select doc_id, ref_id, document from search_document where kind = ${code}${keyset.sql} order by doc_id ${dir} limit ${WINDOW_ROWS})`,
      keyset.bindings,
    ),
    // The window's rows come in its order (a CTE scan keeps it), so no sort reads all of them.
    hits: db.knex.raw(
      `(select w.doc_id, ${group.tier} as rank from ${cte} as w where ${inWindow}${visible} limit ${limit})
      union all
      (select d.doc_id, ${group.tier} from search_document as d where d.kind = ${code} and ${inTable}${visible}
         and (select count(*) from ${cte}) = ${WINDOW_ROWS} and d.doc_id ${beyond} (select ${edge}(doc_id) from ${cte})
       order by d.doc_id + 0 ${dir} limit ${limit})`,
      [...inWindowBindings, ...(hidden ? [hidden] : []), ...inTableBindings, ...(hidden ? [hidden] : [])],
    ),
  };
}

/**
 * One page (limit + 1 rows) of hits in page order (see TITLE_TIER), or the reverse when paging
 * backwards; `after` is the cursor's position, exclusive. The groups are a UNION ALL in page
 * order under one LIMIT, with no sort above them: both databases read the parts in turn and stop
 * once the page is full, so groups past the page are never read.
 */
export async function searchPage(db: Db, filter: SearchFilter, window: SearchWindow): Promise<SearchHitRow[]> {
  const groups = window.forward ? hitGroups(filter) : hitGroups(filter).reverse();
  const limit = `limit ${window.limit + 1}`;
  let sql: Knex.Raw;
  if (db.dialect === 'sqlite') {
    const parts = groups.map((group) => sqliteGroup(db, filter, group, window)).filter((p) => p !== null);
    if (parts.length === 0) return [];
    sql = db.knex.raw(
      `select hits.doc_id as "docId", hits.rank as "rank" from (${parts.map(() => '?').join(' union all ')}) as hits ${limit}`,
      parts,
    );
  } else {
    const parts = groups.map((group, i) => postgresGroup(db, filter, group, window, i)).filter((p) => p !== null);
    if (parts.length === 0) return [];
    sql = db.knex.raw(
      `with ${parts.map(() => '?').join(', ')}
       select hits.doc_id as "docId", hits.rank as "rank" from (${parts.map(() => '?').join(' union all ')}) as hits ${limit}`,
      [...parts.map((p) => p.with), ...parts.map((p) => p.hits)],
    );
  }
  const rows = await db.rows<{ docId: number | string; rank: number | string }>(sql);
  return rows.map((r) => toHit(Number(r.docId), Number(r.rank)));
}

/**
 * How many documents of each kind match (kinds with none are absent), each counted up to
 * SEARCH_COUNT_CAP + 1, in one statement: a count stops early, so a common word costs no more than
 * a rare one (PostgreSQL reads each kind's partition in whichever way its statistics say is
 * cheaper for that many).
 */
export async function countSearchHits(db: Db, filter: SearchFilter): Promise<Map<SearchKindName, number>> {
  const counts = (Object.keys(SearchKind) as SearchKindName[]).map((kind) => {
    const code = SearchKind[kind];
    const hidden =
      kind === 'Announcement'
        ? hiddenDraftsExcluded(db, db.dialect === 'sqlite' ? 'rowid / 8' : 'ref_id', filter.visibility)
        : null;
    const [match, matchBinding] =
      db.dialect === 'sqlite'
        ? [`search_document match ? and rowid % 8 = ${code}`, ftsMatch(filter.terms)]
        : [`kind = ${code} and document @@ ?`, tsQuery(db, filter.terms)];
    return db.knex.raw(
      `select ${code} as kind, count(*) as count from (select 1 from search_document where ${match}${hidden ? ' and ?' : ''} limit ${SEARCH_COUNT_CAP + 1}) as hits`,
      hidden ? [matchBinding, hidden] : [matchBinding],
    );
  });
  const rows = await db.rows<{ kind: number | string; count: number | string }>(
    db.knex.raw(counts.map(() => (db.dialect === 'sqlite' ? 'select * from (?)' : '(?)')).join(' union all '), counts),
  );
  return new Map(rows.filter((r) => Number(r.count) > 0).map((r) => [KIND_NAMES[Number(r.kind)], Number(r.count)]));
}

/** The highlighted parts of one hit: the title column (name or title) and the rest of its text. */
export interface HitHighlightRow {
  docId: number;
  /** Null when the part is empty. */
  title: string | null;
  body: string | null;
}

const SNIPPET_WORDS = 24;

/** PostgreSQL: the searched text of each kind, read from its source rows (as the search triggers put it together). */
const SOURCE_TEXT: Record<SearchKindName, string> = {
  Cluster: `select c.id * 8 + 1 as doc_id, c.name as title, concat_ws(' ', c.description, c.city, c.county,
      (select string_agg(s.sector, ' ' order by s.position) from cluster_sector s where s.cluster_id = c.id)) as body
    from cluster c where c.id = any(?)`,
  Organization: `select o.id * 8 + 2, o.name, concat_ws(' ', o.city, o.county, o.org_number) from organization o where o.id = any(?)`,
  PartnerInstitution: `select p.id * 8 + 3, p.name, concat_ws(' ', p.city, p.org_number) from partner_institution p where p.id = any(?)`,
  Announcement: 'select a.id * 8 + 4, a.title, a.body from announcement a where a.id = any(?)',
};

/**
 * The matched words of the given hits marked (MARK_START … MARK_END) in their title column
 * (whole) and in a short snippet of the rest of their text, in one statement: FTS5's highlight()
 * and snippet() on SQLite; ts_headline over the source rows on PostgreSQL (stemmed words first,
 * then exact ones, as the index holds both). A part with no mark did not match.
 */
export async function searchHighlights(
  db: Db,
  terms: readonly string[],
  hits: readonly SearchHitRow[],
): Promise<HitHighlightRow[]> {
  if (hits.length === 0) return [];
  if (db.dialect === 'sqlite') {
    const docIds = [...new Set(hits.map((h) => h.docId))];
    return db.rows<HitHighlightRow>(
      db.knex.raw(
        `select rowid as "docId", highlight(search_document, 0, ?, ?) as "title",
           snippet(search_document, 1, ?, ?, '…', ${SNIPPET_WORDS}) as "body"
         from search_document where search_document match ? and rowid in (${docIds.map(() => '?').join(', ')})`,
        [MARK_START, MARK_END, MARK_START, MARK_END, ftsMatch(terms), ...docIds],
      ),
    );
  }
  const sources: string[] = [];
  const bindings: Knex.RawBinding[] = [tsQuery(db, terms)];
  for (const kind of Object.keys(SearchKind) as SearchKindName[]) {
    const ids = [...new Set(hits.filter((h) => h.kind === kind).map((h) => h.id))];
    if (ids.length === 0) continue;
    sources.push(SOURCE_TEXT[kind]);
    bindings.push(ids as unknown as Knex.Value);
  }
  const marks = `StartSel=${MARK_START}, StopSel=${MARK_END}`;
  const options = {
    title: `${marks}, HighlightAll=true`,
    body: `${marks}, MaxWords=${SNIPPET_WORDS}, MinWords=${SNIPPET_WORDS / 2}, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`,
  };
  // The marks are stripped from the text first, so only ts_headline's own can be in its answer; `<`
  // goes in as LESS_THAN, so the parser sees no tags to drop.
  const headline = (config: string, part: 'title' | 'body') =>
    `ts_headline('${config}', translate(source.${part}, '<${MARK_START}${MARK_END}', '${LESS_THAN}'), query.q, '${options[part]}')`;
  // Stemmed words first; the norwegian configuration's stop words match only as exact words, so a
  // part without a mark is tried again with `simple`.
  const marked = (part: 'title' | 'body') =>
    `case when source.${part} = '' then null when strpos(stemmed.${part}, '${MARK_START}') > 0 then stemmed.${part}
       else ${headline('simple', part)} end as "${part}"`;
  const rows = await db.rows<{ docId: number | string; title: string | null; body: string | null }>(
    db.knex.raw(
      `select source.doc_id as "docId", ${marked('title')}, ${marked('body')}
       from (select ? as q) as query
       cross join (${sources.join(' union all ')}) as source (doc_id, title, body)
       cross join lateral (select ${headline('norwegian', 'title')} as title, ${headline('norwegian', 'body')} as body) as stemmed`,
      bindings,
    ),
  );
  return rows.map((r) => ({ docId: Number(r.docId), title: r.title, body: r.body }));
}
