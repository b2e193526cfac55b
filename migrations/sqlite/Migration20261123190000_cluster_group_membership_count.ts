import { Migration } from '@mikro-orm/migrations';

// The memberships of all clusters that share a level, county and status, kept by the database on
// top of each cluster's kept count (cluster_membership_count), so that membership statistics
// grouped by cluster attributes read one row per group instead of one per cluster. Counts move when
// a cluster's count changes and when a cluster changes group. A group without a row, or with 0, has
// no memberships. Hand-written: the ORM does not model triggers.
const add = (clusterId: string, delta: string) => `
  insert into cluster_group_membership_count (level, county, status, memberships)
    select c.level, c.county, c.status, ${delta} from cluster c where c.id = ${clusterId}
  on conflict (level, county, status) do update set memberships = memberships + excluded.memberships;`;
/** `group`: a row value (level, county, status). */
const subtract = (group: string, delta: string) => `
  update cluster_group_membership_count set memberships = memberships - (${delta}) where (level, county, status) = ${group};`;
const groupOf = (clusterId: string) => `(select c.level, c.county, c.status from cluster c where c.id = ${clusterId})`;

export class Migration20261123190000_cluster_group_membership_count extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table cluster_group_membership_count (
      level text not null,
      county text not null,
      status text not null,
      memberships integer not null check (memberships >= 0),
      primary key (level, county, status)
    );`);
    // Row-level: each count row that changes moves its cluster's group by the difference.
    this.addSql(`create trigger cluster_group_membership_count_insert after insert on cluster_membership_count
      when new.memberships > 0 begin ${add('new.cluster_id', 'new.memberships')} end;`);
    this.addSql(`create trigger cluster_group_membership_count_increase after update of memberships on cluster_membership_count
      when new.memberships > old.memberships begin ${add('new.cluster_id', 'new.memberships - old.memberships')} end;`);
    this.addSql(`create trigger cluster_group_membership_count_decrease after update of memberships on cluster_membership_count
      when new.memberships < old.memberships begin
      ${subtract(groupOf('new.cluster_id'), 'old.memberships - new.memberships')} end;`);
    // A deleted cluster's count row goes with it (cascade) only once its memberships are gone.
    this.addSql(`create trigger cluster_group_membership_count_delete after delete on cluster_membership_count
      when old.memberships > 0 begin ${subtract(groupOf('old.cluster_id'), 'old.memberships')} end;`);
    // A cluster that changes group takes its count along: out of the old group, into the new one.
    this.addSql(`create trigger cluster_group_membership_count_move after update of level, county, status on cluster
      when old.level <> new.level or old.county <> new.county or old.status <> new.status begin
      ${subtract('(old.level, old.county, old.status)', 'coalesce((select k.memberships from cluster_membership_count k where k.cluster_id = new.id), 0)')}
      insert into cluster_group_membership_count (level, county, status, memberships)
        select new.level, new.county, new.status, k.memberships from cluster_membership_count k
        where k.cluster_id = new.id and k.memberships > 0
      on conflict (level, county, status) do update set memberships = memberships + excluded.memberships;
      end;`);
    this.addSql(`insert into cluster_group_membership_count (level, county, status, memberships)
      select c.level, c.county, c.status, sum(k.memberships) from cluster_membership_count k join cluster c on c.id = k.cluster_id
      group by c.level, c.county, c.status;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger cluster_group_membership_count_move;');
    this.addSql('drop trigger cluster_group_membership_count_delete;');
    this.addSql('drop trigger cluster_group_membership_count_decrease;');
    this.addSql('drop trigger cluster_group_membership_count_increase;');
    this.addSql('drop trigger cluster_group_membership_count_insert;');
    this.addSql('drop table cluster_group_membership_count;');
  }
}
