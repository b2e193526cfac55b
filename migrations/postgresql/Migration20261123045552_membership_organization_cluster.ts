import { Migration } from '@mikro-orm/migrations';

export class Migration20261123045552_membership_organization_cluster extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "membership_organization_id_cluster_id_index" on "membership" ("organization_id", "cluster_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "membership_organization_id_cluster_id_index";`);
  }
}
