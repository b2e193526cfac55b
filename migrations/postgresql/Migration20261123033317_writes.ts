import { Migration } from '@mikro-orm/migrations';

export class Migration20261123033317_writes extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "api_token" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" varchar(100) not null, "role" text check ("role" in ('ADMIN', 'EDITOR', 'READER')) not null, "token_hash" varchar(64) not null, "token_prefix" varchar(8) not null, "revoked_at" timestamptz null, "last_used_at" timestamptz null);`,
    );
    this.addSql(`alter table "api_token" add constraint "api_token_token_hash_unique" unique ("token_hash");`);

    this.addSql(
      `create table "audit_entry" ("id" serial primary key, "at" timestamptz not null, "actor_token_id" int null, "actor_name" varchar(100) not null, "action" varchar(50) not null, "entity_type" varchar(50) not null, "entity_id" int not null, "changes" jsonb not null);`,
    );
    this.addSql(`create index "audit_entry_actor_token_id_at_id_index" on "audit_entry" ("actor_token_id", "at", "id");`);
    this.addSql(`create index "audit_entry_actor_name_at_id_index" on "audit_entry" ("actor_name", "at", "id");`);
    this.addSql(
      `create index "audit_entry_entity_type_entity_id_at_id_index" on "audit_entry" ("entity_type", "entity_id", "at", "id");`,
    );
    this.addSql(`create index "audit_entry_at_id_index" on "audit_entry" ("at", "id");`);

    this.addSql(
      `create table "api_token_cluster" ("id" serial primary key, "api_token_id" int not null, "cluster_id" int not null);`,
    );
    this.addSql(`create index "api_token_cluster_cluster_id_index" on "api_token_cluster" ("cluster_id");`);
    this.addSql(
      `alter table "api_token_cluster" add constraint "api_token_cluster_api_token_id_cluster_id_unique" unique ("api_token_id", "cluster_id");`,
    );

    this.addSql(
      `alter table "audit_entry" add constraint "audit_entry_actor_token_id_foreign" foreign key ("actor_token_id") references "api_token" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "api_token_cluster" add constraint "api_token_cluster_api_token_id_foreign" foreign key ("api_token_id") references "api_token" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "api_token_cluster" add constraint "api_token_cluster_cluster_id_foreign" foreign key ("cluster_id") references "cluster" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_entry" drop constraint "audit_entry_actor_token_id_foreign";`);

    this.addSql(`alter table "api_token_cluster" drop constraint "api_token_cluster_api_token_id_foreign";`);

    this.addSql(`drop table if exists "api_token" cascade;`);

    this.addSql(`drop table if exists "audit_entry" cascade;`);

    this.addSql(`drop table if exists "api_token_cluster" cascade;`);
  }
}
