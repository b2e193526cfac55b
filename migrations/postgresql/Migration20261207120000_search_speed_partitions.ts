import { Migration } from '@mikro-orm/migrations';

// Hand-written. Search ranks a match in the name or title before a match elsewhere, then by
// document id, so a page is the first rows of an index order rather than every match ranked; and
// it counts each type up to a cap. Both need PostgreSQL to know how often a word occurs in each
// kind of document (a word common in announcements is often absent from organizations): the table
// is partitioned by kind, so every kind has its own statistics and indexes. A second GIN index
// holds the title's words (the vector's weight-A part) for the title tier. The unique key becomes
// (doc_id, kind), as a partitioned table's must hold its partition key (doc_id alone is still
// unique: doc_id = row id * 8 + kind). Every row and vector is copied as it is.
const PUT = (
  conflict: string,
) => `create or replace function search_document_put(p_doc_id bigint, p_kind smallint, p_ref_id integer, p_title text, p_body text)
      returns void language sql as $$
        insert into search_document (doc_id, kind, ref_id, document)
        values (p_doc_id, p_kind, p_ref_id, search_document_vector(p_title, p_body))
        on conflict (${conflict}) do update set document = excluded.document
        where search_document.document is distinct from excluded.document
      $$;`;

/** search_document_sync() of Migration20261123024600_search, deleting by (doc_id, kind) or by doc_id alone. */
const SYNC = (deleteWhere: string) => `create or replace function search_document_sync() returns trigger language plpgsql as $$
      declare
        -- not "kind": PL/pgSQL would find that ambiguous with the column search_document.kind
        doc_kind smallint := tg_argv[0]::smallint;
        row_id integer := case when tg_op = 'DELETE' then old.id else new.id end;
      begin
        if tg_table_name = 'cluster_sector' then
          perform search_document_refresh_cluster(case when tg_op = 'DELETE' then old.cluster_id else new.cluster_id end);
          return null;
        end if;
        if tg_op = 'DELETE' then
          delete from search_document where ${deleteWhere};
          return null;
        end if;
        if tg_table_name = 'cluster' then
          perform search_document_refresh_cluster(new.id);
        elsif tg_table_name = 'organization' then
          perform search_document_put(new.id * 8 + doc_kind, doc_kind, new.id, new.name, concat_ws(' ', new.city, new.county, new.org_number));
        elsif tg_table_name = 'partner_institution' then
          perform search_document_put(new.id * 8 + doc_kind, doc_kind, new.id, new.name, concat_ws(' ', new.city, new.org_number));
        elsif tg_table_name = 'announcement' then
          perform search_document_put(new.id * 8 + doc_kind, doc_kind, new.id, new.title, new.body);
        end if;
        return null;
      end $$;`;

const KINDS = { cluster: 1, organization: 2, partner: 3, announcement: 4 } as const;

export class Migration20261207120000_search_speed_partitions extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table search_document rename to search_document_unpartitioned;');
    this.addSql('alter index search_document_pkey rename to search_document_unpartitioned_pkey;');
    this.addSql(`create table search_document (
      doc_id bigint not null,
      kind smallint not null,
      ref_id integer not null,
      document tsvector not null,
      primary key (doc_id, kind)
    ) partition by list (kind);`);
    for (const [name, kind] of Object.entries(KINDS)) {
      this.addSql(`create table search_document_${name} partition of search_document for values in (${kind});`);
    }
    this.addSql(
      'insert into search_document (doc_id, kind, ref_id, document) select doc_id, kind, ref_id, document from search_document_unpartitioned;',
    );
    this.addSql('drop table search_document_unpartitioned;');
    this.addSql('create index search_document_document_index on search_document using gin (document);');
    this.addSql(`create index search_document_title_index on search_document using gin (ts_filter(document, '{a}'));`);
    this.addSql('create index search_document_kind_ref_index on search_document (kind, ref_id);');
    this.addSql(PUT('doc_id, kind'));
    this.addSql(SYNC('doc_id = row_id * 8 + doc_kind and kind = doc_kind'));
    // The copied rows get their statistics now rather than from autovacuum later (an empty table needs none).
    this.addSql('do $$ begin if exists (select 1 from search_document) then analyze search_document; end if; end $$;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table search_document rename to search_document_partitioned;');
    this.addSql('alter index search_document_pkey rename to search_document_partitioned_pkey;');
    this.addSql(`create table search_document (
      doc_id bigint primary key,
      kind smallint not null,
      ref_id integer not null,
      document tsvector not null
    );`);
    this.addSql(
      'insert into search_document (doc_id, kind, ref_id, document) select doc_id, kind, ref_id, document from search_document_partitioned;',
    );
    this.addSql('drop table search_document_partitioned;');
    this.addSql('create index search_document_document_index on search_document using gin (document);');
    this.addSql('create index search_document_kind_ref_index on search_document (kind, ref_id);');
    this.addSql(PUT('doc_id'));
    this.addSql(SYNC('doc_id = row_id * 8 + doc_kind'));
  }
}
