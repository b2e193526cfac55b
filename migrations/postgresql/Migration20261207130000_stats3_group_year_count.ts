import { Migration } from '@mikro-orm/migrations';

// Memberships per cluster group (level, county, status) and year joined, derived from the counts kept
// per cluster and year (cluster_year_membership_count, stats2_kept_figures) the way
// cluster_group_membership_count derives from cluster_membership_count: membershipsByYear with a
// filter on levels, counties and status only sums a few hundred group rows instead of one row per
// cluster and year. Counts move when a cluster's yearly count changes and when a cluster changes
// group. Statement-level triggers; group rows are inserted first (empty, in key order), then locked
// all at once in key order and changed, as in group_count_insert_first (concurrent writers moving
// the same groups would otherwise deadlock). Hand-written: the ORM does not model triggers.
const TRIGGERS = ['insert', 'delete', 'update'];

export class Migration20261207130000_stats3_group_year_count extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table cluster_group_year_membership_count (
      level text not null, county text not null, status text not null, year text not null,
      memberships integer not null,
      primary key (level, county, status, year)
    );`);
    this.addSql(`create function cluster_group_year_membership_count_apply(p_levels text[], p_counties text[], p_statuses text[], p_years text[], p_deltas integer[])
      returns void language sql as $$
        insert into cluster_group_year_membership_count (level, county, status, year, memberships)
          select level, county, status, year, 0 from unnest(p_levels, p_counties, p_statuses, p_years, p_deltas) as d (level, county, status, year, delta)
          group by level, county, status, year having sum(delta) > 0 order by level, county, status, year
        on conflict (level, county, status, year) do nothing;
        select 1 from cluster_group_year_membership_count k
          where (k.level, k.county, k.status, k.year) in (select * from unnest(p_levels, p_counties, p_statuses, p_years))
          order by k.level, k.county, k.status, k.year for update;
        update cluster_group_year_membership_count as k set memberships = k.memberships + g.delta
          from (select level, county, status, year, sum(delta) as delta
                from unnest(p_levels, p_counties, p_statuses, p_years, p_deltas) as d (level, county, status, year, delta)
                group by level, county, status, year having sum(delta) <> 0) g
          where (k.level, k.county, k.status, k.year) = (g.level, g.county, g.status, g.year);
      $$;`);
    // Each (cluster id, year, delta) to the cluster's group.
    this.addSql(`create function cluster_group_year_membership_count_add(p_cluster_ids integer[], p_years text[], p_deltas integer[])
      returns void language sql as $$
        select cluster_group_year_membership_count_apply(array_agg(c.level), array_agg(c.county), array_agg(c.status), array_agg(d.year), array_agg(d.delta))
        from unnest(p_cluster_ids, p_years, p_deltas) as d (cluster_id, year, delta) join cluster c on c.id = d.cluster_id
        where d.delta <> 0;
      $$;`);
    this.addSql(`create function cluster_group_year_membership_count_sync() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          perform cluster_group_year_membership_count_add(array_agg(cluster_id), array_agg(year), array_agg(memberships)) from new_rows;
        elsif tg_op = 'DELETE' then
          perform cluster_group_year_membership_count_add(array_agg(cluster_id), array_agg(year), array_agg(-memberships)) from old_rows;
        else
          perform cluster_group_year_membership_count_add(array_agg(n.cluster_id), array_agg(n.year), array_agg(n.memberships - o.memberships))
            from new_rows n join old_rows o on (o.cluster_id, o.year) = (n.cluster_id, n.year);
        end if;
        return null;
      end $$;`);
    for (const op of TRIGGERS) {
      const transition = {
        insert: 'new table as new_rows',
        delete: 'old table as old_rows',
        update: 'old table as old_rows new table as new_rows',
      }[op];
      this.addSql(`create trigger cluster_group_year_membership_count_${op} after ${op} on cluster_year_membership_count
        referencing ${transition} for each statement execute function cluster_group_year_membership_count_sync();`);
    }
    // A cluster that changes group takes its yearly counts along. Its yearly rows are read locked, in
    // key order and before any group row (as membership writes lock them), so a membership written
    // meanwhile is counted either before the move or after it, in the new group.
    this.addSql(`create function cluster_group_year_membership_count_move() returns trigger language plpgsql as $$
      begin
        perform cluster_group_year_membership_count_apply(array_agg(d.level), array_agg(d.county), array_agg(d.status), array_agg(d.year), array_agg(d.delta))
          from (
            select n.level, n.county, n.status, o.level as old_level, o.county as old_county, o.status as old_status, k.year, k.memberships
            from new_rows n join old_rows o on o.id = n.id join cluster_year_membership_count k on k.cluster_id = n.id
            where (o.level, o.county, o.status) is distinct from (n.level, n.county, n.status)
            order by k.cluster_id, k.year for update of k
          ) moved,
          lateral (values (moved.level, moved.county, moved.status, moved.year, moved.memberships),
                          (moved.old_level, moved.old_county, moved.old_status, moved.year, -moved.memberships)) as d (level, county, status, year, delta)
          where moved.memberships <> 0;
        return null;
      end $$;`);
    this.addSql(`create trigger cluster_group_year_membership_count_move after update on cluster
      referencing old table as old_rows new table as new_rows for each statement execute function cluster_group_year_membership_count_move();`);
    this.addSql(`insert into cluster_group_year_membership_count (level, county, status, year, memberships)
      select c.level, c.county, c.status, k.year, sum(k.memberships) from cluster_year_membership_count k join cluster c on c.id = k.cluster_id
      group by c.level, c.county, c.status, k.year;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger cluster_group_year_membership_count_move on cluster;');
    for (const op of TRIGGERS)
      this.addSql(`drop trigger cluster_group_year_membership_count_${op} on cluster_year_membership_count;`);
    this.addSql('drop function cluster_group_year_membership_count_move();');
    this.addSql('drop function cluster_group_year_membership_count_sync();');
    this.addSql('drop function cluster_group_year_membership_count_add(integer[], text[], integer[]);');
    this.addSql('drop function cluster_group_year_membership_count_apply(text[], text[], text[], text[], integer[]);');
    this.addSql('drop table cluster_group_year_membership_count;');
  }
}
