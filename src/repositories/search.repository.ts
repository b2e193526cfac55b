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
 * The index holds drafts too: the condition (over the search table's `kind` and `id` expressions)
 * that leaves out the announcements the reader may not see, or null when it may see all.
 */
function hiddenDraftsExcluded(db: Db, kindExpr: string, idExpr: string, visibility: DraftVisibility): Knex.Raw | null {
  const visible = visibleAnnouncementSql(db, visibility);
  if (!visible) return null;
  return db.knex.raw(
    `(${kindExpr} <> ${SearchKind.Announcement} or ${idExpr} not in (select a.id from announcement a where not ?))`,
    [visible],
  );
}

const toHit = (docId: number, rank: number): SearchHitRow => ({
  docId,
  kind: KIND_NAMES[docId % 8],
  id: Math.floor(docId / 8),
  rank,
});

/**
 * A hit's rank is its tier: every word in its name or title (TITLE_TIER) or not (OTHER_TIER);
 * within a tier hits come by document id, newest rows first. Both are orders an index can deliver,
 * so a page reads a few rows of each tier instead of ranking every match.
 */
export const TITLE_TIER = 1;
export const OTHER_TIER = 0;
const TIERS = [TITLE_TIER, OTHER_TIER] as const;

/** Counts stop here: beyond it a type's count is this many and flagged inexact ("1,000+"). */
export const SEARCH_COUNT_CAP = 1000;

/** PostgreSQL: the title's words of a document (weight A), as indexed by search_document_title_index. */
const TITLE_VECTOR = (alias: string) => `ts_filter(${alias}.document, '{a}')`;

/**
 * The SQL condition (in the window's direction) for the rows of one tier after the cursor: '' when
 * the whole tier is, null when none is.
 */
function tierAfterCursor(tier: number, window: SearchWindow, docIdColumn: string): { sql: string; bindings: number[] } | null {
  if (!window.after) return { sql: '', bindings: [] };
  const { rank, docId } = window.after;
  if (tier !== rank) return (window.forward ? tier < rank : tier > rank) ? { sql: '', bindings: [] } : null;
  return { sql: ` and ${docIdColumn} ${window.forward ? '<' : '>'} ?`, bindings: [docId] };
}

/** SQLite: one tier's hits, a window's worth, as FTS5 delivers them (in rowid order). */
function sqliteTier(db: Db, filter: SearchFilter, tier: number, window: SearchWindow): Knex.Raw | null {
  const keyset = tierAfterCursor(tier, window, 'rowid');
  if (!keyset) return null;
  const all = ftsMatch(filter.terms);
  const match = tier === TITLE_TIER ? `title : (${all})` : `(${all}) NOT title : (${all})`;
  const conditions = ['search_document match ?'];
  const bindings: Knex.RawBinding[] = [match];
  const codes = filter.kinds.map((k) => SearchKind[k]);
  if (codes.length < 4) conditions.push(`rowid % 8 in (${codes.join(', ')})`);
  const hidden = hiddenDraftsExcluded(db, 'rowid % 8', 'rowid / 8', filter.visibility);
  if (hidden) {
    conditions.push('?');
    bindings.push(hidden);
  }
  bindings.push(...keyset.bindings);
  return db.knex.raw(
    `select * from (select rowid as doc_id, ${tier} as rank from search_document where ${conditions.join(' and ')}${keyset.sql}
      order by rowid ${window.forward ? 'desc' : 'asc'} limit ${window.limit + 1})`,
    bindings,
  );
}

/** PostgreSQL: how many rows of a kind a page reads in index order before it asks the GIN index instead. */
const windowRows = (limit: number) => Math.max(500, 20 * (limit + 1));

/**
 * PostgreSQL: one tier's hits of one kind (its partition), a window's worth: the first rows of the
 * kind in document id order are read and tested (a few dozen, for a common word); only when they
 * hold too few hits are the rest found through the GIN index and sorted. Neither path depends on
 * the planner guessing how many documents match (it cannot guess how many match elsewhere than
 * in the title).
 */
function postgresTier(db: Db, filter: SearchFilter, kind: SearchKindName, tier: number, window: SearchWindow, cte: string) {
  const keyset = tierAfterCursor(tier, window, 'doc_id');
  if (!keyset) return null;
  const code = SearchKind[kind];
  const q = () => tsQuery(db, filter.terms);
  const matchOf = (alias: string): [string, Knex.RawBinding[]] =>
    tier === TITLE_TIER
      ? [`${TITLE_VECTOR(alias)} @@ ?`, [q()]]
      : [`${alias}.document @@ ? and not ${TITLE_VECTOR(alias)} @@ ?`, [q(), q()]];
  const hidden = kind === 'Announcement' ? hiddenDraftsExcluded(db, `${code}`, 'ref_id', filter.visibility) : null;
  const visible = (): [string, Knex.RawBinding[]] => (hidden ? [' and ?', [hidden]] : ['', []]);
  const [dir, beyond, edge] = window.forward ? ['desc', '<', 'min'] : ['asc', '>', 'max'];
  const limit = window.limit + 1;
  const rows = windowRows(window.limit);
  const [windowMatch, windowMatchBindings] = matchOf('w');
  const [fullMatch, fullMatchBindings] = matchOf('d');
  const [hiddenW, hiddenWBindings] = visible();
  const [hiddenD, hiddenDBindings] = visible();
  const [hiddenC, hiddenCBindings] = visible();
  const [countMatch, countMatchBindings] = matchOf('w');
  return {
    with: db.knex.raw(
      `${cte} as (select doc_id, ref_id, document from search_document where kind = ${code}${keyset.sql} order by doc_id ${dir} limit ${rows})`,
      keyset.bindings,
    ),
    hits: db.knex.raw(
      `(select w.doc_id, ${tier} as rank from ${cte} as w where ${windowMatch}${hiddenW} order by w.doc_id ${dir} limit ${limit})
      union all
      (select d.doc_id, ${tier} from search_document as d where d.kind = ${code} and ${fullMatch}${hiddenD}
         and (select count(*) from ${cte}) = ${rows}
         and d.doc_id ${beyond} (select ${edge}(doc_id) from ${cte})
         and (select count(*) from ${cte} as w where ${countMatch}${hiddenC}) < ${limit}
       order by d.doc_id + 0 ${dir} limit ${limit})`,
      [
        ...windowMatchBindings,
        ...hiddenWBindings,
        ...fullMatchBindings,
        ...hiddenDBindings,
        ...countMatchBindings,
        ...hiddenCBindings,
      ],
    ),
  };
}

/**
 * One page (limit + 1 rows) of hits, best tier first and then by doc id descending, or the reverse
 * when paging backwards; `after` is the cursor's position, exclusive.
 */
export async function searchPage(db: Db, filter: SearchFilter, window: SearchWindow): Promise<SearchHitRow[]> {
  const [rankDir, idDir] = window.forward ? ['desc', 'desc'] : ['asc', 'asc'];
  const order = `order by hits.rank ${rankDir}, hits.doc_id ${idDir} limit ${window.limit + 1}`;
  let sql: Knex.Raw;
  if (db.dialect === 'sqlite') {
    const tiers = TIERS.map((tier) => sqliteTier(db, filter, tier, window)).filter((t) => t !== null);
    sql = db.knex.raw(
      `select hits.doc_id as "docId", hits.rank as "rank" from (${tiers.map(() => '?').join(' union all ')}) as hits ${order}`,
      tiers,
    );
  } else {
    const parts = filter.kinds
      .flatMap((kind) => TIERS.map((tier) => postgresTier(db, filter, kind, tier, window, `window_${SearchKind[kind]}_${tier}`)))
      .filter((p) => p !== null);
    if (parts.length === 0) return [];
    sql = db.knex.raw(
      `with ${parts.map(() => '?').join(', ')}
       select hits.doc_id as "docId", hits.rank as "rank" from (${parts.map(() => '?').join(' union all ')}) as hits ${order}`,
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
        ? db.dialect === 'sqlite'
          ? hiddenDraftsExcluded(db, `${code}`, 'rowid / 8', filter.visibility)
          : hiddenDraftsExcluded(db, `${code}`, 'ref_id', filter.visibility)
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
