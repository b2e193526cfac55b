import { Migration } from '@mikro-orm/migrations';

export class Migration20261206222503_webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "webhook" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "url" varchar(2000) not null, "events" jsonb not null, "cluster_ids" jsonb not null, "levels" jsonb null, "description" varchar(500) null, "secret" varchar(300) not null, "enabled" boolean not null default true, "disabled_reason" varchar(500) null, "created_position" bigint not null, "cursor" bigint not null, "next_attempt_at" timestamptz null, "failing_since" timestamptz null, "lease_owner" varchar(100) null, "lease_until" timestamptz null);`,
    );
    this.addSql(`create index "webhook_enabled_cursor_index" on "webhook" ("enabled", "cursor");`);

    this.addSql(
      `create table "webhook_delivery" ("id" serial primary key, "webhook_id" int not null, "kind" text check ("kind" in ('EVENT', 'REDELIVERY', 'PING')) not null, "event_position" bigint null, "attempt" int not null, "status" text check ("status" in ('PENDING', 'DELIVERED', 'FAILED')) not null, "http_status" int null, "duration_ms" int null, "response_excerpt" varchar(1000) null, "next_attempt_at" timestamptz null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "webhook_delivery_status_kind_index" on "webhook_delivery" ("status", "kind");`);
    this.addSql(
      `create index "webhook_delivery_webhook_id_event_position_attempt_index" on "webhook_delivery" ("webhook_id", "event_position", "attempt");`,
    );
    this.addSql(`create index "webhook_delivery_webhook_id_id_index" on "webhook_delivery" ("webhook_id", "id");`);

    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_webhook_id_foreign" foreign key ("webhook_id") references "webhook" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "webhook_delivery" drop constraint "webhook_delivery_webhook_id_foreign";`);

    this.addSql(`drop table if exists "webhook" cascade;`);

    this.addSql(`drop table if exists "webhook_delivery" cascade;`);
  }
}
