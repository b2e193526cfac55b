import { Migration } from '@mikro-orm/migrations';

// Full-text search over clusters, organizations, partners and announcements (hand-written: the ORM
// does not model generated tsvector columns). One table kept in sync by triggers; doc_id = id * 8 +
// kind, kinds: 1 cluster, 2 organization, 3 partner institution, 4 announcement. Titles are indexed
// with the `simple` configuration (names are not Norwegian prose) and the `norwegian` one; bodies
// with `norwegian` (stemmed) and `simple` (exact words and name prefixes).
export class Migration20261123024600_search extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table search_document (
      doc_id bigint primary key,
      kind smallint not null,
      ref_id integer not null,
      title text not null,
      body text not null default '',
      document tsvector generated always as (
        setweight(to_tsvector('simple', title), 'A') ||
        setweight(to_tsvector('norwegian', title), 'A') ||
        setweight(to_tsvector('norwegian', body), 'B') ||
        setweight(to_tsvector('simple', body), 'D')
      ) stored
    );`);
    this.addSql('create index search_document_document_index on search_document using gin (document);');
    this.addSql('create index search_document_kind_ref_index on search_document (kind, ref_id);');

    this.addSql(`create function search_document_put(p_doc_id bigint, p_kind smallint, p_ref_id integer, p_title text, p_body text)
      returns void language sql as $$
        insert into search_document (doc_id, kind, ref_id, title, body) values (p_doc_id, p_kind, p_ref_id, p_title, p_body)
        on conflict (doc_id) do update set title = excluded.title, body = excluded.body
      $$;`);
    this.addSql(`create function search_document_refresh_cluster(p_id integer) returns void language sql as $$
        select search_document_put(c.id * 8 + 1, 1::smallint, c.id, c.name,
          concat_ws(' ', c.description, c.city, c.county,
            (select string_agg(s.sector, ' ' order by s.position) from cluster_sector s where s.cluster_id = c.id)))
        from cluster c where c.id = p_id
      $$;`);
    this.addSql(`create function search_document_sync() returns trigger language plpgsql as $$
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
          delete from search_document where doc_id = row_id * 8 + doc_kind;
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
      end $$;`);
    for (const [table, kind] of [
      ['cluster', 1],
      ['organization', 2],
      ['partner_institution', 3],
      ['announcement', 4],
      ['cluster_sector', 1],
    ] as const) {
      this.addSql(`create trigger search_document_sync after insert or update or delete on ${table}
        for each row execute function search_document_sync('${kind}');`);
    }
  }

  override async down(): Promise<void> {
    for (const table of ['cluster', 'organization', 'partner_institution', 'announcement', 'cluster_sector']) {
      this.addSql(`drop trigger if exists search_document_sync on ${table};`);
    }
    this.addSql('drop function if exists search_document_sync();');
    this.addSql('drop function if exists search_document_refresh_cluster(integer);');
    this.addSql('drop function if exists search_document_put(bigint, smallint, integer, text, text);');
    this.addSql('drop table if exists search_document;');
  }
}
