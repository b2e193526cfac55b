import { Migration } from '@mikro-orm/migrations';

// Announcement drafts: a `status` (existing rows are PUBLISHED, by the column default) and a
// nullable `published_at` (a draft has none).
export class Migration20261123034113_announcement_drafts extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "announcement" add column "status" text check ("status" in ('DRAFT', 'PUBLISHED')) not null default 'PUBLISHED';`,
    );
    this.addSql(`alter table "announcement" alter column "published_at" type timestamptz using ("published_at"::timestamptz);`);
    this.addSql(`alter table "announcement" alter column "published_at" drop not null;`);
  }

  /** Refused (set not null fails) while drafts exist: an older schema has no way to keep them unpublished. */
  override async down(): Promise<void> {
    this.addSql(`alter table "announcement" drop column "status";`);

    this.addSql(
      `alter table "announcement" alter column "published_at" type timestamptz(6) using ("published_at"::timestamptz(6));`,
    );
    this.addSql(`alter table "announcement" alter column "published_at" set not null;`);
  }
}
