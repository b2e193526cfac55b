import { Migration } from '@mikro-orm/migrations';

export class Migration20261123025753_natural_keys extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create unique index \`membership_cluster_id_organization_id_joined_on_unique\` on \`membership\` (\`cluster_id\`, \`organization_id\`, \`joined_on\`);`,
    );

    this.addSql(
      `create unique index \`partnership_cluster_id_partner_id_since_unique\` on \`partnership\` (\`cluster_id\`, \`partner_id\`, \`since\`);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists `membership_cluster_id_organization_id_joined_on_unique`;');
    this.addSql('drop index if exists `partnership_cluster_id_partner_id_since_unique`;');
  }
}
