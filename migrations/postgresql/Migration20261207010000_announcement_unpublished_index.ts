import { Migration } from '@mikro-orm/migrations';

// Hand-written (a partial index; the entity declares it by its expression). Every search and
// announcement read leaves out the drafts a reader may not see with `id not in (drafts)`: without
// this index, finding the few drafts read every announcement (seconds at 100,000 announcements).
export class Migration20261207010000_announcement_unpublished_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index announcement_unpublished_index on announcement (id) where status <> 'PUBLISHED';`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index announcement_unpublished_index;');
  }
}
