import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import type { DatabaseConfig } from '../../config/config.js';
import {
  DATASET_FILES,
  DATASET_FORMAT,
  type DatasetFile,
  type DatasetFileKind,
  type DatasetRows,
  formatIssue,
  manifestSchema,
} from './dataset-rows.js';
import { type DatasetIssue, DatasetValidator, formatDatasetIssue } from './dataset-validator.js';
import type { DatasetWriter } from './dataset-writer.js';
import type { TableCounts } from './import-sql.js';
import { type PostgresWriterOptions, PostgresDatasetWriter } from './postgres-writer.js';
import { readLineBatches } from './ndjson-reader.js';
import { SqliteDatasetWriter } from './sqlite-writer.js';

/** Progress of an import, for a progress bar or a log. */
export type ImportEvent =
  | { type: 'file-start'; file: string; bytes: number }
  | { type: 'file-progress'; file: string; bytesRead: number; bytes: number; rows: number }
  | { type: 'file-done'; file: string; rows: number; ms: number }
  | { type: 'merge-start'; table: string }
  | { type: 'merge-done'; counts: TableCounts; ms: number }
  | { type: 'phase'; name: string; ms: number };

export interface ImportOptions {
  onEvent?: (event: ImportEvent) => void;
  /** Issues kept for the error (all are counted). Default 20. */
  maxIssues?: number;
  /** PostgreSQL only: triggers and indexes during the merge (see ImportStrategy). */
  postgres?: PostgresWriterOptions;
  /** The time written to created_at/updated_at (default: now). */
  now?: Date;
}

export interface ImportSummary {
  directory: string;
  dialect: DatabaseConfig['dialect'];
  files: { file: string; rows: number; bytes: number }[];
  tables: TableCounts[];
  strategy: 'incremental' | 'bulk';
  elapsedMs: number;
}

/** The dataset is unusable: nothing was written. `issues` holds the first problems, `issueCount` all. */
export class DatasetImportError extends Error {
  override name = 'DatasetImportError';

  constructor(
    readonly issues: DatasetIssue[],
    readonly issueCount: number,
  ) {
    super(
      `the dataset has ${issueCount} problem${issueCount === 1 ? '' : 's'}; nothing was written\n` +
        issues.map((issue) => `  ${formatDatasetIssue(issue)}`).join('\n') +
        (issueCount > issues.length ? `\n  ... and ${issueCount - issues.length} more` : ''),
    );
  }
}

interface Manifest {
  rows: Map<string, number>;
}

/**
 * Imports a dataset in the `innovation-clusters/1` format (a directory of NDJSON files) into the
 * database, in one transaction: every line is validated as it streams in, and any invalid line, or
 * any failure while writing, rolls everything back. Rows are matched on their natural keys, so a
 * second run of the same dataset changes nothing, and a changed row is updated in place.
 */
export class DatasetImportService {
  constructor(
    private readonly orm: MikroORM,
    private readonly database: DatabaseConfig,
  ) {}

  async run(directory: string, options: ImportOptions = {}): Promise<ImportSummary> {
    const started = performance.now();
    const emit = options.onEvent ?? (() => {});
    const dir = resolve(directory);
    const validator = new DatasetValidator(options.maxIssues ?? 20);

    const dirInfo = await stat(dir).catch(() => null);
    if (!dirInfo?.isDirectory()) {
      validator.report(dir, undefined, 'is not a directory');
      throw new DatasetImportError(validator.issues, validator.issueCount);
    }
    const manifest = await this.readManifest(dir, validator);
    const sizes = new Map<string, number>();
    for (const file of DATASET_FILES) {
      const info = await stat(join(dir, file.name)).catch(() => null);
      if (info?.isFile()) sizes.set(file.name, info.size);
      else validator.report(file.name, undefined, `not found in ${dir}`);
    }
    if (!validator.ok) throw new DatasetImportError(validator.issues, validator.issueCount);

    const writer = this.createWriter(options);
    try {
      await writer.begin(options.now ?? new Date(), {
        stepStarted: (table) => emit({ type: 'merge-start', table }),
        stepDone: (counts, ms) => emit({ type: 'merge-done', counts, ms }),
        phaseDone: (name, ms) => emit({ type: 'phase', name, ms }),
      });
      const files: ImportSummary['files'] = [];
      for (const file of DATASET_FILES) {
        const bytes = sizes.get(file.name) ?? 0;
        emit({ type: 'file-start', file: file.name, bytes });
        const fileStarted = performance.now();
        const rows = await this.loadFile(dir, file, bytes, validator, writer, manifest, emit);
        files.push({ file: file.name, rows, bytes });
        emit({ type: 'file-done', file: file.name, rows, ms: performance.now() - fileStarted });
      }
      if (!validator.ok) throw new DatasetImportError(validator.issues, validator.issueCount);

      const merged = await writer.merge();
      const commitStarted = performance.now();
      await writer.commit();
      emit({ type: 'phase', name: 'committed', ms: performance.now() - commitStarted });
      return {
        directory: dir,
        dialect: this.database.dialect,
        files,
        tables: merged.tables,
        strategy: merged.strategy,
        elapsedMs: performance.now() - started,
      };
    } catch (error) {
      await writer.rollback();
      throw error;
    } finally {
      await writer.release();
    }
  }

  private createWriter(options: ImportOptions): DatasetWriter {
    return this.database.dialect === 'postgresql'
      ? new PostgresDatasetWriter(this.database, options.postgres)
      : new SqliteDatasetWriter(this.orm);
  }

  /** Streams, validates and stages one file; returns its number of rows (valid or not). */
  private async loadFile<K extends DatasetFileKind>(
    dir: string,
    file: DatasetFile<K>,
    bytes: number,
    validator: DatasetValidator,
    writer: DatasetWriter,
    manifest: Manifest | null,
    emit: (event: ImportEvent) => void,
  ): Promise<number> {
    // Once the dataset is known to be bad nothing more is staged (the rollback discards what was),
    // but validation goes on to report more problems.
    if (validator.ok) await writer.startFile(file.kind);
    let rows = 0;
    for await (const batch of readLineBatches(join(dir, file.name))) {
      const good: DatasetRows[K][] = [];
      for (let i = 0; i < batch.lines.length; i++) {
        const text = batch.lines[i];
        if (text.length === 0 || (text.length < 3 && text.trim() === '')) continue;
        rows++;
        const row = validator.validate(file, batch.firstLine + i, text);
        if (row !== null) good.push(row);
      }
      if (validator.ok && good.length > 0) await writer.write(file.kind, good);
      emit({ type: 'file-progress', file: file.name, bytesRead: batch.bytesRead, bytes, rows });
    }
    const expected = manifest?.rows.get(file.name);
    if (expected !== undefined && expected !== rows) {
      validator.report(file.name, undefined, `has ${rows} rows, manifest.json says ${expected}`);
    }
    if (validator.ok) {
      await writer.endFile(file.kind);
      // The dataset is good so far: the writer may merge what is complete while later files are read.
      writer.mergeReady();
    }
    return rows;
  }

  /** Reads manifest.json if there is one and checks its format. */
  private async readManifest(dir: string, validator: DatasetValidator): Promise<Manifest | null> {
    let text: string;
    try {
      text = await readFile(join(dir, 'manifest.json'), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      validator.report('manifest.json', undefined, `invalid JSON: ${(error as Error).message}`);
      return null;
    }
    const result = manifestSchema.safeParse(json);
    if (!result.success) {
      validator.report('manifest.json', undefined, `not a dataset manifest: ${formatIssue(result.error.issues[0], json)}`);
      return null;
    }
    const parsed = result.data;
    if (parsed.format !== DATASET_FORMAT) {
      validator.report('manifest.json', undefined, `format is "${parsed.format}", this importer reads "${DATASET_FORMAT}"`);
      return null;
    }
    const rows = new Map<string, number>();
    for (const [name, info] of Object.entries(parsed.files ?? {})) if (info.rows !== undefined) rows.set(name, info.rows);
    return { rows };
  }
}
