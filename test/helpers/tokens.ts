import type { MikroORM } from '@mikro-orm/core';
import { systemViewer } from '../../src/auth/viewer.js';
import { createRequestContext } from '../../src/context/request-context.js';
import { TokenRole } from '../../src/entities/enums.js';
import { createToken } from '../../src/services/token.service.js';

/** Issues an API token through the token service (as the CLI does); returns it in clear text. */
export async function issueToken(
  db: { orm: MikroORM },
  role: TokenRole,
  clusters: string[] = [],
  name = `${role.toLowerCase()} ${clusters.join('+') || 'all'}`,
): Promise<string> {
  const ctx = createRequestContext(db.orm, undefined, systemViewer('test-setup'));
  return (await createToken(ctx, { name, role, clusters })).token;
}

export { TokenRole };
