import { Migration } from '@mikro-orm/migrations';

// The memberships of all clusters that share a level, county and status, kept by the database on
// top of each cluster's kept count (cluster_membership_count), so that membership statistics
// grouped by cluster attributes read one row per group instead of one per cluster (their cost no
// longer grows with the number of clusters). Counts move when a cluster's count changes and when a
// cluster changes group. Statement-level triggers apply each statement's changes per group at once,
// in key order (a group row is shared by many clusters: concurrent writers lock them in one order).
// A group without a row, or with 0, has no memberships. Hand-written: the ORM does not model triggers.
export class Migration20261123190000_cluster_group_membership_count extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table cluster_group_membership_count (
      level text not null,
      county varchar(100) not null,
      status text not null,
      memberships integer not null check (memberships >= 0),
      primary key (level, county, status)
    );`);
    // Adds deltas to groups, summed per group. The groups' rows are locked first, all at once in key
    // order, and new ones inserted in key order: two statements moving clusters between the same
    // groups in opposite directions would otherwise deadlock (one holding the group it adds to,
    // waiting for the one it takes from).
    this.addSql(`create function cluster_group_membership_count_apply(p_levels text[], p_counties text[], p_statuses text[], p_deltas integer[])
      returns void language sql as $$
        select 1 from cluster_group_membership_count k
          where (k.level, k.county, k.status) in (select * from unnest(p_levels, p_counties, p_statuses))
          order by k.level, k.county, k.status for update;
        insert into cluster_group_membership_count as k (level, county, status, memberships)
          select level, county, status, sum(delta) from unnest(p_levels, p_counties, p_statuses, p_deltas) as d (level, county, status, delta)
          group by level, county, status having sum(delta) > 0 order by level, county, status
        on conflict (level, county, status) do update set memberships = k.memberships + excluded.memberships;
        update cluster_group_membership_count as k set memberships = k.memberships + g.delta
          from (select level, county, status, sum(delta) as delta
                from unnest(p_levels, p_counties, p_statuses, p_deltas) as d (level, county, status, delta)
                group by level, county, status having sum(delta) < 0) g
          where (k.level, k.county, k.status) = (g.level, g.county, g.status);
      $$;`);
    // Adds each (cluster id, delta) to the cluster's group. A deleted cluster's count row goes with
    // it (cascade) only once its memberships are gone, so a delta of 0 is skipped.
    this.addSql(`create function cluster_group_membership_count_add(p_cluster_ids integer[], p_deltas integer[])
      returns void language sql as $$
        select cluster_group_membership_count_apply(array_agg(c.level), array_agg(c.county), array_agg(c.status), array_agg(d.delta))
        from unnest(p_cluster_ids, p_deltas) as d (cluster_id, delta) join cluster c on c.id = d.cluster_id
        where d.delta <> 0;
      $$;`);
    this.addSql(`create function cluster_group_membership_count_sync() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          perform cluster_group_membership_count_add(array_agg(cluster_id), array_agg(memberships)) from new_rows;
        elsif tg_op = 'DELETE' then
          perform cluster_group_membership_count_add(array_agg(cluster_id), array_agg(-memberships)) from old_rows;
        else
          perform cluster_group_membership_count_add(array_agg(n.cluster_id), array_agg(n.memberships - o.memberships))
            from new_rows n join old_rows o on o.cluster_id = n.cluster_id;
        end if;
        return null;
      end $$;`);
    this.addSql(`create trigger cluster_group_membership_count_insert after insert on cluster_membership_count
      referencing new table as new_rows for each statement execute function cluster_group_membership_count_sync();`);
    this.addSql(`create trigger cluster_group_membership_count_delete after delete on cluster_membership_count
      referencing old table as old_rows for each statement execute function cluster_group_membership_count_sync();`);
    this.addSql(`create trigger cluster_group_membership_count_update after update on cluster_membership_count
      referencing old table as old_rows new table as new_rows for each statement execute function cluster_group_membership_count_sync();`);
    // A cluster that changes group takes its count along: out of the old group, into the new one.
    // Its count row is read locked (in cluster order, before any group row, as membership writes
    // lock them): a row another writer changed is read as that writer committed it, so a
    // membership written meanwhile is either counted before the move or made after it, into the
    // new group.
    this.addSql(`create function cluster_group_membership_count_move() returns trigger language plpgsql as $$
      begin
        perform cluster_group_membership_count_apply(array_agg(d.level), array_agg(d.county), array_agg(d.status), array_agg(d.delta))
          from (
            select n.level, n.county, n.status, o.level as old_level, o.county as old_county, o.status as old_status, k.memberships
            from new_rows n join old_rows o on o.id = n.id join cluster_membership_count k on k.cluster_id = n.id
            where (o.level, o.county, o.status) is distinct from (n.level, n.county, n.status)
            order by k.cluster_id for update of k
          ) moved,
          lateral (values (moved.level, moved.county, moved.status, moved.memberships),
                          (moved.old_level, moved.old_county, moved.old_status, -moved.memberships)) as d (level, county, status, delta)
          where moved.memberships > 0;
        return null;
      end $$;`);
    this.addSql(`create trigger cluster_group_membership_count_move after update on cluster
      referencing old table as old_rows new table as new_rows for each statement execute function cluster_group_membership_count_move();`);
    this.addSql(`create function cluster_group_membership_count_clear() returns trigger language plpgsql as $$
      begin
        delete from cluster_group_membership_count;
        return null;
      end $$;`);
    this.addSql(`create trigger cluster_group_membership_count_truncate after truncate on cluster_membership_count
      for each statement execute function cluster_group_membership_count_clear();`);
    this.addSql(`insert into cluster_group_membership_count (level, county, status, memberships)
      select c.level, c.county, c.status, sum(k.memberships) from cluster_membership_count k join cluster c on c.id = k.cluster_id
      group by c.level, c.county, c.status;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger cluster_group_membership_count_truncate on cluster_membership_count;');
    this.addSql('drop trigger cluster_group_membership_count_move on cluster;');
    this.addSql('drop trigger cluster_group_membership_count_update on cluster_membership_count;');
    this.addSql('drop trigger cluster_group_membership_count_delete on cluster_membership_count;');
    this.addSql('drop trigger cluster_group_membership_count_insert on cluster_membership_count;');
    this.addSql('drop function cluster_group_membership_count_clear();');
    this.addSql('drop function cluster_group_membership_count_move();');
    this.addSql('drop function cluster_group_membership_count_sync();');
    this.addSql('drop function cluster_group_membership_count_add(integer[], integer[]);');
    this.addSql('drop function cluster_group_membership_count_apply(text[], text[], text[], integer[]);');
    this.addSql('drop table cluster_group_membership_count;');
  }
}
