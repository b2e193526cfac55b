import { Migration } from '@mikro-orm/migrations';

// Kept statistics (see src/repositories/member-figures.repository.ts). Hand-written: the ORM does
// not model triggers.
// - member_count: distinct member organizations per (kind, key, cluster status, organization county),
//   as of the date in member_figures_date. The triggers below only mark the organizations whose figures
//   a write may have moved (member_count_pending, plain inserts: writers never wait for each other
//   on it); a reader recounts those, one reader at a time, before reading.
// - organization_member_keys: what each organization contributes to member_count (at most one row
//   per organization: bits per cluster status and level, and per sector, numbered in member_sector),
//   so a recount knows what to take away.
// - cluster_year_membership_count: memberships per cluster and year joined, moved by statement-level
//   triggers (one change per cluster and year per statement, in key order, so concurrent writers
//   lock the rows in the same order).
const MARKED_TABLES = ['membership', 'cluster', 'cluster_sector', 'organization'];

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

    this.addSql(`create function member_count_mark() returns trigger language plpgsql as $$
      begin
        if tg_table_name = 'membership' then
          if tg_op = 'INSERT' then
            insert into member_count_pending (organization_id) select distinct organization_id from new_rows;
          elsif tg_op = 'DELETE' then
            insert into member_count_pending (organization_id) select distinct organization_id from old_rows;
          else
            insert into member_count_pending (organization_id)
              select o.organization_id from new_rows n join old_rows o on o.id = n.id
                where (o.organization_id, o.cluster_id, o.joined_on, o.left_on) is distinct from (n.organization_id, n.cluster_id, n.joined_on, n.left_on)
              union
              select n.organization_id from new_rows n join old_rows o on o.id = n.id
                where (o.organization_id, o.cluster_id, o.joined_on, o.left_on) is distinct from (n.organization_id, n.cluster_id, n.joined_on, n.left_on);
          end if;
        elsif tg_table_name = 'cluster' then
          insert into member_count_pending (organization_id)
            select distinct m.organization_id from new_rows n join old_rows o on o.id = n.id join membership m on m.cluster_id = n.id
            where o.level <> n.level or o.status <> n.status;
        elsif tg_table_name = 'cluster_sector' then
          if tg_op = 'INSERT' then
            insert into member_count_pending (organization_id)
              select distinct m.organization_id from membership m where m.cluster_id in (select cluster_id from new_rows);
          elsif tg_op = 'DELETE' then
            insert into member_count_pending (organization_id)
              select distinct m.organization_id from membership m where m.cluster_id in (select cluster_id from old_rows);
          else
            insert into member_count_pending (organization_id)
              select distinct m.organization_id from membership m
              where m.cluster_id in (select cluster_id from new_rows union select cluster_id from old_rows);
          end if;
        else
          insert into member_count_pending (organization_id)
            select n.id from new_rows n join old_rows o on o.id = n.id where o.county is distinct from n.county;
        end if;
        return null;
      end $$;`);
    for (const table of MARKED_TABLES) {
      const ops = table === 'cluster' || table === 'organization' ? ['update'] : ['insert', 'delete', 'update'];
      for (const op of ops) {
        const transition = {
          insert: 'new table as new_rows',
          delete: 'old table as old_rows',
          update: 'old table as old_rows new table as new_rows',
        }[op];
        this.addSql(`create trigger member_count_mark_${op} after ${op} on ${table}
          referencing ${transition} for each statement execute function member_count_mark();`);
      }
    }
    // Truncated memberships: everything is counted again by the next reader.
    this.addSql(`create function member_count_forget() returns trigger language plpgsql as $$
      begin
        update member_figures_date set as_of = null;
        delete from cluster_year_membership_count;
        delete from membership_year_count;
        return null;
      end $$;`);
    this.addSql(`create trigger member_count_truncate after truncate on membership
      for each statement execute function member_count_forget();`);

    // And over all clusters, per year (what membershipsByYear without a filter reads).
    this.addSql('create table membership_year_count (year text primary key, memberships integer not null);');
    this.addSql(`create table cluster_year_membership_count (
      cluster_id integer not null, year text not null, memberships integer not null,
      primary key (cluster_id, year)
    );`);
    // Each operation has its own function body shape: a transition table that is not declared cannot be named.
    this.addSql(`create function cluster_year_membership_count_insert() returns trigger language plpgsql as $$
      begin
        insert into cluster_year_membership_count as k (cluster_id, year, memberships)
          select cluster_id, to_char(joined_on, 'YYYY'), count(*) from new_rows group by 1, 2 order by 1, 2
        on conflict (cluster_id, year) do update set memberships = k.memberships + excluded.memberships;
        insert into membership_year_count as k (year, memberships)
          select to_char(joined_on, 'YYYY'), count(*) from new_rows group by 1 order by 1
        on conflict (year) do update set memberships = k.memberships + excluded.memberships;
        return null;
      end $$;`);
    this.addSql(`create function cluster_year_membership_count_delete() returns trigger language plpgsql as $$
      begin
        insert into cluster_year_membership_count as k (cluster_id, year, memberships)
          select cluster_id, to_char(joined_on, 'YYYY'), -count(*) from old_rows group by 1, 2 order by 1, 2
        on conflict (cluster_id, year) do update set memberships = k.memberships + excluded.memberships;
        insert into membership_year_count as k (year, memberships)
          select to_char(joined_on, 'YYYY'), -count(*) from old_rows group by 1 order by 1
        on conflict (year) do update set memberships = k.memberships + excluded.memberships;
        return null;
      end $$;`);
    this.addSql(`create function cluster_year_membership_count_update() returns trigger language plpgsql as $$
      begin
        insert into cluster_year_membership_count as k (cluster_id, year, memberships)
          select cluster_id, year, sum(delta) from (
            select cluster_id, to_char(joined_on, 'YYYY') as year, 1 as delta from new_rows
            union all
            select cluster_id, to_char(joined_on, 'YYYY'), -1 from old_rows
          ) d group by cluster_id, year having sum(delta) <> 0 order by cluster_id, year
        on conflict (cluster_id, year) do update set memberships = k.memberships + excluded.memberships;
        insert into membership_year_count as k (year, memberships)
          select year, sum(delta) from (
            select to_char(joined_on, 'YYYY') as year, 1 as delta from new_rows
            union all
            select to_char(joined_on, 'YYYY'), -1 from old_rows
          ) d group by year having sum(delta) <> 0 order by year
        on conflict (year) do update set memberships = k.memberships + excluded.memberships;
        return null;
      end $$;`);
    this.addSql(`create trigger cluster_year_membership_count_insert after insert on membership
      referencing new table as new_rows for each statement execute function cluster_year_membership_count_insert();`);
    this.addSql(`create trigger cluster_year_membership_count_delete after delete on membership
      referencing old table as old_rows for each statement execute function cluster_year_membership_count_delete();`);
    this.addSql(`create trigger cluster_year_membership_count_update after update on membership
      referencing old table as old_rows new table as new_rows for each statement execute function cluster_year_membership_count_update();`);
    this.addSql(`insert into cluster_year_membership_count (cluster_id, year, memberships)
      select cluster_id, to_char(joined_on, 'YYYY'), count(*) from membership group by 1, 2;`);
    this.addSql(`insert into membership_year_count (year, memberships)
      select to_char(joined_on, 'YYYY'), count(*) from membership group by 1;`);
  }

  override async down(): Promise<void> {
    for (const op of ['insert', 'delete', 'update'])
      this.addSql(`drop trigger cluster_year_membership_count_${op} on membership;`);
    for (const op of ['insert', 'delete', 'update']) this.addSql(`drop function cluster_year_membership_count_${op}();`);
    this.addSql('drop trigger member_count_truncate on membership;');
    this.addSql('drop function member_count_forget();');
    for (const table of MARKED_TABLES) {
      const ops = table === 'cluster' || table === 'organization' ? ['update'] : ['insert', 'delete', 'update'];
      for (const op of ops) this.addSql(`drop trigger member_count_mark_${op} on ${table};`);
    }
    this.addSql('drop function member_count_mark();');
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
