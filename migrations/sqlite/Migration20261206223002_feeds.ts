import { Migration } from '@mikro-orm/migrations';

// News feeds: the `feed` table, an announcement's feed and item id (unique per feed), `nn` as a
// language and FEED as a provenance of announcements, and how each mention was matched.
//
// SQLite cannot change a column's check in place (the generator leaves the enum changes out), so
// `announcement` is rebuilt by hand as in the drafts migration: migrations run in a transaction,
// where `pragma foreign_keys = off` does nothing, so the mentions are kept aside and put back, and
// the table's indexes and search triggers are made again. Dropping a table fires no triggers.

const COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'version',
  'slug',
  'title',
  'body',
  'language',
  'published_at',
  'kind',
  'source_url',
  'provenance',
  'status',
];

const definition = (languages: string, provenances: string) => [
  '`id` integer not null primary key autoincrement',
  '`created_at` datetime not null',
  '`updated_at` datetime not null',
  '`version` integer not null default 1',
  '`slug` text not null',
  '`title` text not null',
  '`body` text not null',
  `\`language\` text check (\`language\` in (${languages})) not null`,
  '`published_at` datetime null',
  "`kind` text check (`kind` in ('ADMISSION', 'LEVEL_CHANGE', 'NEWS', 'POLICY')) not null",
  '`source_url` text null',
  `\`provenance\` text check (\`provenance\` in (${provenances})) not null default 'MANUAL'`,
  "`status` text check (`status` in ('DRAFT', 'PUBLISHED')) not null default 'PUBLISHED'",
];

const WITH_FEEDS = [
  ...definition("'nb', 'nn', 'en'", "'SOURCE', 'DEMO', 'IMPORT', 'MANUAL', 'FEED'"),
  '`feed_id` integer null constraint `announcement_feed_id_foreign` references `feed` (`id`) on update cascade on delete set null',
  '`feed_item_id` text null',
];
const WITHOUT_FEEDS = definition("'nb', 'en'", "'SOURCE', 'DEMO', 'IMPORT', 'MANUAL'");
const FEED_INDEXES = [
  'create index `announcement_feed_id_index` on `announcement` (`feed_id`);',
  'create unique index `announcement_feed_id_feed_item_id_unique` on `announcement` (`feed_id`, `feed_item_id`);',
];

const announcementDoc = 'insert into search_document (rowid, title, body) values (new.id * 8 + 4, new.title, new.body);';

/** Rebuilds `announcement` with the given column definitions, copying `COLUMNS` (new columns are null). */
function rebuildAnnouncement(columns: string[], extraIndexes: string[]): string[] {
  const list = COLUMNS.map((c) => `\`${c}\``).join(', ');
  return [
    'create table `announcement_cluster__keep` as select * from `announcement_cluster`;',
    `create table \`announcement__temp_alter\` (${columns.join(', ')});`,
    `insert into \`announcement__temp_alter\` (${list}) select ${list} from \`announcement\`;`,
    // keep the id counter where it was, so ids are never reused
    `update sqlite_sequence set seq = max(seq, coalesce((select s.seq from sqlite_sequence s where s.name = 'announcement'), 0)) where name = 'announcement__temp_alter';`,
    'drop table `announcement`;',
    'alter table `announcement__temp_alter` rename to `announcement`;',
    'create unique index `announcement_slug_unique` on `announcement` (`slug`);',
    'create index `announcement_kind_published_at_index` on `announcement` (`kind`, `published_at`);',
    'create index `announcement_published_at_id_index` on `announcement` (`published_at`, `id`);',
    ...extraIndexes,
    'insert into `announcement_cluster` select * from `announcement_cluster__keep`;',
    'drop table `announcement_cluster__keep`;',
    `create trigger search_announcement_ai after insert on announcement begin ${announcementDoc} end;`,
    `create trigger search_announcement_au after update on announcement begin delete from search_document where rowid = old.id * 8 + 4; ${announcementDoc} end;`,
    'create trigger search_announcement_ad after delete on announcement begin delete from search_document where rowid = old.id * 8 + 4; end;',
  ];
}

export class Migration20261206223002_feeds extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create table `feed` (`id` integer not null primary key autoincrement, `created_at` datetime not null, `updated_at` datetime not null, `version` integer not null default 1, `url` text not null, `title` text null, `etag` text null, `last_modified` text null, `last_fetched_at` datetime null, `failures` integer not null default 0, `last_error` text null, `next_fetch_at` datetime null);',
    );
    this.addSql('create unique index `feed_url_unique` on `feed` (`url`);');
    this.addSql(
      "alter table `announcement_cluster` add column `matched_by` text check (`matched_by` in ('MANUAL', 'NAME', 'SLUG', 'FORMER_NAME', 'SHORT_NAME')) not null default 'MANUAL';",
    );
    this.addSql('alter table `announcement_cluster` add column `matched_text` text null;');
    for (const sql of rebuildAnnouncement(WITH_FEEDS, FEED_INDEXES)) this.addSql(sql);
  }

  /** Refused (the checks fail) while announcements in Nynorsk or from feeds exist. */
  override async down(): Promise<void> {
    for (const sql of rebuildAnnouncement(WITHOUT_FEEDS, [])) this.addSql(sql);
    this.addSql('alter table `announcement_cluster` drop column `matched_text`;');
    this.addSql('alter table `announcement_cluster` drop column `matched_by`;');
    this.addSql('drop table `feed`;');
  }
}
