import { TokenRole } from '../entities/enums.js';
import { CodedError, ErrorCode } from '../lib/errors.js';
import type { Db } from '../repositories/db.js';
import { fetchTokenByHash, fetchUnrevokedTokenIds, markTokenUsed } from '../repositories/token.repository.js';
import { hashToken, isWellFormedToken } from './token.js';

/** Who is making a request: resolved once per request from its API token. */
export interface Viewer {
  /** The token behind the request; null for trusted paths such as the command line. */
  tokenId: number | null;
  /** The token's name (or e.g. `cli:ops`): what the audit trail records as the actor. */
  name: string;
  role: TokenRole;
  /** Database ids of the clusters an EDITOR or READER is scoped to; empty for ADMIN. */
  clusterIds: readonly number[];
}

/** An all-powerful viewer for trusted paths (the command line); `name` is what the audit trail shows. */
export const systemViewer = (name: string): Viewer => ({ tokenId: null, name, role: TokenRole.ADMIN, clusterIds: [] });

/** lastUsedAt is kept to the hour, so a busy token costs one write per hour, not one per request. */
const LAST_USED_PRECISION_MS = 60 * 60 * 1000;

const unauthenticated = (message: string) => new CodedError(ErrorCode.UNAUTHENTICATED, message);

/**
 * The viewer a token stands for: one indexed lookup by its hash. A malformed, unknown or revoked
 * token is UNAUTHENTICATED.
 */
export async function authenticate(db: Db, token: string, now: Date = new Date()): Promise<Viewer> {
  if (!isWellFormedToken(token)) throw unauthenticated('This is not a klynge API token (they look like "klynge_…").');
  const rows = await fetchTokenByHash(db, hashToken(token));
  const row = rows[0];
  if (!row) throw unauthenticated('Unknown API token.');
  if (row.revokedAt !== null) throw unauthenticated('This API token has been revoked.');
  if (row.lastUsedAt === null || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS) {
    await markTokenUsed(db, row.id, now);
  }
  return {
    tokenId: row.id,
    name: row.name,
    role: row.role,
    clusterIds: rows.flatMap((r) => (r.clusterId === null ? [] : [r.clusterId])),
  };
}

/** The tokens among `tokenIds` that still authenticate (not revoked, not deleted): one statement for all. */
export const stillValidTokens = (db: Db, tokenIds: readonly number[]): Promise<Set<number>> =>
  fetchUnrevokedTokenIds(db, tokenIds);
