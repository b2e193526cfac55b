import { Migration } from '@mikro-orm/migrations';

export class Migration20261123025753_natural_keys extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "membership" add constraint "membership_cluster_id_organization_id_joined_on_unique" unique ("cluster_id", "organization_id", "joined_on");`,
    );

    this.addSql(
      `alter table "partnership" add constraint "partnership_cluster_id_partner_id_since_unique" unique ("cluster_id", "partner_id", "since");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "membership" drop constraint "membership_cluster_id_organization_id_joined_on_unique";`);

    this.addSql(`alter table "partnership" drop constraint "partnership_cluster_id_partner_id_since_unique";`);
  }
}
