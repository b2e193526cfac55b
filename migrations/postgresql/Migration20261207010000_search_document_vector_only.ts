import { Migration } from '@mikro-orm/migrations';

// Hand-written. PostgreSQL's search documents keep only their vector: the title and body they
// were computed from stay in the source rows (cluster, organization, partner_institution,
// announcement), which search reads for anything it shows. A bulk import no longer writes every
// announcement's text a second time (about 140 MB at S=100). search_document_put keeps its
// signature (the triggers compute title and body as before) and writes only the vector, and only
// when it changed. Dropping the columns keeps every row and vector as it is; the space the text
// took is reused as rows are rewritten (or at once by a VACUUM FULL, which needs an exclusive lock).
const PUT_BEFORE = `create or replace function search_document_put(p_doc_id bigint, p_kind smallint, p_ref_id integer, p_title text, p_body text)
      returns void language sql as $$
        insert into search_document (doc_id, kind, ref_id, title, body, document)
        values (p_doc_id, p_kind, p_ref_id, p_title, p_body, search_document_vector(p_title, p_body))
        on conflict (doc_id) do update set title = excluded.title, body = excluded.body, document = excluded.document
      $$;`;

/** Each kind's (title, body) from its source row, as search_document_sync() computes them. */
const SOURCES: [kind: number, select: string][] = [
  [
    1,
    `select c.id, c.name as title, concat_ws(' ', c.description, c.city, c.county,
       (select string_agg(s.sector, ' ' order by s.position) from cluster_sector s where s.cluster_id = c.id)) as body
     from cluster c`,
  ],
  [2, `select o.id, o.name as title, concat_ws(' ', o.city, o.county, o.org_number) as body from organization o`],
  [3, `select p.id, p.name as title, concat_ws(' ', p.city, p.org_number) as body from partner_institution p`],
  [4, 'select a.id, a.title, a.body from announcement a'],
];

export class Migration20261207010000_search_document_vector_only extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function search_document_put(p_doc_id bigint, p_kind smallint, p_ref_id integer, p_title text, p_body text)
      returns void language sql as $$
        insert into search_document (doc_id, kind, ref_id, document)
        values (p_doc_id, p_kind, p_ref_id, search_document_vector(p_title, p_body))
        on conflict (doc_id) do update set document = excluded.document
        where search_document.document is distinct from excluded.document
      $$;`);
    this.addSql('alter table search_document drop column title, drop column body;');
  }

  override async down(): Promise<void> {
    this.addSql(`alter table search_document add column title text, add column body text not null default '';`);
    for (const [kind, select] of SOURCES) {
      this.addSql(`update search_document d set title = s.title, body = s.body
        from (${select}) s where d.kind = ${kind} and d.ref_id = s.id;`);
    }
    this.addSql('alter table search_document alter column title set not null;');
    this.addSql(PUT_BEFORE);
  }
}
