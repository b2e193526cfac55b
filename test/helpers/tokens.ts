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

/** Issues a token with the command line (`token create ...args`); returns it as printed. */
export async function issueTokenWithCli(orm: MikroORM, ...args: string[]): Promise<string> {
  const { runTokenCommand } = await import('../../src/cli/token-command.js');
  const lines: string[] = [];
  await runTokenCommand(orm, ['create', ...args], (line) => lines.push(line));
  const token = /klynge_[A-Za-z0-9_-]{43}/.exec(lines.join('\n'))?.[0];
  if (!token) throw new Error(`token create printed no token:\n${lines.join('\n')}`);
  return token;
}

/** The header that presents a token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
