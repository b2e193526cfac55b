// The company register's answer format (Brønnøysund Enhetsregisteret, HAL JSON), as documented in
// ../shared/DOMAIN.md, and its mapping to klynge's English, plain-data RegistryEntry.
import { z } from 'zod';

/** A code and its description in the register (legal form, NACE industry). */
export interface RegistryCode {
  code: string;
  description: string | null;
}

/** An address as the register keeps it. */
export interface RegistryAddress {
  lines: string[];
  postalCode: string | null;
  city: string | null;
  municipality: string | null;
  municipalityNumber: string | null;
  country: string | null;
  countryCode: string | null;
}

/** One unit of the register, in English names; dates are `YYYY-MM-DD`, fetchedAt an ISO instant. */
export interface RegistryEntry {
  orgNumber: string;
  legalName: string;
  legalForm: RegistryCode | null;
  industries: RegistryCode[];
  employees: number | null;
  website: string | null;
  businessAddress: RegistryAddress | null;
  postalAddress: RegistryAddress | null;
  registeredOn: string | null;
  foundedOn: string | null;
  vatRegistered: boolean | null;
  bankrupt: boolean | null;
  underLiquidation: boolean | null;
  underForcedLiquidation: boolean | null;
  deletedOn: string | null;
  fetchedAt: string;
}

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a YYYY-MM-DD date');
const code = z.object({ kode: z.string().min(1), beskrivelse: z.string().optional() });
const address = z.object({
  adresse: z.array(z.string()).optional(),
  postnummer: z.string().optional(),
  poststed: z.string().optional(),
  kommune: z.string().optional(),
  kommunenummer: z.string().optional(),
  land: z.string().optional(),
  landkode: z.string().optional(),
});

/** A unit; empty optional fields are left out of the register's JSON, and unknown ones ignored. */
export const unitSchema = z.object({
  organisasjonsnummer: z.string().regex(/^\d{9}$/, 'expected nine digits'),
  navn: z.string().min(1),
  organisasjonsform: code.optional(),
  hjemmeside: z.string().optional(),
  postadresse: address.optional(),
  forretningsadresse: address.optional(),
  registreringsdatoEnhetsregisteret: date.optional(),
  stiftelsesdato: date.optional(),
  naeringskode1: code.optional(),
  naeringskode2: code.optional(),
  naeringskode3: code.optional(),
  antallAnsatte: z.number().int().min(0).optional(),
  harRegistrertAntallAnsatte: z.boolean().optional(),
  konkurs: z.boolean().optional(),
  underAvvikling: z.boolean().optional(),
  underTvangsavviklingEllerTvangsopplosning: z.boolean().optional(),
  registrertIMvaregisteret: z.boolean().optional(),
  slettedato: date.optional(),
});
export type RegisterUnit = z.infer<typeof unitSchema>;

/** `GET /enheter?organisasjonsnummer=…`: HAL; `_embedded` is absent when nothing matched. */
export const unitSearchSchema = z.object({
  _embedded: z.object({ enheter: z.array(unitSchema) }).optional(),
  page: z.object({
    size: z.number().int(),
    totalElements: z.number().int().min(0),
    totalPages: z.number().int().min(0),
    number: z.number().int().min(0),
  }),
});
export type RegisterUnitSearch = z.infer<typeof unitSearchSchema>;

/** `GET /oppdateringer/enheter?dato=…`: the change feed, oldest change first (HAL). */
export const changePageSchema = z.object({
  _embedded: z
    .object({
      oppdaterteEnheter: z.array(
        z.object({
          oppdateringsid: z.number().int(),
          dato: z.string().min(10),
          organisasjonsnummer: z.string().regex(/^\d{9}$/, 'expected nine digits'),
          endringstype: z.string().optional(),
        }),
      ),
    })
    .optional(),
  page: z.object({
    size: z.number().int(),
    totalElements: z.number().int().min(0),
    totalPages: z.number().int().min(0),
    number: z.number().int().min(0),
  }),
});
export type RegisterChangePage = z.infer<typeof changePageSchema>;

/** The register's error body (400 and the like), read only to log its message. */
export const registerErrorSchema = z.object({
  feilmelding: z.string().optional(),
  valideringsfeil: z
    .array(z.object({ feilmelding: z.string().optional(), feilaktigVerdi: z.unknown().optional() }).loose())
    .optional(),
});

const codeOf = (value: z.infer<typeof code> | undefined): RegistryCode | null =>
  value ? { code: value.kode, description: value.beskrivelse ?? null } : null;

const addressOf = (value: z.infer<typeof address> | undefined): RegistryAddress | null =>
  value
    ? {
        lines: value.adresse?.filter((line) => line.trim() !== '') ?? [],
        postalCode: value.postnummer ?? null,
        city: value.poststed ?? null,
        municipality: value.kommune ?? null,
        municipalityNumber: value.kommunenummer ?? null,
        country: value.land ?? null,
        countryCode: value.landkode ?? null,
      }
    : null;

/** The register's unit in klynge's names; `fetchedAt` says when klynge read it. */
export function toRegistryEntry(unit: RegisterUnit, fetchedAt: Date): RegistryEntry {
  const industries = [unit.naeringskode1, unit.naeringskode2, unit.naeringskode3]
    .map(codeOf)
    .filter((c): c is RegistryCode => c !== null);
  return {
    orgNumber: unit.organisasjonsnummer,
    legalName: unit.navn,
    legalForm: codeOf(unit.organisasjonsform),
    industries,
    // antallAnsatte is 0 both for "none" and "not registered"; the flag tells them apart.
    employees: unit.harRegistrertAntallAnsatte === false ? null : (unit.antallAnsatte ?? null),
    website: unit.hjemmeside ?? null,
    businessAddress: addressOf(unit.forretningsadresse),
    postalAddress: addressOf(unit.postadresse),
    registeredOn: unit.registreringsdatoEnhetsregisteret ?? null,
    foundedOn: unit.stiftelsesdato ?? null,
    vatRegistered: unit.registrertIMvaregisteret ?? null,
    bankrupt: unit.konkurs ?? null,
    underLiquidation: unit.underAvvikling ?? null,
    underForcedLiquidation: unit.underTvangsavviklingEllerTvangsopplosning ?? null,
    deletedOn: unit.slettedato ?? null,
    fetchedAt: fetchedAt.toISOString(),
  };
}
