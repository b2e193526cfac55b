import { Migration } from '@mikro-orm/migrations';

// The kept counts of the clusters a statement changes are locked first, all at once in cluster
// order. Before, new counts were upserted (cluster order) and then lowered ones updated: two
// statements moving memberships between the same clusters in opposite directions each held the
// count it raised while waiting for the one it lowered, and deadlocked.
const ADD = `
  insert into cluster_membership_count as k (cluster_id, memberships)
    select d.cluster_id, d.delta from unnest(p_cluster_ids, p_deltas) as d (cluster_id, delta)
    where d.delta > 0 order by d.cluster_id
  on conflict (cluster_id) do update set memberships = k.memberships + excluded.memberships;
  update cluster_membership_count as k set memberships = k.memberships + d.delta
    from unnest(p_cluster_ids, p_deltas) as d (cluster_id, delta)
    where d.delta < 0 and k.cluster_id = d.cluster_id;`;
const LOCK = `
  select 1 from cluster_membership_count where cluster_id = any(p_cluster_ids) order by cluster_id for update;`;
const addFunction = (
  body: string,
) => `create or replace function cluster_membership_count_add(p_cluster_ids integer[], p_deltas integer[])
  returns void language sql as $$${body}
  $$;`;

export class Migration20261123200000_membership_count_lock_order extends Migration {
  override async up(): Promise<void> {
    this.addSql(addFunction(LOCK + ADD));
  }

  override async down(): Promise<void> {
    this.addSql(addFunction(ADD));
  }
}
