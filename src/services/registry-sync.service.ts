// Refreshes the stored organization fields from the company register: the first run checks every
// (non-demo) organization, later runs only those the register's change feed names. Changes go
// through upsertOrganization, so versions bump and the audit trail records them. The position is
// saved after every batch: an interrupted run resumes where it stopped.
import type { RegistryEntry } from '../connectors/company-register.connector.js';
import type { RegisterChangePage } from '../connectors/company-register.format.js';
import type { RequestContext } from '../context/request-context.js';
import { Provenance } from '../entities/enums.js';
import { CodedError } from '../lib/errors.js';
import {
  countOrganizationsToSync,
  fetchOrganizationsByOrgNumber,
  fetchOrganizationsToSync,
} from '../repositories/organization.repository.js';
import type { OrganizationRecord } from '../repositories/records.js';
import { type UpsertOrganizationInput, upsertOrganization } from './organization-write.service.js';

/** Where a sync stands; saved after every batch. */
export interface RegistrySyncState {
  /** `full`: walking all organizations by id; `incremental`: following the change feed. */
  mode: 'full' | 'incremental';
  /** Full mode: the last organization id done. */
  afterId: number;
  /** When the current full run started (the change feed is read from there afterwards). */
  fullStartedAt: string | null;
  /** Incremental mode: the change feed is read from this instant… */
  since: string | null;
  /** …from this page on (a run interrupted within the feed resumes at its page). */
  page: number;
}

/** Where the state is kept between runs. */
export interface SyncStateStore {
  load(): Promise<RegistrySyncState | null>;
  save(state: RegistrySyncState): Promise<void>;
}

/** What the sync needs of the register. */
export interface SyncRegister {
  lookup(orgNumbers: readonly string[]): Promise<(RegistryEntry | null | CodedError)[]>;
  changes(since: string, page: number, size: number): Promise<RegisterChangePage>;
}

export interface SyncCounts {
  /** Organizations asked about. */
  checked: number;
  /** Changed (each a new version). */
  updated: number;
  unchanged: number;
  /** The register has no unit with the number. */
  unknown: number;
  /** The unit is deleted in the register (kept as it is here). */
  deleted: number;
  /** Edited by someone else meanwhile (CONFLICT) or refused; tried again on the next full run. */
  failed: number;
}

export type SyncEvent =
  | { type: 'start'; mode: 'full' | 'incremental'; total: number; resumed: boolean }
  | { type: 'progress'; done: number; total: number; counts: SyncCounts }
  | { type: 'done'; mode: 'full' | 'incremental'; counts: SyncCounts };

export interface SyncOptions {
  /** Organizations (numbers) per register call and per saved position. Default 100. */
  batchSize?: number;
  /** Walk every organization again, whatever the saved state says. */
  full?: boolean;
  now?: () => Date;
  onEvent?: (event: SyncEvent) => void;
}

/** The register could not answer; the position before the failed batch is saved. */
export class SyncInterrupted extends Error {
  override name = 'SyncInterrupted';
}

/** Norway's counties (2024) by the first two digits of a municipality number, older numbers included. */
const COUNTY_BY_NUMBER: Readonly<Record<string, string>> = {
  '03': 'Oslo',
  '11': 'Rogaland',
  '15': 'Møre og Romsdal',
  '18': 'Nordland',
  '31': 'Østfold',
  '32': 'Akershus',
  '33': 'Buskerud',
  '34': 'Innlandet',
  '39': 'Vestfold',
  '40': 'Telemark',
  '42': 'Agder',
  '46': 'Vestland',
  '50': 'Trøndelag',
  '55': 'Troms',
  '56': 'Finnmark',
  // 2020–2023 numbers of the merged counties, for units not yet renumbered.
  '30': 'Viken',
  '38': 'Vestfold og Telemark',
  '54': 'Troms og Finnmark',
};

const SMALL_WORDS = new Set(['i', 'på', 'og', 'under', 'ved']);

/** "MO I RANA" → "Mo i Rana": the register writes places in capitals. */
export function placeName(value: string | null | undefined): string | null {
  if (!value) return null;
  return value
    .toLocaleLowerCase('nb')
    .split(/(\s+|-)/)
    .map((word, i) => (i > 0 && SMALL_WORDS.has(word) ? word : word.charAt(0).toLocaleUpperCase('nb') + word.slice(1)))
    .join('');
}

/** A website as klynge stores it (an absolute http(s) URL), or undefined to leave the stored one. */
function websiteOf(value: string | null): string | null | undefined {
  if (!value) return null;
  const candidate = /^https?:\/\//i.test(value) ? value : `https://${value}`;
  try {
    const url = new URL(candidate);
    return url.hostname.includes('.') ? candidate : undefined;
  } catch {
    return undefined;
  }
}

/** The stored fields the register's entry says (only those it can say something about). */
export function fieldsFromRegister(entry: RegistryEntry): Omit<UpsertOrganizationInput, 'orgNumber' | 'version'> {
  const address = entry.businessAddress ?? entry.postalAddress;
  const county = address?.municipalityNumber ? COUNTY_BY_NUMBER[address.municipalityNumber.slice(0, 2)] : undefined;
  const website = websiteOf(entry.website);
  return {
    name: entry.legalName.slice(0, 200),
    city: placeName(address?.city),
    ...(county ? { county } : {}),
    naceCode: entry.industries[0]?.code ?? null,
    employees: entry.employees,
    ...(website !== undefined ? { website } : {}),
  };
}

/** The fields that differ from the stored record (empty: nothing to write). */
function changedFields(record: OrganizationRecord, fields: ReturnType<typeof fieldsFromRegister>) {
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if ((record as unknown as Record<string, unknown>)[key] !== value) changed[key] = value;
  }
  return changed as ReturnType<typeof fieldsFromRegister>;
}

const emptyCounts = (): SyncCounts => ({ checked: 0, updated: 0, unchanged: 0, unknown: 0, deleted: 0, failed: 0 });

/**
 * Syncs the stored organizations with the register: a full pass the first time (or with `full`),
 * the change feed since the last run after that. `context()` gives a fresh context for the writes
 * (a system viewer: the audit trail names it). Throws SyncInterrupted if the register fails.
 */
export async function syncOrganizationsFromRegister(
  context: () => RequestContext,
  register: SyncRegister,
  store: SyncStateStore,
  options: SyncOptions = {},
): Promise<SyncCounts> {
  const batchSize = options.batchSize ?? 100;
  const now = options.now ?? (() => new Date());
  const emit = options.onEvent ?? (() => {});
  const saved = options.full ? null : await store.load();
  const counts = emptyCounts();

  if (!saved || saved.mode === 'full') {
    const resumed = saved !== null && saved.afterId > 0;
    let state: RegistrySyncState = saved ?? {
      mode: 'full',
      afterId: 0,
      fullStartedAt: now().toISOString(),
      since: null,
      page: 0,
    };
    const total = await countOrganizationsToSync(context().db, state.afterId, Provenance.DEMO);
    emit({ type: 'start', mode: 'full', total, resumed });
    for (;;) {
      const records = await fetchOrganizationsToSync(context().db, state.afterId, batchSize, Provenance.DEMO);
      if (records.length === 0) break;
      await syncBatch(context, register, records, counts);
      state = { ...state, afterId: Number(records[records.length - 1].id) };
      await store.save(state);
      emit({ type: 'progress', done: counts.checked, total, counts: { ...counts } });
    }
    // Changes made during the full pass are in the feed from its start on.
    await store.save({ mode: 'incremental', afterId: 0, fullStartedAt: null, since: state.fullStartedAt, page: 0 });
    emit({ type: 'done', mode: 'full', counts });
    return counts;
  }

  let since = saved.since ?? now().toISOString();
  let page = saved.page;
  let latest = since;
  let seen = 0;
  for (;;) {
    const answer = await register.changes(since, page, batchSize).catch((error: unknown) => {
      throw new SyncInterrupted(`the register's change feed did not answer: ${(error as Error).message}`);
    });
    if (seen === 0) emit({ type: 'start', mode: 'incremental', total: answer.page.totalElements, resumed: page > 0 });
    const changes = answer._embedded?.oppdaterteEnheter ?? [];
    const numbers = [...new Set(changes.map((c) => c.organisasjonsnummer))];
    const stored = (await fetchOrganizationsByOrgNumber(context().db, numbers)).filter((o) => o.provenance !== Provenance.DEMO);
    await syncBatch(context, register, stored, counts);
    for (const change of changes) if (change.dato > latest) latest = change.dato;
    seen += changes.length;
    emit({ type: 'progress', done: seen, total: answer.page.totalElements, counts: { ...counts } });
    if (page + 1 >= answer.page.totalPages) {
      await store.save({ ...saved, since: latest, page: 0 });
      break;
    }
    // The register serves at most 10,000 entries per query (page × size): go on from the latest date.
    if ((page + 2) * batchSize > 10_000) {
      since = latest;
      page = 0;
    } else page += 1;
    await store.save({ ...saved, since, page });
  }
  emit({ type: 'done', mode: 'incremental', counts });
  return counts;
}

/** Looks one batch up and writes what changed; a register failure interrupts the sync. */
async function syncBatch(
  context: () => RequestContext,
  register: SyncRegister,
  records: readonly OrganizationRecord[],
  counts: SyncCounts,
): Promise<void> {
  if (records.length === 0) return;
  const answers = await register.lookup(records.map((r) => r.orgNumber));
  const failure = answers.find((a): a is CodedError => a instanceof CodedError);
  if (failure) throw new SyncInterrupted(`the register did not answer: ${failure.message}`);
  for (const [i, record] of records.entries()) {
    const entry = answers[i] as RegistryEntry | null;
    counts.checked++;
    if (!entry) {
      counts.unknown++;
      continue;
    }
    if (entry.deletedOn) {
      counts.deleted++;
      continue;
    }
    const changes = changedFields(record, fieldsFromRegister(entry));
    if (Object.keys(changes).length === 0) {
      counts.unchanged++;
      continue;
    }
    try {
      await upsertOrganization(context(), { orgNumber: record.orgNumber, version: record.version, ...changes });
      counts.updated++;
    } catch (error) {
      if (!(error instanceof CodedError)) throw error;
      counts.failed++;
    }
  }
}
