import { Migration } from '@mikro-orm/migrations';

export class Migration20261123024526_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "announcement" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "slug" varchar(150) not null, "title" varchar(300) not null, "body" text not null, "language" text check ("language" in ('nb', 'en')) not null, "published_at" timestamptz not null, "kind" text check ("kind" in ('ADMISSION', 'LEVEL_CHANGE', 'NEWS', 'POLICY')) not null, "source_url" varchar(500) null, "provenance" text check ("provenance" in ('SOURCE', 'DEMO', 'IMPORT', 'MANUAL')) not null default 'MANUAL');`,
    );
    this.addSql(`alter table "announcement" add constraint "announcement_slug_unique" unique ("slug");`);
    this.addSql(`create index "announcement_kind_published_at_index" on "announcement" ("kind", "published_at");`);
    this.addSql(`create index "announcement_published_at_id_index" on "announcement" ("published_at", "id");`);

    this.addSql(
      `create table "cluster" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "slug" varchar(100) not null, "name" varchar(200) not null, "level" text check ("level" in ('ARENA', 'ARENA_PRO', 'NCE', 'GCE')) not null, "status" text check ("status" in ('ACTIVE', 'ENDED')) not null default 'ACTIVE', "county" varchar(100) not null, "city" varchar(100) not null, "description" text null, "website" varchar(500) null, "org_number" varchar(9) null, "founded_year" int null, "admitted_on" date not null, "provenance" text check ("provenance" in ('SOURCE', 'DEMO', 'IMPORT', 'MANUAL')) not null default 'MANUAL');`,
    );
    this.addSql(`alter table "cluster" add constraint "cluster_slug_unique" unique ("slug");`);
    this.addSql(`create index "cluster_status_index" on "cluster" ("status");`);
    this.addSql(`create index "cluster_county_index" on "cluster" ("county");`);
    this.addSql(`create index "cluster_admitted_on_id_index" on "cluster" ("admitted_on", "id");`);
    this.addSql(`create index "cluster_level_name_id_index" on "cluster" ("level", "name", "id");`);
    this.addSql(`create index "cluster_name_id_index" on "cluster" ("name", "id");`);

    this.addSql(
      `create table "announcement_cluster" ("id" serial primary key, "announcement_id" int not null, "cluster_id" int not null, "position" smallint not null);`,
    );
    this.addSql(
      `create index "announcement_cluster_cluster_id_announcement_id_index" on "announcement_cluster" ("cluster_id", "announcement_id");`,
    );
    this.addSql(
      `alter table "announcement_cluster" add constraint "announcement_cluster_announcement_id_cluster_id_unique" unique ("announcement_id", "cluster_id");`,
    );

    this.addSql(
      `create table "cluster_level_period" ("id" serial primary key, "cluster_id" int not null, "level" text check ("level" in ('ARENA', 'ARENA_PRO', 'NCE', 'GCE')) not null, "from_date" date not null, "to_date" date null);`,
    );
    this.addSql(
      `create index "cluster_level_period_cluster_id_from_date_index" on "cluster_level_period" ("cluster_id", "from_date");`,
    );

    this.addSql(
      `create table "cluster_sector" ("id" serial primary key, "cluster_id" int not null, "sector" varchar(100) not null, "position" smallint not null);`,
    );
    this.addSql(`create index "cluster_sector_sector_index" on "cluster_sector" ("sector");`);
    this.addSql(
      `alter table "cluster_sector" add constraint "cluster_sector_cluster_id_sector_unique" unique ("cluster_id", "sector");`,
    );

    this.addSql(
      `create table "organization" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "org_number" varchar(9) not null, "name" varchar(200) not null, "city" varchar(100) null, "county" varchar(100) null, "nace_code" varchar(10) null, "employees" int null, "website" varchar(500) null, "provenance" text check ("provenance" in ('SOURCE', 'DEMO', 'IMPORT', 'MANUAL')) not null default 'MANUAL');`,
    );
    this.addSql(`alter table "organization" add constraint "organization_org_number_unique" unique ("org_number");`);
    this.addSql(`create index "organization_employees_id_index" on "organization" ("employees", "id");`);
    this.addSql(`create index "organization_nace_code_index" on "organization" ("nace_code");`);
    this.addSql(`create index "organization_county_index" on "organization" ("county");`);
    this.addSql(`create index "organization_name_id_index" on "organization" ("name", "id");`);

    this.addSql(
      `create table "membership" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "cluster_id" int not null, "organization_id" int not null, "role" text check ("role" in ('MEMBER', 'CORE', 'HOST')) not null, "joined_on" date not null, "left_on" date null);`,
    );
    this.addSql(`create index "membership_cluster_id_role_index" on "membership" ("cluster_id", "role");`);
    this.addSql(
      `create index "membership_organization_id_joined_on_id_index" on "membership" ("organization_id", "joined_on", "id");`,
    );
    this.addSql(`create index "membership_cluster_id_joined_on_id_index" on "membership" ("cluster_id", "joined_on", "id");`);

    this.addSql(
      `create table "partner_institution" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "slug" varchar(100) not null, "name" varchar(200) not null, "kind" text check ("kind" in ('UNIVERSITY', 'RESEARCH_INSTITUTE', 'FUNDING_AGENCY', 'PUBLIC_AGENCY', 'INCUBATOR')) not null, "org_number" varchar(9) null, "city" varchar(100) null, "website" varchar(500) null, "provenance" text check ("provenance" in ('SOURCE', 'DEMO', 'IMPORT', 'MANUAL')) not null default 'MANUAL');`,
    );
    this.addSql(`alter table "partner_institution" add constraint "partner_institution_slug_unique" unique ("slug");`);
    this.addSql(`create index "partner_institution_kind_index" on "partner_institution" ("kind");`);
    this.addSql(`create index "partner_institution_name_id_index" on "partner_institution" ("name", "id");`);

    this.addSql(
      `create table "partnership" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "cluster_id" int not null, "partner_id" int not null, "role" text check ("role" in ('RESEARCH', 'FUNDING', 'PROGRAMME_OWNER', 'OTHER')) not null, "since" date not null, "until" date null);`,
    );
    this.addSql(`create index "partnership_partner_id_since_id_index" on "partnership" ("partner_id", "since", "id");`);
    this.addSql(`create index "partnership_cluster_id_since_id_index" on "partnership" ("cluster_id", "since", "id");`);

    this.addSql(
      `alter table "announcement_cluster" add constraint "announcement_cluster_announcement_id_foreign" foreign key ("announcement_id") references "announcement" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "announcement_cluster" add constraint "announcement_cluster_cluster_id_foreign" foreign key ("cluster_id") references "cluster" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "cluster_level_period" add constraint "cluster_level_period_cluster_id_foreign" foreign key ("cluster_id") references "cluster" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "cluster_sector" add constraint "cluster_sector_cluster_id_foreign" foreign key ("cluster_id") references "cluster" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "membership" add constraint "membership_cluster_id_foreign" foreign key ("cluster_id") references "cluster" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "membership" add constraint "membership_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "partnership" add constraint "partnership_cluster_id_foreign" foreign key ("cluster_id") references "cluster" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "partnership" add constraint "partnership_partner_id_foreign" foreign key ("partner_id") references "partner_institution" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "announcement_cluster" drop constraint "announcement_cluster_announcement_id_foreign";`);

    this.addSql(`alter table "announcement_cluster" drop constraint "announcement_cluster_cluster_id_foreign";`);

    this.addSql(`alter table "cluster_level_period" drop constraint "cluster_level_period_cluster_id_foreign";`);

    this.addSql(`alter table "cluster_sector" drop constraint "cluster_sector_cluster_id_foreign";`);

    this.addSql(`alter table "membership" drop constraint "membership_cluster_id_foreign";`);

    this.addSql(`alter table "partnership" drop constraint "partnership_cluster_id_foreign";`);

    this.addSql(`alter table "membership" drop constraint "membership_organization_id_foreign";`);

    this.addSql(`alter table "partnership" drop constraint "partnership_partner_id_foreign";`);

    this.addSql(`drop table if exists "announcement" cascade;`);

    this.addSql(`drop table if exists "cluster" cascade;`);

    this.addSql(`drop table if exists "announcement_cluster" cascade;`);

    this.addSql(`drop table if exists "cluster_level_period" cascade;`);

    this.addSql(`drop table if exists "cluster_sector" cascade;`);

    this.addSql(`drop table if exists "organization" cascade;`);

    this.addSql(`drop table if exists "membership" cascade;`);

    this.addSql(`drop table if exists "partner_institution" cascade;`);

    this.addSql(`drop table if exists "partnership" cascade;`);
  }
}
