import { Migration } from '@mikro-orm/migrations';

export class Migration20261206223004_feeds extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "feed" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "url" varchar(1000) not null, "title" varchar(300) null, "etag" varchar(300) null, "last_modified" varchar(100) null, "last_fetched_at" timestamptz null, "failures" int not null default 0, "last_error" text null, "next_fetch_at" timestamptz null);`,
    );
    this.addSql(`alter table "feed" add constraint "feed_url_unique" unique ("url");`);

    this.addSql(`alter table "announcement" drop constraint if exists "announcement_language_check";`);
    this.addSql(`alter table "announcement" drop constraint if exists "announcement_provenance_check";`);

    this.addSql(`alter table "announcement" add column "feed_id" int null, add column "feed_item_id" varchar(1000) null;`);
    this.addSql(
      `alter table "announcement" add constraint "announcement_feed_id_foreign" foreign key ("feed_id") references "feed" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "announcement" add constraint "announcement_language_check" check("language" in ('nb', 'nn', 'en'));`,
    );
    this.addSql(
      `alter table "announcement" add constraint "announcement_provenance_check" check("provenance" in ('SOURCE', 'DEMO', 'IMPORT', 'MANUAL', 'FEED'));`,
    );
    this.addSql(
      `alter table "announcement" add constraint "announcement_feed_id_feed_item_id_unique" unique ("feed_id", "feed_item_id");`,
    );

    this.addSql(
      `alter table "announcement_cluster" add column "matched_by" text check ("matched_by" in ('MANUAL', 'NAME', 'SLUG', 'FORMER_NAME', 'SHORT_NAME')) not null default 'MANUAL', add column "matched_text" varchar(300) null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "announcement" drop constraint "announcement_feed_id_foreign";`);

    this.addSql(`drop table if exists "feed" cascade;`);

    this.addSql(`alter table "announcement" drop constraint if exists "announcement_language_check";`);
    this.addSql(`alter table "announcement" drop constraint if exists "announcement_provenance_check";`);

    this.addSql(`alter table "announcement" drop constraint "announcement_feed_id_feed_item_id_unique";`);
    this.addSql(`alter table "announcement" drop column "feed_id", drop column "feed_item_id";`);

    this.addSql(`alter table "announcement" add constraint "announcement_language_check" check("language" in ('nb', 'en'));`);
    this.addSql(
      `alter table "announcement" add constraint "announcement_provenance_check" check("provenance" in ('SOURCE', 'DEMO', 'IMPORT', 'MANUAL'));`,
    );

    this.addSql(`alter table "announcement_cluster" drop column "matched_by", drop column "matched_text";`);
  }
}
