import { Migration } from '@mikro-orm/migrations';

export class Migration20261123024526_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`announcement\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`version\` integer not null default 1, \`slug\` text not null, \`title\` text not null, \`body\` text not null, \`language\` text check (\`language\` in ('nb', 'en')) not null, \`published_at\` datetime not null, \`kind\` text check (\`kind\` in ('ADMISSION', 'LEVEL_CHANGE', 'NEWS', 'POLICY')) not null, \`source_url\` text null, \`provenance\` text check (\`provenance\` in ('SOURCE', 'DEMO', 'IMPORT', 'MANUAL')) not null default 'MANUAL');`,
    );
    this.addSql(`create unique index \`announcement_slug_unique\` on \`announcement\` (\`slug\`);`);
    this.addSql(`create index \`announcement_kind_published_at_index\` on \`announcement\` (\`kind\`, \`published_at\`);`);
    this.addSql(`create index \`announcement_published_at_id_index\` on \`announcement\` (\`published_at\`, \`id\`);`);

    this.addSql(
      `create table \`cluster\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`version\` integer not null default 1, \`slug\` text not null, \`name\` text not null, \`level\` text check (\`level\` in ('ARENA', 'ARENA_PRO', 'NCE', 'GCE')) not null, \`status\` text check (\`status\` in ('ACTIVE', 'ENDED')) not null default 'ACTIVE', \`county\` text not null, \`city\` text not null, \`description\` text null, \`website\` text null, \`org_number\` text null, \`founded_year\` integer null, \`admitted_on\` date not null, \`provenance\` text check (\`provenance\` in ('SOURCE', 'DEMO', 'IMPORT', 'MANUAL')) not null default 'MANUAL');`,
    );
    this.addSql(`create unique index \`cluster_slug_unique\` on \`cluster\` (\`slug\`);`);
    this.addSql(`create index \`cluster_status_index\` on \`cluster\` (\`status\`);`);
    this.addSql(`create index \`cluster_county_index\` on \`cluster\` (\`county\`);`);
    this.addSql(`create index \`cluster_admitted_on_id_index\` on \`cluster\` (\`admitted_on\`, \`id\`);`);
    this.addSql(`create index \`cluster_level_name_id_index\` on \`cluster\` (\`level\`, \`name\`, \`id\`);`);
    this.addSql(`create index \`cluster_name_id_index\` on \`cluster\` (\`name\`, \`id\`);`);

    this.addSql(
      `create table \`announcement_cluster\` (\`id\` integer not null primary key autoincrement, \`announcement_id\` integer not null, \`cluster_id\` integer not null, \`position\` integer not null, constraint \`announcement_cluster_announcement_id_foreign\` foreign key(\`announcement_id\`) references \`announcement\`(\`id\`) on delete cascade on update cascade, constraint \`announcement_cluster_cluster_id_foreign\` foreign key(\`cluster_id\`) references \`cluster\`(\`id\`) on update cascade);`,
    );
    this.addSql(`create index \`announcement_cluster_announcement_id_index\` on \`announcement_cluster\` (\`announcement_id\`);`);
    this.addSql(`create index \`announcement_cluster_cluster_id_index\` on \`announcement_cluster\` (\`cluster_id\`);`);
    this.addSql(
      `create index \`announcement_cluster_cluster_id_announcement_id_index\` on \`announcement_cluster\` (\`cluster_id\`, \`announcement_id\`);`,
    );
    this.addSql(
      `create unique index \`announcement_cluster_announcement_id_cluster_id_unique\` on \`announcement_cluster\` (\`announcement_id\`, \`cluster_id\`);`,
    );

    this.addSql(
      `create table \`cluster_level_period\` (\`id\` integer not null primary key autoincrement, \`cluster_id\` integer not null, \`level\` text check (\`level\` in ('ARENA', 'ARENA_PRO', 'NCE', 'GCE')) not null, \`from_date\` date not null, \`to_date\` date null, constraint \`cluster_level_period_cluster_id_foreign\` foreign key(\`cluster_id\`) references \`cluster\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create index \`cluster_level_period_cluster_id_index\` on \`cluster_level_period\` (\`cluster_id\`);`);
    this.addSql(
      `create index \`cluster_level_period_cluster_id_from_date_index\` on \`cluster_level_period\` (\`cluster_id\`, \`from_date\`);`,
    );

    this.addSql(
      `create table \`cluster_sector\` (\`id\` integer not null primary key autoincrement, \`cluster_id\` integer not null, \`sector\` text not null, \`position\` integer not null, constraint \`cluster_sector_cluster_id_foreign\` foreign key(\`cluster_id\`) references \`cluster\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create index \`cluster_sector_cluster_id_index\` on \`cluster_sector\` (\`cluster_id\`);`);
    this.addSql(`create index \`cluster_sector_sector_index\` on \`cluster_sector\` (\`sector\`);`);
    this.addSql(
      `create unique index \`cluster_sector_cluster_id_sector_unique\` on \`cluster_sector\` (\`cluster_id\`, \`sector\`);`,
    );

    this.addSql(
      `create table \`organization\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`version\` integer not null default 1, \`org_number\` text not null, \`name\` text not null, \`city\` text null, \`county\` text null, \`nace_code\` text null, \`employees\` integer null, \`website\` text null, \`provenance\` text check (\`provenance\` in ('SOURCE', 'DEMO', 'IMPORT', 'MANUAL')) not null default 'MANUAL');`,
    );
    this.addSql(`create unique index \`organization_org_number_unique\` on \`organization\` (\`org_number\`);`);
    this.addSql(`create index \`organization_employees_id_index\` on \`organization\` (\`employees\`, \`id\`);`);
    this.addSql(`create index \`organization_nace_code_index\` on \`organization\` (\`nace_code\`);`);
    this.addSql(`create index \`organization_county_index\` on \`organization\` (\`county\`);`);
    this.addSql(`create index \`organization_name_id_index\` on \`organization\` (\`name\`, \`id\`);`);

    this.addSql(
      `create table \`membership\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`version\` integer not null default 1, \`cluster_id\` integer not null, \`organization_id\` integer not null, \`role\` text check (\`role\` in ('MEMBER', 'CORE', 'HOST')) not null, \`joined_on\` date not null, \`left_on\` date null, constraint \`membership_cluster_id_foreign\` foreign key(\`cluster_id\`) references \`cluster\`(\`id\`) on update cascade, constraint \`membership_organization_id_foreign\` foreign key(\`organization_id\`) references \`organization\`(\`id\`) on update cascade);`,
    );
    this.addSql(`create index \`membership_cluster_id_index\` on \`membership\` (\`cluster_id\`);`);
    this.addSql(`create index \`membership_organization_id_index\` on \`membership\` (\`organization_id\`);`);
    this.addSql(`create index \`membership_cluster_id_role_index\` on \`membership\` (\`cluster_id\`, \`role\`);`);
    this.addSql(
      `create index \`membership_organization_id_joined_on_id_index\` on \`membership\` (\`organization_id\`, \`joined_on\`, \`id\`);`,
    );
    this.addSql(
      `create index \`membership_cluster_id_joined_on_id_index\` on \`membership\` (\`cluster_id\`, \`joined_on\`, \`id\`);`,
    );

    this.addSql(
      `create table \`partner_institution\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`version\` integer not null default 1, \`slug\` text not null, \`name\` text not null, \`kind\` text check (\`kind\` in ('UNIVERSITY', 'RESEARCH_INSTITUTE', 'FUNDING_AGENCY', 'PUBLIC_AGENCY', 'INCUBATOR')) not null, \`org_number\` text null, \`city\` text null, \`website\` text null, \`provenance\` text check (\`provenance\` in ('SOURCE', 'DEMO', 'IMPORT', 'MANUAL')) not null default 'MANUAL');`,
    );
    this.addSql(`create unique index \`partner_institution_slug_unique\` on \`partner_institution\` (\`slug\`);`);
    this.addSql(`create index \`partner_institution_kind_index\` on \`partner_institution\` (\`kind\`);`);
    this.addSql(`create index \`partner_institution_name_id_index\` on \`partner_institution\` (\`name\`, \`id\`);`);

    this.addSql(
      `create table \`partnership\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`version\` integer not null default 1, \`cluster_id\` integer not null, \`partner_id\` integer not null, \`role\` text check (\`role\` in ('RESEARCH', 'FUNDING', 'PROGRAMME_OWNER', 'OTHER')) not null, \`since\` date not null, \`until\` date null, constraint \`partnership_cluster_id_foreign\` foreign key(\`cluster_id\`) references \`cluster\`(\`id\`) on update cascade, constraint \`partnership_partner_id_foreign\` foreign key(\`partner_id\`) references \`partner_institution\`(\`id\`) on update cascade);`,
    );
    this.addSql(`create index \`partnership_cluster_id_index\` on \`partnership\` (\`cluster_id\`);`);
    this.addSql(`create index \`partnership_partner_id_index\` on \`partnership\` (\`partner_id\`);`);
    this.addSql(`create index \`partnership_partner_id_since_id_index\` on \`partnership\` (\`partner_id\`, \`since\`, \`id\`);`);
    this.addSql(`create index \`partnership_cluster_id_since_id_index\` on \`partnership\` (\`cluster_id\`, \`since\`, \`id\`);`);
  }

  // Referencing tables first: SQLite checks foreign keys when a referenced table is dropped.
  override async down(): Promise<void> {
    for (const table of [
      'partnership',
      'partner_institution',
      'membership',
      'organization',
      'cluster_sector',
      'cluster_level_period',
      'announcement_cluster',
      'cluster',
      'announcement',
    ]) {
      this.addSql(`drop table if exists \`${table}\`;`);
    }
  }
}
