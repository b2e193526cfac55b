import { Migration } from '@mikro-orm/migrations';

// Announcement drafts: a `status` (existing rows are PUBLISHED, by the column default) and a
// nullable `published_at` (a draft has none).
//
// SQLite cannot drop a NOT NULL in place, and the generator leaves that change out, so the table is
// rebuilt by hand. Migrations run in a transaction, where `pragma foreign_keys = off` does nothing:
// dropping the old table would cascade to the mentions (announcement_cluster), so they are kept
// aside and put back. The rebuild drops the table's indexes and search triggers; both are made again.
// Dropping a table fires no triggers, so the search documents stay as they are.

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
];

const BASE_DEFINITION = [
  '`id` integer not null primary key autoincrement',
  '`created_at` datetime not null',
  '`updated_at` datetime not null',
  '`version` integer not null default 1',
  '`slug` text not null',
  '`title` text not null',
  '`body` text not null',
  "`language` text check (`language` in ('nb', 'en')) not null",
  'PUBLISHED_AT',
  "`kind` text check (`kind` in ('ADMISSION', 'LEVEL_CHANGE', 'NEWS', 'POLICY')) not null",
  '`source_url` text null',
  "`provenance` text check (`provenance` in ('SOURCE', 'DEMO', 'IMPORT', 'MANUAL')) not null default 'MANUAL'",
];

const WITH_DRAFTS = [
  ...BASE_DEFINITION.map((c) => (c === 'PUBLISHED_AT' ? '`published_at` datetime null' : c)),
  "`status` text check (`status` in ('DRAFT', 'PUBLISHED')) not null default 'PUBLISHED'",
];
const WITHOUT_DRAFTS = BASE_DEFINITION.map((c) => (c === 'PUBLISHED_AT' ? '`published_at` datetime not null' : c));

const announcementDoc = 'insert into search_document (rowid, title, body) values (new.id * 8 + 4, new.title, new.body);';

/** Rebuilds `announcement` with the given column definitions, copying `COLUMNS` (new columns take their default). */
function rebuildAnnouncement(columns: string[]): string[] {
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
    'insert into `announcement_cluster` select * from `announcement_cluster__keep`;',
    'drop table `announcement_cluster__keep`;',
    `create trigger search_announcement_ai after insert on announcement begin ${announcementDoc} end;`,
    `create trigger search_announcement_au after update on announcement begin delete from search_document where rowid = old.id * 8 + 4; ${announcementDoc} end;`,
    'create trigger search_announcement_ad after delete on announcement begin delete from search_document where rowid = old.id * 8 + 4; end;',
  ];
}

export class Migration20261123034113_announcement_drafts extends Migration {
  override async up(): Promise<void> {
    for (const sql of rebuildAnnouncement(WITH_DRAFTS)) this.addSql(sql);
  }

  /** Refused (NOT NULL fails) while drafts exist: an older schema has no way to keep them unpublished. */
  override async down(): Promise<void> {
    for (const sql of rebuildAnnouncement(WITHOUT_DRAFTS)) this.addSql(sql);
  }
}
