import { Field, InputType, Int } from 'type-graphql';

@InputType({
  description:
    'An organization by organisation number: registered when the number is new (leave out `version`), otherwise changed (send the `version` you read). In a change, fields left out stay as they are and null clears an optional one.',
})
export class UpsertOrganizationInput {
  @Field({ description: 'Norwegian organisation number: 9 digits with a valid modulus-11 check digit (spaces allowed).' })
  orgNumber!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'The `version` you read, to change an existing organization; leave it out to register a new one.',
  })
  version?: number | null;

  @Field(() => String, { nullable: true, description: 'Registered name, 1 to 200 characters; required for a new one.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'City of the business address, at most 100 characters.' })
  city?: string | null;

  @Field(() => String, { nullable: true, description: 'County (fylke) of the business address, at most 100 characters.' })
  county?: string | null;

  @Field(() => String, { nullable: true, description: 'Main NACE industry code, `NN.NNN` (e.g. `62.010`).' })
  naceCode?: string | null;

  @Field(() => Int, { nullable: true, description: 'Number of employees, 0 or more.' })
  employees?: number | null;

  @Field(() => String, { nullable: true, description: 'Website: an http:// or https:// URL of at most 500 characters.' })
  website?: string | null;
}
