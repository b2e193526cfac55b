import { Migration } from '@mikro-orm/migrations';

// A search document's tsvector moves from a generated column into a plain one, written through
// search_document_vector(title, body): the same expression, but one a bulk import can compute in a
// parallel query (a generated column is computed row by row by the inserting backend alone).
const VECTOR = `setweight(to_tsvector('simple', title), 'A') ||
        setweight(to_tsvector('norwegian', title), 'A') ||
        setweight(to_tsvector('norwegian', body), 'B') ||
        setweight(to_tsvector('simple', body), 'D')`;

export class Migration20261123170000_search_vector_function extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function search_document_vector(title text, body text) returns tsvector
      language sql immutable parallel safe as $$ select ${VECTOR} $$;`);
    // Keeps every stored vector; from now on search_document_put writes it.
    this.addSql('alter table search_document alter column document drop expression;');
    this.addSql('alter table search_document alter column document set not null;');
    this.addSql(`create or replace function search_document_put(p_doc_id bigint, p_kind smallint, p_ref_id integer, p_title text, p_body text)
      returns void language sql as $$
        insert into search_document (doc_id, kind, ref_id, title, body, document)
        values (p_doc_id, p_kind, p_ref_id, p_title, p_body, search_document_vector(p_title, p_body))
        on conflict (doc_id) do update set title = excluded.title, body = excluded.body, document = excluded.document
      $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create or replace function search_document_put(p_doc_id bigint, p_kind smallint, p_ref_id integer, p_title text, p_body text)
      returns void language sql as $$
        insert into search_document (doc_id, kind, ref_id, title, body) values (p_doc_id, p_kind, p_ref_id, p_title, p_body)
        on conflict (doc_id) do update set title = excluded.title, body = excluded.body
      $$;`);
    this.addSql('drop index search_document_document_index;');
    this.addSql('alter table search_document drop column document;');
    this.addSql(`alter table search_document add column document tsvector generated always as (${VECTOR}) stored;`);
    this.addSql('create index search_document_document_index on search_document using gin (document);');
    this.addSql('drop function search_document_vector(text, text);');
  }
}
