import { Migration } from '@mikro-orm/migrations';

// Memberships per cluster group (level, county, status) and year joined, derived from the counts kept
// per cluster and year (cluster_year_membership_count, stats2_kept_figures) the way
// cluster_group_membership_count derives from cluster_membership_count: membershipsByYear with a
// filter on levels, counties and status only sums a few hundred group rows instead of one row per
// cluster and year. Counts move when a cluster's yearly count changes and when a cluster changes
// group. Hand-written: the ORM does not model triggers.
const add = (clusterId: string, year: string, delta: string) => `
  insert into cluster_group_year_membership_count (level, county, status, year, memberships)
    select c.level, c.county, c.status, ${year}, ${delta} from cluster c where c.id = ${clusterId}
  on conflict (level, county, status, year) do update set memberships = memberships + excluded.memberships;`;

export class Migration20261207130000_stats3_group_year_count extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table cluster_group_year_membership_count (
      level text not null, county text not null, status text not null, year text not null,
      memberships integer not null,
      primary key (level, county, status, year)
    );`);
    this.addSql(`create trigger cluster_group_year_membership_count_insert after insert on cluster_year_membership_count
      begin ${add('new.cluster_id', 'new.year', 'new.memberships')} end;`);
    this.addSql(`create trigger cluster_group_year_membership_count_update after update of memberships on cluster_year_membership_count
      when new.memberships <> old.memberships begin ${add('new.cluster_id', 'new.year', 'new.memberships - old.memberships')} end;`);
    this.addSql(`create trigger cluster_group_year_membership_count_delete after delete on cluster_year_membership_count
      begin ${add('old.cluster_id', 'old.year', '-old.memberships')} end;`);
    // A cluster that changes group takes its yearly counts along: out of the old group, into the new one.
    this.addSql(`create trigger cluster_group_year_membership_count_move after update of level, county, status on cluster
      when old.level <> new.level or old.county <> new.county or old.status <> new.status begin
      update cluster_group_year_membership_count
        set memberships = memberships - (select k.memberships from cluster_year_membership_count k
                                         where k.cluster_id = new.id and k.year = cluster_group_year_membership_count.year)
        where (level, county, status) = (old.level, old.county, old.status)
          and year in (select k.year from cluster_year_membership_count k where k.cluster_id = new.id);
      insert into cluster_group_year_membership_count (level, county, status, year, memberships)
        select new.level, new.county, new.status, k.year, k.memberships from cluster_year_membership_count k where k.cluster_id = new.id
      on conflict (level, county, status, year) do update set memberships = memberships + excluded.memberships;
      end;`);
    this.addSql(`insert into cluster_group_year_membership_count (level, county, status, year, memberships)
      select c.level, c.county, c.status, k.year, sum(k.memberships) from cluster_year_membership_count k join cluster c on c.id = k.cluster_id
      group by c.level, c.county, c.status, k.year;`);
  }

  override async down(): Promise<void> {
    for (const t of ['move', 'delete', 'update', 'insert']) this.addSql(`drop trigger cluster_group_year_membership_count_${t};`);
    this.addSql('drop table cluster_group_year_membership_count;');
  }
}
