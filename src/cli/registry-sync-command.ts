// `npm run registry:sync`: the command behind src/cli/registry-sync.ts, callable from tests.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import cliProgress from 'cli-progress';
import { pino } from 'pino';
import { systemViewer } from '../auth/viewer.js';
import type { AppConfig } from '../config/config.js';
import { HttpCompanyRegister } from '../connectors/company-register.connector.js';
import { MemoryRegistryCache } from '../connectors/registry-cache.js';
import { createRequestContext } from '../context/request-context.js';
import {
  type RegistrySyncState,
  type SyncCounts,
  type SyncEvent,
  type SyncStateStore,
  syncOrganizationsFromRegister,
} from '../services/registry-sync.service.js';

export const SYNC_USAGE = 'usage: npm run registry:sync -- [--full] [--state <file>] [--batch-size <n>]';
export const DEFAULT_STATE_FILE = './data/registry-sync.json';

/** A mistake in how the command was called (exit code 2, usage shown). */
export class SyncUsageError extends Error {}

interface SyncArgs {
  full: boolean;
  stateFile: string;
  batchSize: number;
}

function parseArgs(args: readonly string[]): SyncArgs {
  const parsed: SyncArgs = { full: false, stateFile: DEFAULT_STATE_FILE, batchSize: 100 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--full') parsed.full = true;
    else if (arg === '--state' && args[i + 1]) parsed.stateFile = args[++i];
    else if (arg === '--batch-size' && /^\d+$/.test(args[i + 1] ?? '') && Number(args[i + 1]) >= 1 && Number(args[i + 1]) <= 100)
      parsed.batchSize = Number(args[++i]);
    else throw new SyncUsageError(`unknown or incomplete argument ${arg}`);
  }
  return parsed;
}

/** The database a state belongs to, without credentials. */
function databaseIdentity(config: AppConfig): string {
  const { database } = config;
  if (database.dialect === 'sqlite') return `sqlite:${database.file}`;
  const url = new URL(database.url);
  return `postgresql://${url.host}${url.pathname}${database.schema ? `#${database.schema}` : ''}`;
}

/** The state as a JSON file, written atomically; a state of another database is ignored. */
export function fileStateStore(file: string, database: string): SyncStateStore {
  return {
    async load() {
      try {
        const saved = JSON.parse(await readFile(file, 'utf8')) as { database?: string; state?: RegistrySyncState };
        return saved.database === database && saved.state ? saved.state : null;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new Error(`cannot read the sync state ${file}: ${(error as Error).message} (remove it, or run with --full)`);
      }
    },
    async save(state) {
      await mkdir(dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify({ database, state, savedAt: new Date().toISOString() }, null, 2)}\n`);
      await rename(temporary, file);
    },
  };
}

/** A bar on a terminal, otherwise a line now and then. */
function progressReporter(out: (line: string) => void, tty: boolean) {
  let bar: cliProgress.SingleBar | null = null;
  let lastLine = 0;
  return {
    handle(event: SyncEvent) {
      if (event.type === 'start') {
        out(
          `${event.resumed ? 'resuming' : 'starting'} a ${event.mode === 'full' ? 'full pass over' : 'pass over the changes to'} ${event.total} ${event.mode === 'full' ? 'organizations' : 'register units'}`,
        );
        if (tty && event.total > 0) {
          bar = new cliProgress.SingleBar(
            {
              format: ' register sync [{bar}] {percentage}% | {value}/{total} | {updated} updated',
              stream: process.stderr,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(event.total, 0, { updated: 0 });
        }
      } else if (event.type === 'progress') {
        if (bar) bar.update(event.done, { updated: event.counts.updated });
        else if (Date.now() - lastLine > 2_000 || event.done >= event.total) {
          lastLine = Date.now();
          out(`${event.done}/${event.total}: ${event.counts.updated} updated`);
        }
      } else {
        bar?.stop();
        bar = null;
      }
    },
    stop() {
      bar?.stop();
    },
  };
}

/** Runs the sync with the configured register; returns what it did. */
export async function runRegistrySync(
  orm: MikroORM,
  config: AppConfig,
  argv: readonly string[],
  out: (line: string) => void,
  tty = false,
): Promise<SyncCounts> {
  const args = parseArgs(argv);
  const registry = config.registry;
  if (!registry?.enabled)
    throw new SyncUsageError('the company register is switched off (REGISTRY_ENABLED=false): nothing to sync from');
  // Fresh answers: the sync has its own in-process cache only (no Redis, nothing from yesterday).
  const register = new HttpCompanyRegister({
    url: registry.url,
    timeoutMs: registry.timeoutMs,
    hitTtlMs: registry.hitTtlSeconds * 1000,
    missTtlMs: registry.missTtlSeconds * 1000,
    cache: new MemoryRegistryCache(10_000),
    logger: pino({ level: config.logLevel === 'silent' ? 'silent' : 'warn' }, pino.destination(2)),
    batchSize: args.batchSize,
  });
  const progress = progressReporter(out, tty);
  try {
    const counts = await syncOrganizationsFromRegister(
      () => createRequestContext(orm, undefined, systemViewer('registry-sync')),
      register,
      fileStateStore(args.stateFile, databaseIdentity(config)),
      { full: args.full, batchSize: args.batchSize, onEvent: progress.handle },
    );
    out(
      `register sync: ${counts.checked} checked, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.unknown} unknown to the register, ${counts.deleted} deleted there, ${counts.failed} failed`,
    );
    return counts;
  } finally {
    progress.stop();
    await register.close();
  }
}
