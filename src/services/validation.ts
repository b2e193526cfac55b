// Input checks for writes. Each check records a problem instead of throwing, so one error can name
// every problem of an input; `done()` throws them as a single BAD_USER_INPUT.
import { isIsoDate } from '../lib/dates.js';
import { type FieldProblem, invalidInput } from '../lib/errors.js';
import { type NodeType, fromGlobalIdOf } from '../lib/global-id.js';
import { isValidOrgNumber } from '../lib/org-number.js';

export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** A NACE (SN2007) industry code as the register writes it, e.g. `62.010`. */
export const NACE_CODE_PATTERN = /^\d{2}\.\d{3}$/;

/** Names one object by its slug or its global id: exactly one of them. */
export interface SlugOrIdKey {
  id?: string | null;
  slug?: string | null;
}

/** The `where` of a slug-or-id key. */
export type KeyWhere = { slug: string } | { id: number };

/** A key as messages name it: `slug "gce-subsea"` or `id 12`. */
export const describeKey = (where: KeyWhere) => ('slug' in where ? `slug "${where.slug}"` : `id ${where.id}`);

/** Collects the problems of one input; field names are paths from `prefix` (e.g. `input.sectors[2]`). */
export class InputCheck {
  readonly problems: FieldProblem[] = [];

  constructor(private readonly prefix = '') {}

  path(name: string): string {
    return this.prefix && name ? `${this.prefix}.${name}` : this.prefix || name;
  }

  add(name: string, message: string): void {
    this.problems.push({ field: this.path(name), message });
  }

  get ok(): boolean {
    return this.problems.length === 0;
  }

  /** Throws every problem found so far as one BAD_USER_INPUT. */
  done(): void {
    if (!this.ok) throw invalidInput(this.problems);
  }

  /** A required text, trimmed, 1 to `max` characters. */
  text(name: string, value: string | null | undefined, max: number): string {
    if (value == null) {
      this.add(name, 'is required');
      return '';
    }
    const trimmed = value.trim();
    if (trimmed.length === 0 || trimmed.length > max) this.add(name, `must be 1 to ${max} characters (it has ${trimmed.length})`);
    return trimmed;
  }

  /** An optional text, trimmed; blank means none (null). */
  optionalText(name: string, value: string | null | undefined, max: number): string | null {
    const trimmed = value?.trim() ?? '';
    if (trimmed.length > max) this.add(name, `must be at most ${max} characters (it has ${trimmed.length})`);
    return trimmed.length === 0 ? null : trimmed;
  }

  /** A slug: lowercase letters and digits in words joined by single hyphens, at most `max` characters. */
  slug(name: string, value: string | null | undefined, max = 100): string {
    if (value == null) {
      this.add(name, 'is required');
      return '';
    }
    if (!SLUG_PATTERN.test(value) || value.length > max) {
      this.add(name, `must be lowercase letters and digits in words joined by single hyphens, at most ${max} characters`);
    }
    return value;
  }

  /** An optional http(s) URL; blank means none. */
  httpUrl(name: string, value: string | null | undefined, max = 500): string | null {
    const trimmed = this.optionalText(name, value, max);
    if (trimmed === null || trimmed.length > max) return trimmed;
    let url: URL | null = null;
    try {
      url = new URL(trimmed);
    } catch {
      // reported below
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
      this.add(name, 'must be an http:// or https:// URL');
    }
    return trimmed;
  }

  /** An optional Norwegian organisation number (spaces allowed, e.g. `974 760 673`); blank means none. */
  orgNumber(name: string, value: string | null | undefined): string | null {
    const digits = value?.replace(/\s+/g, '') ?? '';
    if (digits.length === 0) return null;
    if (!isValidOrgNumber(digits)) this.add(name, 'must be a 9-digit organisation number with a valid check digit');
    return digits;
  }

  /** A required organisation number (see `orgNumber`). */
  requiredOrgNumber(name: string, value: string | null | undefined): string {
    const digits = this.orgNumber(name, value);
    if (digits === null) this.add(name, 'is required');
    return digits ?? '';
  }

  /** An optional NACE industry code, `NN.NNN`; blank means none. */
  naceCode(name: string, value: string | null | undefined): string | null {
    const trimmed = value?.trim() || null;
    if (trimmed !== null && !NACE_CODE_PATTERN.test(trimmed))
      this.add(name, 'must be a NACE code, two digits, a dot and three digits (e.g. 62.010)');
    return trimmed;
  }

  /** A list of distinct slugs, `min` to `max` of them. */
  slugs(name: string, values: readonly string[] | null | undefined, min: number, max: number): string[] {
    if (values == null) {
      this.add(name, 'is required');
      return [];
    }
    if (values.length < min || values.length > max) this.add(name, `must hold ${min} to ${max} values (it has ${values.length})`);
    const seen = new Set<string>();
    return values.map((value, i) => {
      const problems = this.problems.length;
      this.slug(`${name}[${i}]`, value);
      if (this.problems.length === problems && seen.has(value)) this.add(`${name}[${i}]`, `repeats "${value}"`);
      seen.add(value);
      return value;
    });
  }

  /** The database id in a required global id of `type`; a problem when it is none (`noun` names the type). */
  globalId(name: string, value: string | null | undefined, type: NodeType, noun: string): number {
    if (value == null) {
      this.add(name, 'is required');
      return 0;
    }
    try {
      return fromGlobalIdOf(type, value);
    } catch {
      this.add(name, `must be the global id of ${noun} ("${value}" is not)`);
      return 0;
    }
  }

  /** The `where` of a key that names one object by slug or by global id, or a problem when it names none or both. */
  slugOrId(name: string, key: SlugOrIdKey | null | undefined, type: NodeType, noun: string): KeyWhere {
    if (!key || (key.slug == null) === (key.id == null)) {
      this.add(name, 'must give exactly one of "slug" and "id"');
      return { id: 0 };
    }
    if (key.slug != null) return { slug: key.slug };
    return { id: this.globalId(`${name}.id`, key.id, type, noun) };
  }

  /** An optional instant, not in the future (a client clock a little ahead is forgiven). */
  pastInstant(name: string, value: Date | null | undefined, now: Date, skewMs = 60_000): Date | null {
    if (value == null) return null;
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) this.add(name, 'must be a date and time');
    else if (value.getTime() > now.getTime() + skewMs) this.add(name, 'must not be in the future');
    return value;
  }

  /** An optional integer within [min, max]. */
  integer(name: string, value: number | null | undefined, min: number, max: number): number | null {
    if (value == null) return null;
    if (!Number.isInteger(value) || value < min || value > max) this.add(name, `must be a whole number from ${min} to ${max}`);
    return value;
  }

  /** A required calendar date, YYYY-MM-DD. */
  date(name: string, value: string | null | undefined): string {
    if (value == null) {
      this.add(name, 'is required');
      return '';
    }
    if (!isIsoDate(value)) this.add(name, 'must be a real date, YYYY-MM-DD');
    return value;
  }

  /** A required value of a string enum. */
  oneOf<E extends string>(name: string, value: E | null | undefined, values: Record<string, E>): E {
    const allowed = Object.values(values);
    if (value == null || !allowed.includes(value)) this.add(name, `must be one of ${allowed.join(', ')}`);
    return value as E;
  }

  /** A list of distinct texts (trimmed; distinct ignoring case), `min` to `max` of them, each 1 to `maxLength` characters. */
  distinctTexts(
    name: string,
    values: readonly string[] | null | undefined,
    min: number,
    max: number,
    maxLength: number,
  ): string[] {
    if (values == null) {
      this.add(name, 'is required');
      return [];
    }
    if (values.length < min || values.length > max) this.add(name, `must hold ${min} to ${max} values (it has ${values.length})`);
    const seen = new Set<string>();
    return values.map((value, i) => {
      const trimmed = value.trim();
      if (trimmed.length === 0 || trimmed.length > maxLength) {
        this.add(`${name}[${i}]`, `must be 1 to ${maxLength} characters (it has ${trimmed.length})`);
      } else if (seen.has(trimmed.toLowerCase())) {
        this.add(`${name}[${i}]`, `repeats "${trimmed}"`);
      }
      seen.add(trimmed.toLowerCase());
      return trimmed;
    });
  }

  /** A version number as read from the API (a positive integer). */
  version(name: string, value: number | null | undefined): number {
    if (value == null || !Number.isInteger(value) || value < 1)
      this.add(name, 'must be the version you read (a positive integer)');
    return value ?? 0;
  }
}
