import { Migration } from '@mikro-orm/migrations';

// Each cluster's number of memberships (current and past), kept by the database so that a count
// over all of a cluster's memberships (`members { totalCount }`, membership statistics by cluster)
// reads one row per cluster instead of every membership. Statement-level triggers see a whole
// statement's rows at once (transition tables), so a bulk import updates each count once. A cluster
// without a row has no memberships. Hand-written: the ORM does not model triggers.
export class Migration20261123120000_cluster_membership_count extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table cluster_membership_count (
      cluster_id integer primary key references cluster (id) on delete cascade,
      memberships integer not null check (memberships >= 0)
    );`);
    // Counts move by the rows each statement added (+) and removed (-), per cluster. A new count row
    // is inserted in cluster order, so concurrent writers lock count rows in the same order.
    this.addSql(`create function cluster_membership_count_add(p_cluster_ids integer[], p_deltas integer[])
      returns void language sql as $$
        insert into cluster_membership_count as k (cluster_id, memberships)
          select d.cluster_id, d.delta from unnest(p_cluster_ids, p_deltas) as d (cluster_id, delta)
          where d.delta > 0 order by d.cluster_id
        on conflict (cluster_id) do update set memberships = k.memberships + excluded.memberships;
        update cluster_membership_count as k set memberships = k.memberships + d.delta
          from unnest(p_cluster_ids, p_deltas) as d (cluster_id, delta)
          where d.delta < 0 and k.cluster_id = d.cluster_id;
      $$;`);
    this.addSql(`create function cluster_membership_count_sync() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          perform cluster_membership_count_add(array_agg(cluster_id), array_agg(n::integer))
            from (select cluster_id, count(*) as n from new_rows group by cluster_id) d;
        elsif tg_op = 'DELETE' then
          perform cluster_membership_count_add(array_agg(cluster_id), array_agg(-n::integer))
            from (select cluster_id, count(*) as n from old_rows group by cluster_id) d;
        else
          perform cluster_membership_count_add(array_agg(cluster_id), array_agg(n::integer))
            from (select cluster_id, sum(n) as n from (
                    select n.cluster_id, 1 as n from new_rows n join old_rows o on o.id = n.id where o.cluster_id <> n.cluster_id
                    union all
                    select o.cluster_id, -1 from new_rows n join old_rows o on o.id = n.id where o.cluster_id <> n.cluster_id
                  ) moved group by cluster_id) d;
        end if;
        return null;
      end $$;`);
    this.addSql(`create trigger cluster_membership_count_insert after insert on membership
      referencing new table as new_rows for each statement execute function cluster_membership_count_sync();`);
    this.addSql(`create trigger cluster_membership_count_delete after delete on membership
      referencing old table as old_rows for each statement execute function cluster_membership_count_sync();`);
    this.addSql(`create trigger cluster_membership_count_update after update on membership
      referencing old table as old_rows new table as new_rows for each statement execute function cluster_membership_count_sync();`);
    this.addSql(`create function cluster_membership_count_clear() returns trigger language plpgsql as $$
      begin
        delete from cluster_membership_count;
        return null;
      end $$;`);
    this.addSql(`create trigger cluster_membership_count_truncate after truncate on membership
      for each statement execute function cluster_membership_count_clear();`);
    this.addSql(`insert into cluster_membership_count (cluster_id, memberships)
      select cluster_id, count(*) from membership group by cluster_id;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger cluster_membership_count_truncate on membership;');
    this.addSql('drop trigger cluster_membership_count_update on membership;');
    this.addSql('drop trigger cluster_membership_count_delete on membership;');
    this.addSql('drop trigger cluster_membership_count_insert on membership;');
    this.addSql('drop function cluster_membership_count_clear();');
    this.addSql('drop function cluster_membership_count_sync();');
    this.addSql('drop function cluster_membership_count_add(integer[], integer[]);');
    this.addSql('drop table cluster_membership_count;');
  }
}
