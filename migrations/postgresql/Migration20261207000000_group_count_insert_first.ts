import { Migration } from '@mikro-orm/migrations';

// Hand-written. cluster_group_membership_count_apply locked the existing group rows in key order
// and then inserted the missing ones: a statement holding a group row could wait for another's
// uncommitted insert of a new group while that one waited for the row (seen as a deadlock in the
// concurrent-moves test). Now the missing groups are inserted first, empty and in key order,
// before any group row is locked; then all are locked in key order and changed.
export class Migration20261207000000_group_count_insert_first extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function cluster_group_membership_count_apply(p_levels text[], p_counties text[], p_statuses text[], p_deltas integer[])
      returns void language sql as $$
        insert into cluster_group_membership_count (level, county, status, memberships)
          select level, county, status, 0 from unnest(p_levels, p_counties, p_statuses, p_deltas) as d (level, county, status, delta)
          group by level, county, status having sum(delta) > 0 order by level, county, status
        on conflict (level, county, status) do nothing;
        select 1 from cluster_group_membership_count k
          where (k.level, k.county, k.status) in (select * from unnest(p_levels, p_counties, p_statuses))
          order by k.level, k.county, k.status for update;
        update cluster_group_membership_count as k set memberships = k.memberships + g.delta
          from (select level, county, status, sum(delta) as delta
                from unnest(p_levels, p_counties, p_statuses, p_deltas) as d (level, county, status, delta)
                group by level, county, status having sum(delta) <> 0) g
          where (k.level, k.county, k.status) = (g.level, g.county, g.status);
      $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create or replace function cluster_group_membership_count_apply(p_levels text[], p_counties text[], p_statuses text[], p_deltas integer[])
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
  }
}
