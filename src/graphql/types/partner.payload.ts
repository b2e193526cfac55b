import { Field, ObjectType } from 'type-graphql';
import { PartnerInstitution, Partnership } from './partner.type.js';

@ObjectType({ simpleResolvers: true, description: 'The result of createPartner.' })
export class CreatePartnerPayload {
  @Field(() => PartnerInstitution, { description: 'The new partner institution.' })
  partner!: PartnerInstitution;
}

@ObjectType({ simpleResolvers: true, description: 'The result of updatePartner.' })
export class UpdatePartnerPayload {
  @Field(() => PartnerInstitution, { description: 'The partner institution as it is now, with its new version.' })
  partner!: PartnerInstitution;
}

@ObjectType({ simpleResolvers: true, description: 'The result of addPartnership.' })
export class AddPartnershipPayload {
  @Field(() => Partnership, { description: 'The new partnership.' })
  partnership!: Partnership;
}

@ObjectType({ simpleResolvers: true, description: 'The result of endPartnership.' })
export class EndPartnershipPayload {
  @Field(() => Partnership, { description: 'The ended partnership, with its `until`.' })
  partnership!: Partnership;
}
