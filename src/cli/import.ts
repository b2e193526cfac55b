/**
 * Imports a dataset directory (format `innovation-clusters/1`) into DATABASE_URL's database,
 * migrating it first. All or nothing; running it again with the same data changes nothing.
 *   node dist/src/cli/import.js [--strategy auto|incremental|bulk] <dataset-dir>
 */
import 'reflect-metadata';
import cliProgress from 'cli-progress';
import { loadConfig } from '../config/config.js';
import { migrateDatabase, openDatabase } from '../db/database.js';
import {
  DatasetImportError,
  DatasetImportService,
  type ImportEvent,
  type ImportSummary,
} from '../services/import/dataset-import.service.js';
import { DATASET_FILES } from '../services/import/dataset-rows.js';
import type { ImportStrategy } from '../services/import/postgres-writer.js';

const USAGE = 'usage: npm run import -- [--strategy auto|incremental|bulk] <dataset-dir>';
const STRATEGIES: ImportStrategy[] = ['auto', 'incremental', 'bulk'];

interface Args {
  directory: string;
  strategy: ImportStrategy;
}

function parseArgs(args: string[]): Args {
  let strategy: ImportStrategy = 'auto';
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') throw new UsageError(USAGE, 0);
    if (arg === '--strategy' || arg.startsWith('--strategy=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      if (!STRATEGIES.includes(value as ImportStrategy))
        throw new UsageError(`--strategy must be one of ${STRATEGIES.join(', ')}\n${USAGE}`);
      strategy = value as ImportStrategy;
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}\n${USAGE}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 1) throw new UsageError(`give exactly one dataset directory\n${USAGE}`);
  return { directory: positional[0], strategy };
}

class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

/** Progress on stderr: one bar per file when stderr is a terminal, otherwise one line per finished step. */
class ProgressReporter {
  private readonly multi: cliProgress.MultiBar | null;
  private readonly bars = new Map<string, cliProgress.SingleBar>();
  private filesDone = 0;

  constructor(tty: boolean) {
    this.multi = tty
      ? new cliProgress.MultiBar(
          {
            format: ' {file} [{bar}] {percentage}% | {rows} rows | {size}',
            barCompleteChar: '\u2588',
            barIncompleteChar: '\u2591',
            hideCursor: true,
            clearOnComplete: false,
            stopOnComplete: false,
            etaBuffer: 50,
            fps: 10,
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
  }

  readonly handle = (event: ImportEvent): void => {
    switch (event.type) {
      case 'file-start': {
        const bar = this.multi?.create(Math.max(event.bytes, 1), 0, this.payload(event.file, 0, event.bytes));
        if (bar) this.bars.set(event.file, bar);
        break;
      }
      case 'file-progress':
        this.bars.get(event.file)?.update(event.bytesRead, this.payload(event.file, event.rows, event.bytes));
        break;
      case 'file-done': {
        const bar = this.bars.get(event.file);
        if (bar) bar.update(bar.getTotal(), { rows: event.rows.toLocaleString('en') });
        else this.line(`${event.file}: ${event.rows} rows read and staged in ${seconds(event.ms)}`);
        // All files read: the bars are final, what follows are plain lines.
        if (++this.filesDone === DATASET_FILES.length) this.stop();
        break;
      }
      case 'merge-start':
        break;
      case 'merge-done': {
        const c = event.counts;
        this.line(
          `merged ${c.table}: ${c.inserted} inserted, ${c.updated} updated, ${c.unchanged} unchanged${c.deleted ? `, ${c.deleted} deleted` : ''} in ${seconds(event.ms)}`,
        );
        break;
      }
      case 'phase':
        this.line(`${event.name} in ${seconds(event.ms)}`);
        break;
    }
  };

  stop(): void {
    if (this.multi && this.bars.size > 0) {
      this.multi.update(); // flushes lines logged since the last redraw
      this.multi.stop();
      this.bars.clear();
    }
  }

  /** A log line; above the bars while they are shown. */
  private line(text: string): void {
    if (this.multi && this.bars.size > 0) this.multi.log(`${text}\n`);
    else process.stderr.write(`${text}\n`);
  }

  private payload(file: string, rows: number, bytes: number) {
    return { file: file.padEnd(22), rows: rows.toLocaleString('en'), size: megabytes(bytes) };
  }
}

function printSummary(summary: ImportSummary): void {
  const rows = summary.tables.map((t) => [t.table, t.inserted, t.updated, t.unchanged, t.deleted].map(String));
  const header = ['table', 'inserted', 'updated', 'unchanged', 'deleted'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const totalRows = summary.files.reduce((sum, f) => sum + f.rows, 0);
  console.log(
    `imported ${summary.directory} (${totalRows.toLocaleString('en')} rows) into ${summary.dialect} in ${seconds(summary.elapsedMs)}` +
      (summary.dialect === 'postgresql' ? ` (${summary.strategy})` : ''),
  );
  console.log(format(header));
  for (const row of rows) console.log(format(row));
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const config = loadConfig();
  const orm = await openDatabase(config.database);
  const progress = new ProgressReporter(Boolean(process.stderr.isTTY));
  try {
    await migrateDatabase(orm);
    const service = new DatasetImportService(orm, config.database);
    const summary = await service.run(args.directory, { onEvent: progress.handle, postgres: { strategy: args.strategy } });
    progress.stop();
    printSummary(summary);
  } finally {
    progress.stop();
    await orm.close(true);
  }
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exit(error.exitCode);
  } else if (error instanceof DatasetImportError) {
    console.error(`import failed: ${error.message}`);
  } else {
    console.error(`import failed, nothing was written: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Exit at once: a half-open connection pool must not keep the process alive.
  process.exit(1);
}
