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
 * The documents matching the filter, whatever their kind, with the reader's hidden drafts left
 * out, as SQL over `search_document` selecting the doc id, its kind code, and its rank (higher is
 * better; bm25 with titles weighing 10 times the rest on SQLite, ts_rank on PostgreSQL). `kinds`
 * narrows them unless null (counts group all kinds at once).
 */
function matches(db: Db, filter: SearchFilter, kinds: readonly SearchKindName[] | null, ranked: boolean): Knex.Raw {
  const codes = kinds?.map((k) => SearchKind[k]);
  if (db.dialect === 'sqlite') {
    const hidden = hiddenDraftsExcluded(db, 'rowid % 8', 'rowid / 8', filter.visibility);
    const conditions = ['search_document match ?'];
    const bindings: Knex.RawBinding[] = [ftsMatch(filter.terms)];
    if (codes && codes.length < 4) conditions.push(`rowid % 8 in (${codes.join(', ')})`);
    if (hidden) {
      conditions.push('?');
      bindings.push(hidden);
    }
    const rank = ranked ? ', -bm25(search_document, 10.0, 1.0) as rank' : '';
    return db.knex.raw(
      `select rowid as doc_id, rowid % 8 as kind${rank} from search_document where ${conditions.join(' and ')}`,
      bindings,
    );
  }
  const hidden = hiddenDraftsExcluded(db, 'kind', 'ref_id', filter.visibility);
  const conditions = ['document @@ query.q'];
  const bindings: Knex.RawBinding[] = [tsQuery(db, filter.terms)];
  // One array parameter: the statement text (and its prepared plan) is the same for any types.
  if (codes && codes.length < 4) {
    conditions.push('kind = any(?)');
    bindings.push(codes as unknown as Knex.Value);
  }
  if (hidden) {
    conditions.push('?');
    bindings.push(hidden);
  }
  const rank = ranked ? ', ts_rank(document, query.q) as rank' : '';
  return db.knex.raw(
    `select doc_id, kind${rank} from search_document, (select ? as q) as query where ${conditions.join(' and ')}`,
    bindings,
  );
}

/**
 * One page (limit + 1 rows) of hits, best first and then by doc id, or the reverse when paging
 * backwards; `after` is the cursor's position, exclusive.
 */
export async function searchPage(db: Db, filter: SearchFilter, window: SearchWindow): Promise<SearchHitRow[]> {
  const bindings: Knex.RawBinding[] = [matches(db, filter, filter.kinds, true)];
  let keyset = '';
  if (window.after) {
    // A PostgreSQL rank is a real: compared as one, it equals the rank it was read from.
    const rank = db.dialect === 'postgresql' ? 'cast(? as real)' : '?';
    const [worse, later] = window.forward ? ['<', '>'] : ['>', '<'];
    keyset = ` where (hits.rank ${worse} ${rank} or (hits.rank = ${rank} and hits.doc_id ${later} ?))`;
    bindings.push(window.after.rank, window.after.rank, window.after.docId);
  }
  const order = window.forward ? 'hits.rank desc, hits.doc_id asc' : 'hits.rank asc, hits.doc_id desc';
  // The limit is written into the text, as keyset.ts does: one generic plan per shape.
  const rows = await db.rows<{ docId: number | string; rank: number | string }>(
    db.knex.raw(
      `select hits.doc_id as "docId", hits.rank as "rank" from (?) as hits${keyset} order by ${order} limit ${window.limit + 1}`,
      bindings,
    ),
  );
  return rows.map((r) => toHit(Number(r.docId), Number(r.rank)));
}

/** How many documents of each kind match (kinds with none are absent), in one statement. */
export async function countSearchHits(db: Db, filter: SearchFilter): Promise<Map<SearchKindName, number>> {
  const rows = await db.rows<{ kind: number | string; count: number | string }>(
    db.knex.raw('select hits.kind as "kind", count(*) as "count" from (?) as hits group by hits.kind', [
      matches(db, filter, null, false),
    ]),
  );
  return new Map(rows.map((r) => [KIND_NAMES[Number(r.kind)], Number(r.count)]));
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
