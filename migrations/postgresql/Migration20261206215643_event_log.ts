import { Migration } from '@mikro-orm/migrations';

export class Migration20261206215643_event_log extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "event_log_cluster" ("cluster_id" int not null, "position" bigint not null, constraint "event_log_cluster_pkey" primary key ("cluster_id", "position"));`,
    );
    this.addSql(`create index "event_log_cluster_position_index" on "event_log_cluster" ("position");`);

    this.addSql(
      `create table "event_log" ("position" bigint not null, "occurred_at" timestamptz not null, "type" varchar(30) not null, "kind" varchar(20) not null, "entity_id" int not null, "cluster_ids" jsonb not null, "changed_fields" jsonb not null, "facets" jsonb not null, constraint "event_log_pkey" primary key ("position"));`,
    );
    this.addSql(`create index "event_log_type_position_index" on "event_log" ("type", "position");`);
    this.addSql(`create index "event_log_occurred_at_index" on "event_log" ("occurred_at");`);

    this.addSql(
      `create table "event_log_state" ("id" int not null, "last_position" bigint not null, "pruned_through" bigint not null, constraint "event_log_state_pkey" primary key ("id"));`,
    );
    // The log's one state row (hand-written): positions are taken from it, under its row lock.
    this.addSql(`insert into "event_log_state" ("id", "last_position", "pruned_through") values (1, 0, 0);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "event_log_cluster" cascade;`);

    this.addSql(`drop table if exists "event_log" cascade;`);

    this.addSql(`drop table if exists "event_log_state" cascade;`);
  }
}
