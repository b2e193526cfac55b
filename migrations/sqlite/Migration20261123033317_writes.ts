import { Migration } from '@mikro-orm/migrations';

export class Migration20261123033317_writes extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`api_token\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`version\` integer not null default 1, \`name\` text not null, \`role\` text check (\`role\` in ('ADMIN', 'EDITOR', 'READER')) not null, \`token_hash\` text not null, \`token_prefix\` text not null, \`revoked_at\` datetime null, \`last_used_at\` datetime null);`,
    );
    this.addSql(`create unique index \`api_token_token_hash_unique\` on \`api_token\` (\`token_hash\`);`);

    this.addSql(
      `create table \`audit_entry\` (\`id\` integer not null primary key autoincrement, \`at\` datetime not null, \`actor_token_id\` integer null, \`actor_name\` text not null, \`action\` text not null, \`entity_type\` text not null, \`entity_id\` integer not null, \`changes\` json not null, constraint \`audit_entry_actor_token_id_foreign\` foreign key(\`actor_token_id\`) references \`api_token\`(\`id\`) on delete set null on update cascade);`,
    );
    this.addSql(`create index \`audit_entry_actor_token_id_index\` on \`audit_entry\` (\`actor_token_id\`);`);
    this.addSql(
      `create index \`audit_entry_actor_token_id_at_id_index\` on \`audit_entry\` (\`actor_token_id\`, \`at\`, \`id\`);`,
    );
    this.addSql(`create index \`audit_entry_actor_name_at_id_index\` on \`audit_entry\` (\`actor_name\`, \`at\`, \`id\`);`);
    this.addSql(
      `create index \`audit_entry_entity_type_entity_id_at_id_index\` on \`audit_entry\` (\`entity_type\`, \`entity_id\`, \`at\`, \`id\`);`,
    );
    this.addSql(`create index \`audit_entry_at_id_index\` on \`audit_entry\` (\`at\`, \`id\`);`);

    this.addSql(
      `create table \`api_token_cluster\` (\`id\` integer not null primary key autoincrement, \`api_token_id\` integer not null, \`cluster_id\` integer not null, constraint \`api_token_cluster_api_token_id_foreign\` foreign key(\`api_token_id\`) references \`api_token\`(\`id\`) on delete cascade on update cascade, constraint \`api_token_cluster_cluster_id_foreign\` foreign key(\`cluster_id\`) references \`cluster\`(\`id\`) on update cascade);`,
    );
    this.addSql(`create index \`api_token_cluster_api_token_id_index\` on \`api_token_cluster\` (\`api_token_id\`);`);
    this.addSql(`create index \`api_token_cluster_cluster_id_index\` on \`api_token_cluster\` (\`cluster_id\`);`);
    this.addSql(
      `create unique index \`api_token_cluster_api_token_id_cluster_id_unique\` on \`api_token_cluster\` (\`api_token_id\`, \`cluster_id\`);`,
    );
  }

  override async down(): Promise<void> {
    for (const table of ['api_token_cluster', 'audit_entry', 'api_token']) {
      this.addSql(`drop table if exists \`${table}\`;`);
    }
  }
}
