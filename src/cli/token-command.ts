// `npm run token -- …`: the command itself, apart from process handling, so tests can run it on
// their own database. It acts as an ADMIN named `cli:<os user>`; whoever can run it can reach the
// database anyway. Tokens go through the token service, so they are validated and audited.
import { userInfo } from 'node:os';
import type { MikroORM } from '@mikro-orm/core';
import { systemViewer } from '../auth/viewer.js';
import { createRequestContext } from '../context/request-context.js';
import { TokenRole } from '../entities/enums.js';
import { CodedError } from '../lib/errors.js';
import { type TokenInfo, createToken, listTokens, revokeToken } from '../services/token.service.js';

export const TOKEN_USAGE = `usage:
  npm run token -- create --role admin|editor|reader --name "<name>" [--clusters slug,slug]
  npm run token -- list
  npm run token -- revoke <id>
EDITOR and READER tokens need --clusters; ADMIN tokens reach every cluster.`;

/** A mistake in how the command was called (exit code 2, usage shown). */
export class UsageError extends Error {}

/** Who the command line acts as in the audit trail. */
const cliActor = () => {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
};

function options(args: string[], known: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    if (!known.includes(flag)) throw new UsageError(`unknown argument ${arg}`);
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    values[flag.slice(2)] = value;
  }
  return values;
}

const date = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '-');

function table(tokens: TokenInfo[]): string {
  const header = ['id', 'name', 'role', 'prefix', 'clusters', 'created', 'last used', 'revoked'];
  const rows = tokens.map((t) => [
    String(t.id),
    t.name,
    t.role,
    `klynge_${t.prefix}…`,
    t.clusters.join(',') || '-',
    date(t.createdAt),
    date(t.lastUsedAt),
    date(t.revokedAt),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Runs one token command against the database; `print` receives the output lines. */
export async function runTokenCommand(orm: MikroORM, args: string[], print: (line: string) => void): Promise<void> {
  const [command, ...rest] = args;
  const ctx = createRequestContext(orm, undefined, systemViewer(cliActor()));
  try {
    if (command === 'create') {
      const opts = options(rest, ['--role', '--name', '--clusters']);
      if (!opts.role || !opts.name) throw new UsageError('create needs --role and --name');
      const role = opts.role.toUpperCase() as TokenRole;
      if (!Object.values(TokenRole).includes(role)) throw new UsageError('--role must be admin, editor or reader');
      const clusters = (opts.clusters ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const { token, info } = await createToken(ctx, { name: opts.name, role, clusters });
      print(
        `created ${info.role} token ${info.id} "${info.name}"${info.clusters.length ? ` for ${info.clusters.join(', ')}` : ''}`,
      );
      print('');
      print(`  ${token}`);
      print('');
      print('This is the only time the token is shown: only its hash is stored. Send it as "Authorization: Bearer <token>".');
    } else if (command === 'list') {
      if (rest.length) throw new UsageError(`list takes no arguments`);
      const tokens = await listTokens(ctx);
      print(tokens.length ? table(tokens) : 'no tokens yet');
    } else if (command === 'revoke') {
      if (rest.length !== 1) throw new UsageError('revoke needs exactly one token id (see `list`)');
      const info = await revokeToken(ctx, Number(rest[0]));
      print(`revoked token ${info.id} "${info.name}"; requests with it are now refused`);
    } else {
      throw new UsageError(command ? `unknown command ${command}` : 'which command?');
    }
  } catch (error) {
    // The service's expected refusals read as plain messages on the command line.
    if (error instanceof CodedError) throw new Error(error.message);
    throw error;
  }
}
