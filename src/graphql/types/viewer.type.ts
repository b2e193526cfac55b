import { Field, ObjectType } from 'type-graphql';
import { TokenRole } from './enums.js';

@ObjectType({ simpleResolvers: true, description: 'Who the caller is, by the API token it sent.' })
export class Viewer {
  @Field({ description: "The token's name." })
  name!: string;

  @Field(() => TokenRole, { description: 'What the token may do.' })
  role!: TokenRole;
}
