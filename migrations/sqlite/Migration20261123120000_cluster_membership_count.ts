import { Migration } from '@mikro-orm/migrations';

// Each cluster's number of memberships (current and past), kept by the database so that a count
// over all of a cluster's memberships (`members { totalCount }`, membership statistics by cluster)
// reads one row per cluster instead of every membership. A cluster without a row has no
// memberships. Hand-written: the ORM does not model triggers.
const add = (clusterId: string) => `
  insert into cluster_membership_count (cluster_id, memberships) values (${clusterId}, 1)
  on conflict (cluster_id) do update set memberships = memberships + 1;`;
const subtract = (clusterId: string) => `
  update cluster_membership_count set memberships = memberships - 1 where cluster_id = ${clusterId};`;

export class Migration20261123120000_cluster_membership_count extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table cluster_membership_count (
      cluster_id integer primary key references cluster (id) on delete cascade,
      memberships integer not null check (memberships >= 0)
    );`);
    this.addSql(`create trigger cluster_membership_count_insert after insert on membership begin ${add('new.cluster_id')} end;`);
    this.addSql(
      `create trigger cluster_membership_count_delete after delete on membership begin ${subtract('old.cluster_id')} end;`,
    );
    this.addSql(`create trigger cluster_membership_count_update after update of cluster_id on membership
      when old.cluster_id <> new.cluster_id begin ${subtract('old.cluster_id')} ${add('new.cluster_id')} end;`);
    this.addSql(`insert into cluster_membership_count (cluster_id, memberships)
      select cluster_id, count(*) from membership group by cluster_id;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger cluster_membership_count_update;');
    this.addSql('drop trigger cluster_membership_count_delete;');
    this.addSql('drop trigger cluster_membership_count_insert;');
    this.addSql('drop table cluster_membership_count;');
  }
}
