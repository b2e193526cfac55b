import { Migration } from '@mikro-orm/migrations';

export class Migration20261206215643_event_log extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`event_log_cluster\` (\`cluster_id\` integer not null, \`position\` bigint not null, primary key (\`cluster_id\`, \`position\`));`,
    );
    this.addSql(`create index \`event_log_cluster_position_index\` on \`event_log_cluster\` (\`position\`);`);

    this.addSql(
      `create table \`event_log\` (\`position\` bigint not null, \`occurred_at\` datetime not null, \`type\` text not null, \`kind\` text not null, \`entity_id\` integer not null, \`cluster_ids\` json not null, \`changed_fields\` json not null, \`facets\` json not null, primary key (\`position\`));`,
    );
    this.addSql(`create index \`event_log_type_position_index\` on \`event_log\` (\`type\`, \`position\`);`);
    this.addSql(`create index \`event_log_occurred_at_index\` on \`event_log\` (\`occurred_at\`);`);

    this.addSql(
      `create table \`event_log_state\` (\`id\` integer not null, \`last_position\` bigint not null, \`pruned_through\` bigint not null, primary key (\`id\`));`,
    );
    // The log's one state row (hand-written): positions are taken from it; SQLite runs one writer at a time.
    this.addSql(`insert into \`event_log_state\` (\`id\`, \`last_position\`, \`pruned_through\`) values (1, 0, 0);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`event_log_cluster\`;`);
    this.addSql(`drop table if exists \`event_log\`;`);
    this.addSql(`drop table if exists \`event_log_state\`;`);
  }
}
