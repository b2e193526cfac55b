import type { Knex } from '@mikro-orm/knex';
import { type DraftVisibility, visibleAnnouncementSql } from './draft-visibility.js';
import type { Db } from './db.js';

/** Document kinds in search_document (doc id = row id * 8 + kind). */
export const SearchKind = { Cluster: 1, Organization: 2, PartnerInstitution: 3, Announcement: 4 } as const;
export type SearchKindName = keyof typeof SearchKind;

export interface SearchHitRow {
  kind: SearchKindName;
  id: number;
  rank: number;
}

const KIND_NAMES = Object.fromEntries(Object.entries(SearchKind).map(([name, code]) => [code, name])) as Record<
  number,
  SearchKindName
>;

/** SQLite FTS5: every term as a quoted prefix; terms are letters and digits only. */
const ftsMatch = (terms: string[]) => terms.map((t) => `"${t}"*`).join(' ');

/** PostgreSQL: each term matches unstemmed (simple) or stemmed (norwegian), as a prefix; all must match. */
function tsQuery(db: Db, terms: string[]): Knex.Raw {
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

/** The best matches across all kinds the reader may see, best first (bm25 on SQLite, ts_rank on PostgreSQL). */
export async function searchDocuments(
  db: Db,
  terms: string[],
  limit: number,
  visibility: DraftVisibility,
): Promise<SearchHitRow[]> {
  if (db.dialect === 'sqlite') {
    const hidden = hiddenDraftsExcluded(db, 'rowid % 8', 'rowid / 8', visibility);
    const rows = await db.rows<{ docId: number; rank: number }>(
      db.knex.raw(
        `select rowid as "docId", bm25(search_document, 10.0, 1.0) as "rank" from search_document
         where search_document match ?${hidden ? ' and ?' : ''} order by "rank", rowid limit ?`,
        hidden ? [ftsMatch(terms), hidden, limit] : [ftsMatch(terms), limit],
      ),
    );
    return rows.map((r) => ({ kind: KIND_NAMES[Number(r.docId) % 8], id: Math.floor(Number(r.docId) / 8), rank: -r.rank }));
  }
  const hidden = hiddenDraftsExcluded(db, 'kind', 'ref_id', visibility);
  const rows = await db.rows<{ kind: number; id: number; rank: number }>(
    db.knex.raw(
      `select kind, ref_id as id, ts_rank(document, q) as rank
       from search_document, ${'(select ? as q) as query'}
       where document @@ q${hidden ? ' and ?' : ''} order by rank desc, doc_id limit ?`,
      hidden ? [tsQuery(db, terms), hidden, limit] : [tsQuery(db, terms), limit],
    ),
  );
  return rows.map((r) => ({ kind: KIND_NAMES[Number(r.kind)], id: Number(r.id), rank: Number(r.rank) }));
}
