// The membership counts the database keeps per cluster and per cluster group (see the
// cluster_membership_count and cluster_group_membership_count migrations), checked against the
// rows themselves.
import { type TestDatabase, sql } from './database.js';

export interface CountMismatch {
  /** `cluster <id>` or `group <level>/<county>/<status>`. */
  at: string;
  kept: number;
  rows: number;
}

/** Clusters and cluster groups whose kept count differs from their number of membership rows (none when all is well). */
export async function keptCountMismatches(db: TestDatabase): Promise<CountMismatch[]> {
  const clusters = await sql(
    db,
    `select c.id as cluster_id, coalesce(k.memberships, 0) as kept,
            (select count(*) from membership m where m.cluster_id = c.id) as row_count
     from cluster c left join cluster_membership_count k on k.cluster_id = c.id
     union all
     select k.cluster_id, k.memberships, 0 from cluster_membership_count k
     where not exists (select 1 from cluster c where c.id = k.cluster_id)`,
  );
  const groups = await sql(
    db,
    `with counted as (
       select c.level, c.county, c.status, count(*) as n from membership m join cluster c on c.id = m.cluster_id
       group by c.level, c.county, c.status
     ), keys as (
       select level, county, status from counted union select level, county, status from cluster_group_membership_count
     )
     select keys.level, keys.county, keys.status, coalesce(k.memberships, 0) as kept, coalesce(counted.n, 0) as row_count
     from keys left join cluster_group_membership_count k using (level, county, status) left join counted using (level, county, status)`,
  );
  return [
    ...clusters.map((r) => ({ at: `cluster ${r.cluster_id}`, kept: Number(r.kept), rows: Number(r.row_count) })),
    ...groups.map((r) => ({ at: `group ${r.level}/${r.county}/${r.status}`, kept: Number(r.kept), rows: Number(r.row_count) })),
  ].filter((r) => r.kept !== r.rows);
}
