// API token management (the `npm run token` command line uses it): ADMIN only, audited like every write.
import { assertCan } from '../auth/permissions.js';
import { generateToken, hashToken, tokenPrefix } from '../auth/token.js';
import type { RequestContext } from '../context/request-context.js';
import { TokenRole } from '../entities/enums.js';
import { ApiToken, ApiTokenCluster, Cluster } from '../entities/index.js';
import { badInput, notFound } from '../lib/errors.js';
import { fetchClustersBySlug } from '../repositories/cluster.repository.js';
import { Db } from '../repositories/db.js';
import { fetchTokenClusterSlugs } from '../repositories/token.repository.js';
import { recordAudit } from './audit.service.js';
import { InputCheck } from './validation.js';
import { inTransaction } from './write.js';

export interface CreateTokenInput {
  name: string;
  role: TokenRole;
  /** Slugs of the clusters an EDITOR or READER is scoped to; none for ADMIN. */
  clusters?: readonly string[] | null;
}

/** A token as listings show it; the token itself is never stored, only its hash and prefix. */
export interface TokenInfo {
  id: number;
  name: string;
  role: TokenRole;
  /** The first characters after `klynge_`, to recognise a token by. */
  prefix: string;
  clusters: string[];
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

const NAME_MAX = 100;

const toInfo = (token: ApiToken, clusters: string[]): TokenInfo => ({
  id: token.id,
  name: token.name,
  role: token.role,
  prefix: token.tokenPrefix,
  clusters,
  createdAt: token.createdAt,
  revokedAt: token.revokedAt ?? null,
  lastUsedAt: token.lastUsedAt ?? null,
});

// Clusters are read as plain rows here, never loaded as entities into a write: MikroORM 6.6 on
// SQLite would take their datetimes for changes and rewrite them (bumping their versions).

/** Creates a token; returns it in clear text, the only time it is ever available. */
export async function createToken(ctx: RequestContext, input: CreateTokenInput): Promise<{ token: string; info: TokenInfo }> {
  const viewer = assertCan(ctx.viewer, 'token.create');
  const check = new InputCheck();
  const name = check.text('name', input.name, NAME_MAX);
  const role = check.oneOf('role', input.role, TokenRole);
  const slugs = [...new Set(input.clusters ?? [])];
  if (role === TokenRole.ADMIN && slugs.length > 0)
    check.add('clusters', 'must be empty for an ADMIN token (it reaches everything)');
  if ((role === TokenRole.EDITOR || role === TokenRole.READER) && slugs.length === 0) {
    check.add('clusters', `must name at least one cluster for an ${role} token`);
  }
  check.done();

  const token = generateToken();
  const info = await inTransaction(ctx, async (em) => {
    const clusters = await fetchClustersBySlug(new Db(em), slugs);
    const unknown = slugs.filter((slug) => !clusters.some((c) => c.slug === slug));
    if (unknown.length) throw badInput(`Unknown cluster(s): ${unknown.join(', ')}.`, 'clusters');

    const row = em.create(ApiToken, { name, role, tokenHash: hashToken(token), tokenPrefix: tokenPrefix(token) });
    for (const cluster of clusters) em.create(ApiTokenCluster, { apiToken: row, cluster: em.getReference(Cluster, cluster.id) });
    await em.flush();
    const created = toInfo(row, clusters.map((c) => c.slug).sort());
    recordAudit(em, viewer, {
      action: 'token.create',
      entityType: 'ApiToken',
      entityId: row.id,
      changes: {
        name: { before: null, after: name },
        role: { before: null, after: role },
        clusters: { before: null, after: created.clusters },
        prefix: { before: null, after: created.prefix },
      },
    });
    return created;
  });
  return { token, info };
}

/** Every token, oldest first, revoked ones included. */
export async function listTokens(ctx: RequestContext): Promise<TokenInfo[]> {
  assertCan(ctx.viewer, 'token.list');
  const tokens = await ctx.em.fork().find(ApiToken, {}, { orderBy: { id: 'asc' } });
  const slugs = await fetchTokenClusterSlugs(
    ctx.db,
    tokens.map((t) => t.id),
  );
  return tokens.map((t) => toInfo(t, slugs.get(t.id) ?? []));
}

/** Revokes a token: every later request with it is UNAUTHENTICATED. The row stays for the audit trail. */
export async function revokeToken(ctx: RequestContext, id: number): Promise<TokenInfo> {
  const viewer = assertCan(ctx.viewer, 'token.revoke');
  if (!Number.isSafeInteger(id) || id < 1) throw badInput('The token id must be a positive whole number.', 'id');
  return inTransaction(ctx, async (em) => {
    const token = await em.findOne(ApiToken, { id });
    if (!token) throw notFound(`No API token with id ${id}.`, 'id');
    if (token.revokedAt) throw badInput(`Token ${id} was already revoked on ${token.revokedAt.toISOString()}.`, 'id');
    token.revokedAt = new Date();
    await em.flush();
    recordAudit(em, viewer, {
      action: 'token.revoke',
      entityType: 'ApiToken',
      entityId: token.id,
      changes: { revokedAt: { before: null, after: token.revokedAt.toISOString() } },
    });
    return toInfo(token, (await fetchTokenClusterSlugs(new Db(em), [token.id])).get(token.id) ?? []);
  });
}
