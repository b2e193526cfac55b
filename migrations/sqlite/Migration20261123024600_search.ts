import { Migration } from '@mikro-orm/migrations';

// Full-text search over clusters, organizations, partners and announcements (hand-written: the ORM
// does not model FTS5). One FTS5 table, kept in sync by triggers. rowid = id * 8 + kind, kinds:
// 1 cluster, 2 organization, 3 partner institution, 4 announcement. unicode61 folds case, and with
// remove_diacritics 0 keeps æ, ø and å as the letters they are in Norwegian.
const clusterDoc = (id: string) => `
  delete from search_document where rowid = ${id} * 8 + 1;
  insert into search_document (rowid, title, body)
    select c.id * 8 + 1, c.name,
           coalesce(c.description, '') || ' ' || c.city || ' ' || c.county || ' ' ||
           coalesce((select group_concat(s.sector, ' ') from cluster_sector s where s.cluster_id = c.id), '')
    from cluster c where c.id = ${id};`;

export class Migration20261123024600_search extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create virtual table search_document using fts5(title, body, tokenize = "unicode61 remove_diacritics 0");`);

    this.addSql(`create trigger search_cluster_ai after insert on cluster begin ${clusterDoc('new.id')} end;`);
    this.addSql(`create trigger search_cluster_au after update on cluster begin ${clusterDoc('new.id')} end;`);
    this.addSql(
      `create trigger search_cluster_ad after delete on cluster begin delete from search_document where rowid = old.id * 8 + 1; end;`,
    );
    this.addSql(
      `create trigger search_cluster_sector_ai after insert on cluster_sector begin ${clusterDoc('new.cluster_id')} end;`,
    );
    this.addSql(
      `create trigger search_cluster_sector_ad after delete on cluster_sector begin ${clusterDoc('old.cluster_id')} end;`,
    );

    const orgDoc = `insert into search_document (rowid, title, body) values (new.id * 8 + 2, new.name,
      coalesce(new.city, '') || ' ' || coalesce(new.county, '') || ' ' || new.org_number);`;
    this.addSql(`create trigger search_organization_ai after insert on organization begin ${orgDoc} end;`);
    this.addSql(
      `create trigger search_organization_au after update on organization begin delete from search_document where rowid = old.id * 8 + 2; ${orgDoc} end;`,
    );
    this.addSql(
      `create trigger search_organization_ad after delete on organization begin delete from search_document where rowid = old.id * 8 + 2; end;`,
    );

    const partnerDoc = `insert into search_document (rowid, title, body) values (new.id * 8 + 3, new.name,
      coalesce(new.city, '') || ' ' || coalesce(new.org_number, ''));`;
    this.addSql(`create trigger search_partner_ai after insert on partner_institution begin ${partnerDoc} end;`);
    this.addSql(
      `create trigger search_partner_au after update on partner_institution begin delete from search_document where rowid = old.id * 8 + 3; ${partnerDoc} end;`,
    );
    this.addSql(
      `create trigger search_partner_ad after delete on partner_institution begin delete from search_document where rowid = old.id * 8 + 3; end;`,
    );

    const announcementDoc = `insert into search_document (rowid, title, body) values (new.id * 8 + 4, new.title, new.body);`;
    this.addSql(`create trigger search_announcement_ai after insert on announcement begin ${announcementDoc} end;`);
    this.addSql(
      `create trigger search_announcement_au after update on announcement begin delete from search_document where rowid = old.id * 8 + 4; ${announcementDoc} end;`,
    );
    this.addSql(
      `create trigger search_announcement_ad after delete on announcement begin delete from search_document where rowid = old.id * 8 + 4; end;`,
    );
  }

  override async down(): Promise<void> {
    for (const t of [
      'cluster_ai',
      'cluster_au',
      'cluster_ad',
      'cluster_sector_ai',
      'cluster_sector_ad',
      'organization_ai',
      'organization_au',
      'organization_ad',
      'partner_ai',
      'partner_au',
      'partner_ad',
      'announcement_ai',
      'announcement_au',
      'announcement_ad',
    ]) {
      this.addSql(`drop trigger if exists search_${t};`);
    }
    this.addSql('drop table if exists search_document;');
  }
}
