import { Migration } from '@mikro-orm/migrations';

export class Migration20261206222501_webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`webhook\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`version\` integer not null default 1, \`url\` text not null, \`events\` json not null, \`cluster_ids\` json not null, \`levels\` json null, \`description\` text null, \`secret\` text not null, \`enabled\` integer not null default true, \`disabled_reason\` text null, \`created_position\` bigint not null, \`cursor\` bigint not null, \`next_attempt_at\` datetime null, \`failing_since\` datetime null, \`lease_owner\` text null, \`lease_until\` datetime null);`,
    );
    this.addSql(`create index \`webhook_enabled_cursor_index\` on \`webhook\` (\`enabled\`, \`cursor\`);`);

    this.addSql(
      `create table \`webhook_delivery\` (\`id\` integer not null primary key autoincrement, \`webhook_id\` integer not null, \`kind\` text check (\`kind\` in ('EVENT', 'REDELIVERY', 'PING')) not null, \`event_position\` bigint null, \`attempt\` integer not null, \`status\` text check (\`status\` in ('PENDING', 'DELIVERED', 'FAILED')) not null, \`http_status\` integer null, \`duration_ms\` integer null, \`response_excerpt\` text null, \`next_attempt_at\` datetime null, \`created_at\` datetime not null, constraint \`webhook_delivery_webhook_id_foreign\` foreign key(\`webhook_id\`) references \`webhook\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create index \`webhook_delivery_webhook_id_index\` on \`webhook_delivery\` (\`webhook_id\`);`);
    this.addSql(`create index \`webhook_delivery_status_kind_index\` on \`webhook_delivery\` (\`status\`, \`kind\`);`);
    this.addSql(
      `create index \`webhook_delivery_webhook_id_event_position_attempt_index\` on \`webhook_delivery\` (\`webhook_id\`, \`event_position\`, \`attempt\`);`,
    );
    this.addSql(`create index \`webhook_delivery_webhook_id_id_index\` on \`webhook_delivery\` (\`webhook_id\`, \`id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`webhook_delivery\`;`);
    this.addSql(`drop table if exists \`webhook\`;`);
  }
}
