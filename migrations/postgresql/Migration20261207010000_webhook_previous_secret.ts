import { Migration } from '@mikro-orm/migrations';

// A rotated webhook secret keeps signing beside the new one for a while (zero-downtime rotation).
export class Migration20261207010000_webhook_previous_secret extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "webhook" add column "previous_secret" varchar(300) null, add column "previous_secret_until" timestamptz null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "webhook" drop column "previous_secret", drop column "previous_secret_until";`);
  }
}
