import type { TokenRole } from '../entities/enums.js';
import { type Db, parseDateTime } from './db.js';

/** A token as authentication sees it, once per scoped cluster (clusterId null when it has none). */
export interface TokenAuthRow {
  id: number;
  name: string;
  role: TokenRole;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  clusterId: number | null;
}

/** The token with this hash and its clusters, in one statement over the unique hash index. */
export async function fetchTokenByHash(db: Db, tokenHash: string): Promise<TokenAuthRow[]> {
  const qb = db.knex
    .from('api_token as t')
    .leftJoin('api_token_cluster as tc', 'tc.api_token_id', 't.id')
    .select(
      db.knex.raw(
        't.id as "id", t.name as "name", t.role as "role", t.revoked_at as "revokedAt", t.last_used_at as "lastUsedAt", tc.cluster_id as "clusterId"',
      ),
    )
    .where('t.token_hash', tokenHash);
  const rows = await db.rows<Record<string, unknown>>(qb);
  return rows.map((r) => ({
    id: Number(r.id),
    name: String(r.name),
    role: r.role as TokenRole,
    revokedAt: r.revokedAt == null ? null : parseDateTime(r.revokedAt),
    lastUsedAt: r.lastUsedAt == null ? null : parseDateTime(r.lastUsedAt),
    clusterId: r.clusterId == null ? null : Number(r.clusterId),
  }));
}

/** Notes when a token was used (bookkeeping, not an edit: no version bump, no audit entry). */
export async function markTokenUsed(db: Db, tokenId: number, at: Date): Promise<void> {
  await db.rows(
    db
      .knex('api_token')
      .update({ last_used_at: db.dateTimeParam(at) })
      .where('id', tokenId),
  );
}

/** The slugs of the clusters each token is scoped to, by token id (slug order). */
export async function fetchTokenClusterSlugs(db: Db, tokenIds: readonly number[]): Promise<Map<number, string[]>> {
  const qb = db.knex
    .from('api_token_cluster as tc')
    .join('cluster as c', 'c.id', 'tc.cluster_id')
    .select(db.knex.raw('tc.api_token_id as "tokenId", c.slug as "slug"'))
    .whereIn('tc.api_token_id', [...new Set(tokenIds)])
    .orderBy('c.slug');
  const slugs = new Map<number, string[]>(tokenIds.map((id) => [id, []]));
  for (const row of await db.rows<{ tokenId: number; slug: string }>(qb)) slugs.get(Number(row.tokenId))?.push(row.slug);
  return slugs;
}

/** The ids among `tokenIds` of tokens that exist and are not revoked. */
export async function fetchUnrevokedTokenIds(db: Db, tokenIds: readonly number[]): Promise<Set<number>> {
  const rows = await db.rows<{ id: number }>(
    db.whereKeys(db.knex.from('api_token').select('id').whereNull('revoked_at'), 'id', tokenIds),
  );
  return new Set(rows.map((r) => Number(r.id)));
}
