// The membership counts the database keeps per cluster (see the cluster_membership_count
// migrations), checked against the rows themselves.
import { type TestDatabase, sql } from './database.js';

/** Clusters whose kept count differs from their number of membership rows (none when all is well). */
export async function keptCountMismatches(db: TestDatabase): Promise<{ clusterId: number; kept: number; rows: number }[]> {
  const rows = await sql(
    db,
    `select c.id as cluster_id, coalesce(k.memberships, 0) as kept,
            (select count(*) from membership m where m.cluster_id = c.id) as row_count
     from cluster c left join cluster_membership_count k on k.cluster_id = c.id
     union all
     select k.cluster_id, k.memberships, 0 from cluster_membership_count k
     where not exists (select 1 from cluster c where c.id = k.cluster_id)`,
  );
  return rows
    .map((r) => ({ clusterId: Number(r.cluster_id), kept: Number(r.kept), rows: Number(r.row_count) }))
    .filter((r) => r.kept !== r.rows);
}
