import { Migration } from '@mikro-orm/migrations';

// Kept statistics (see src/repositories/member-figures.repository.ts). Hand-written: the ORM does
// not model triggers.
// - member_count: distinct member organizations per (kind, key, cluster status, organization county),
//   as of the date in member_figures_date. The triggers below only mark the organizations whose figures
//   a write may have moved (member_count_pending); a reader recounts those before reading.
// - organization_member_keys: what each organization contributes to member_count (at most one row
//   per organization: bits per cluster status and level, and per sector, numbered in member_sector),
//   so a recount knows what to take away.
// - cluster_year_membership_count: memberships per cluster and year joined, moved by the triggers.
const markMembersOf = (clusterId: string) =>
  `insert into member_count_pending (organization_id) select m.organization_id from membership m where m.cluster_id = ${clusterId};`;
const year = (row: string) => `substr(${row}.joined_on, 1, 4)`;
const addYear = (row: string) => `
  insert into cluster_year_membership_count (cluster_id, year, memberships) values (${row}.cluster_id, ${year(row)}, 1)
  on conflict (cluster_id, year) do update set memberships = memberships + 1;
  insert into membership_year_count (year, memberships) values (${year(row)}, 1)
  on conflict (year) do update set memberships = memberships + 1;`;
const subtractYear = (row: string) => `
  update cluster_year_membership_count set memberships = memberships - 1 where cluster_id = ${row}.cluster_id and year = ${year(row)};
  update membership_year_count set memberships = memberships - 1 where year = ${year(row)};`;

export class Migration20261207110000_stats2_kept_figures extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table member_count (
      kind text not null, key text not null, status text not null, county text not null,
      organizations integer not null,
      primary key (kind, key, status, county)
    );`);
    this.addSql(`create table organization_member_keys (
      organization_id integer primary key, county text not null, keys text not null, next_change date
    );`);
    this.addSql(
      'create index organization_member_keys_next_change_index on organization_member_keys (next_change) where next_change is not null;',
    );
    this.addSql('create table member_count_pending (organization_id integer not null);');
    // Sectors numbered for good: an organization's bits name them by number.
    this.addSql('create table member_sector (idx integer primary key, sector text not null unique);');
    // No date yet: the first reader counts everything.
    this.addSql('create table member_figures_date (id integer primary key check (id = 1), as_of date);');
    this.addSql('insert into member_figures_date (id, as_of) values (1, null);');

    this.addSql(`create trigger member_count_mark_insert after insert on membership begin
      insert into member_count_pending (organization_id) values (new.organization_id); end;`);
    this.addSql(`create trigger member_count_mark_delete after delete on membership begin
      insert into member_count_pending (organization_id) values (old.organization_id); end;`);
    this.addSql(`create trigger member_count_mark_update after update of organization_id, cluster_id, joined_on, left_on on membership begin
      insert into member_count_pending (organization_id) values (old.organization_id), (new.organization_id); end;`);
    this.addSql(`create trigger member_count_mark_cluster after update of level, status on cluster
      when old.level <> new.level or old.status <> new.status begin ${markMembersOf('new.id')} end;`);
    this.addSql(
      `create trigger member_count_mark_sector_insert after insert on cluster_sector begin ${markMembersOf('new.cluster_id')} end;`,
    );
    this.addSql(
      `create trigger member_count_mark_sector_delete after delete on cluster_sector begin ${markMembersOf('old.cluster_id')} end;`,
    );
    this.addSql(`create trigger member_count_mark_sector_update after update of cluster_id, sector on cluster_sector begin
      ${markMembersOf('old.cluster_id')} ${markMembersOf('new.cluster_id')} end;`);
    this.addSql(`create trigger member_count_mark_organization after update of county on organization
      when old.county is not new.county begin insert into member_count_pending (organization_id) values (new.id); end;`);

    // And over all clusters, per year (what membershipsByYear without a filter reads).
    this.addSql('create table membership_year_count (year text primary key, memberships integer not null);');
    this.addSql(`create table cluster_year_membership_count (
      cluster_id integer not null, year text not null, memberships integer not null,
      primary key (cluster_id, year)
    );`);
    this.addSql(`create trigger cluster_year_membership_count_insert after insert on membership begin ${addYear('new')} end;`);
    this.addSql(
      `create trigger cluster_year_membership_count_delete after delete on membership begin ${subtractYear('old')} end;`,
    );
    this.addSql(`create trigger cluster_year_membership_count_update after update of cluster_id, joined_on on membership
      when old.cluster_id <> new.cluster_id or ${year('old')} <> ${year('new')} begin ${subtractYear('old')} ${addYear('new')} end;`);
    this.addSql(`insert into cluster_year_membership_count (cluster_id, year, memberships)
      select cluster_id, substr(joined_on, 1, 4), count(*) from membership group by cluster_id, substr(joined_on, 1, 4);`);
    this.addSql(`insert into membership_year_count (year, memberships)
      select substr(joined_on, 1, 4), count(*) from membership group by substr(joined_on, 1, 4);`);
  }

  override async down(): Promise<void> {
    for (const t of ['insert', 'delete', 'update']) this.addSql(`drop trigger cluster_year_membership_count_${t};`);
    for (const t of ['insert', 'delete', 'update', 'cluster', 'sector_insert', 'sector_delete', 'sector_update', 'organization'])
      this.addSql(`drop trigger member_count_mark_${t};`);
    for (const t of [
      'membership_year_count',
      'cluster_year_membership_count',
      'member_sector',
      'member_figures_date',
      'member_count_pending',
      'organization_member_keys',
      'member_count',
    ])
      this.addSql(`drop table ${t};`);
  }
}
