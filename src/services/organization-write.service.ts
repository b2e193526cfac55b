// Organizations are shared by every cluster they are members of, so any EDITOR (whatever its
// clusters) may register or correct one, as may an ADMIN. One mutation does both, by org number.
import { assertCan } from '../auth/permissions.js';
import type { RequestContext } from '../context/request-context.js';
import { Provenance } from '../entities/enums.js';
import { Organization } from '../entities/index.js';
import { conflict, notFound } from '../lib/errors.js';
import type { OrganizationRecord } from '../repositories/records.js';
import { diffFields, recordAudit, recordCreation } from './audit.service.js';
import { InputCheck } from './validation.js';
import { assertVersion, forgetLoaded, inTransaction, touch } from './write.js';

/**
 * An organization by organisation number: created when the number is new (send no `version`),
 * otherwise changed (send the `version` read). Absent fields stay as they are; null clears one.
 */
export interface UpsertOrganizationInput {
  orgNumber: string;
  version?: number | null;
  name?: string | null;
  city?: string | null;
  county?: string | null;
  naceCode?: string | null;
  employees?: number | null;
  website?: string | null;
}

export interface OrganizationPayload {
  organization: OrganizationRecord;
}

const LIMITS = { name: 200, city: 100, county: 100, employees: 1_000_000 } as const;

/** The fields the audit trail and the no-change check compare (the org number never changes). */
interface OrganizationFields {
  name: string;
  city: string | null;
  county: string | null;
  naceCode: string | null;
  employees: number | null;
  website: string | null;
}

const fieldsOf = (o: Organization): OrganizationFields => ({
  name: o.name,
  city: o.city ?? null,
  county: o.county ?? null,
  naceCode: o.naceCode ?? null,
  employees: o.employees ?? null,
  website: o.website ?? null,
});

/** Checks the fields that are present (all when `required`) and returns them normalized. */
function checkFields(check: InputCheck, input: UpsertOrganizationInput, required: boolean): Partial<OrganizationFields> {
  const patch: Partial<OrganizationFields> = {};
  const given = (value: unknown) => required || value !== undefined;
  if (given(input.name)) patch.name = check.text('name', input.name, LIMITS.name);
  if (given(input.city)) patch.city = check.optionalText('city', input.city, LIMITS.city);
  if (given(input.county)) patch.county = check.optionalText('county', input.county, LIMITS.county);
  if (given(input.naceCode)) patch.naceCode = check.naceCode('naceCode', input.naceCode);
  if (given(input.employees)) patch.employees = check.integer('employees', input.employees, 0, LIMITS.employees);
  if (given(input.website)) patch.website = check.httpUrl('website', input.website);
  return patch;
}

/**
 * Registers an organization, or changes the one with that organisation number. ADMIN or any
 * EDITOR. A change names the version read (stale: CONFLICT); a new number must come without one.
 */
export async function upsertOrganization(ctx: RequestContext, input: UpsertOrganizationInput): Promise<OrganizationPayload> {
  const viewer = assertCan(ctx.viewer, input.version == null ? 'organization.create' : 'organization.update');
  const check = new InputCheck('input');
  const orgNumber = check.requiredOrgNumber('orgNumber', input.orgNumber);
  const version = input.version == null ? null : check.version('version', input.version);
  // A new organization needs its name; a change may leave any field out.
  const patch = checkFields(check, input, version === null);
  check.done();

  const id = await inTransaction(
    ctx,
    async (em) => {
      const existing = await em.findOne(Organization, { orgNumber });
      if (version === null) {
        if (existing) {
          const what = `Organization ${orgNumber} exists already, at version ${existing.version}`;
          throw conflict(`${what}: send that version to change it.`, 'input.version');
        }
        const organization = em.create(Organization, {
          ...(patch as OrganizationFields),
          orgNumber,
          provenance: Provenance.MANUAL,
        });
        await em.flush();
        recordCreation(
          em,
          viewer,
          { action: 'organization.create', entityType: 'Organization', entityId: organization.id },
          { orgNumber, ...fieldsOf(organization) },
        );
        return organization.id;
      }

      if (!existing)
        throw notFound(
          `No organization with organisation number ${orgNumber}; leave out "version" to register it.`,
          'input.orgNumber',
        );
      assertVersion(existing, version, `Organization ${orgNumber}`);
      const before = fieldsOf(existing);
      const changes = diffFields({ ...before }, { ...before, ...patch });
      if (Object.keys(changes).length === 0) {
        forgetLoaded(em);
        return existing.id;
      }
      em.assign(existing, patch);
      touch(existing);
      await em.flush();
      recordAudit(em, viewer, { action: 'organization.update', entityType: 'Organization', entityId: existing.id, changes });
      return existing.id;
    },
    // Two registrations of one new number at once: the unique index lets one in.
    {
      uniqueConflict: () =>
        conflict(`Organization ${orgNumber} was registered at the same time; read it and retry.`, 'input.orgNumber'),
    },
  );
  const organization = await ctx.loaders.organizationById.load(id);
  if (!organization) throw new Error(`organization ${id} vanished after its own write`);
  return { organization };
}
