import { Field, Int, ObjectType } from 'type-graphql';
import { DateTime, LocalDate } from './scalars.js';

@ObjectType({ simpleResolvers: true, description: "A unit's legal form in the company register." })
export class LegalForm {
  @Field({ description: "The register's code of the legal form, e.g. `AS` (limited company), `ASA`, `ENK`, `STAT`." })
  code!: string;

  @Field(() => String, { nullable: true, description: 'The legal form in words (Norwegian), e.g. `Aksjeselskap`.' })
  description!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'An industry (NACE, Norwegian SN2007) a unit is registered with.' })
export class Industry {
  @Field({ description: 'NACE code, dotted, e.g. `62.010`.' })
  code!: string;

  @Field(() => String, { nullable: true, description: 'The industry in words (Norwegian).' })
  description!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'An address as the company register keeps it.' })
export class RegistryAddress {
  @Field(() => [String], { description: 'Street address lines, in order (empty when the register has none).' })
  lines!: string[];

  @Field(() => String, { nullable: true, description: 'Postal code (postnummer).' })
  postalCode!: string | null;

  @Field(() => String, { nullable: true, description: 'Postal town (poststed).' })
  city!: string | null;

  @Field(() => String, { nullable: true, description: 'Municipality (kommune).' })
  municipality!: string | null;

  @Field(() => String, { nullable: true, description: 'Four-digit municipality number (kommunenummer).' })
  municipalityNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'Country, in Norwegian (e.g. `Norge`).' })
  country!: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166 country code, e.g. `NO`.' })
  countryCode!: string | null;
}

@ObjectType({
  simpleResolvers: true,
  description:
    "An organization's entry in the national company register (Brønnøysund Enhetsregisteret), read live and cached (see the README, Data sources). Optional fields are null where the register leaves them out.",
})
export class RegistryEntry {
  @Field({ description: 'Organisation number the register keeps the unit under.' })
  orgNumber!: string;

  @Field({ description: 'Registered legal name (navn).' })
  legalName!: string;

  @Field(() => LegalForm, { nullable: true, description: 'Legal form (organisasjonsform).' })
  legalForm!: LegalForm | null;

  @Field(() => [Industry], {
    description: 'Registered industries (naeringskode1..3), main industry first; empty when none are registered.',
  })
  industries!: Industry[];

  @Field(() => Int, { nullable: true, description: 'Number of employees; null where the register has none registered.' })
  employees!: number | null;

  @Field(() => String, { nullable: true, description: 'Website (hjemmeside), as registered.' })
  website!: string | null;

  @Field(() => RegistryAddress, { nullable: true, description: 'Business address (forretningsadresse).' })
  businessAddress!: RegistryAddress | null;

  @Field(() => RegistryAddress, { nullable: true, description: 'Postal address (postadresse).' })
  postalAddress!: RegistryAddress | null;

  @Field(() => LocalDate, { nullable: true, description: 'Date the unit was entered in the register.' })
  registeredOn!: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Date the unit was founded (stiftelsesdato).' })
  foundedOn!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Registered in the VAT register (Merverdiavgiftsregisteret).' })
  vatRegistered!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'In bankruptcy (konkurs).' })
  bankrupt!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Being wound up (under avvikling).' })
  underLiquidation!: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Under forced liquidation or dissolution (under tvangsavvikling eller tvangsoppløsning).',
  })
  underForcedLiquidation!: boolean | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'Date the unit was deleted from the register; null while it exists. A deleted unit has few other fields.',
  })
  deletedOn!: string | null;

  @Field(() => DateTime, { description: 'When klynge read this from the register (answers are cached, see the README).' })
  fetchedAt!: string;
}
