import { Field, ObjectType } from 'type-graphql';
import { Cluster } from './cluster.type.js';

@ObjectType({ simpleResolvers: true, description: 'The result of createCluster.' })
export class CreateClusterPayload {
  @Field(() => Cluster, { description: 'The new cluster.' })
  cluster!: Cluster;
}

@ObjectType({ simpleResolvers: true, description: 'The result of updateCluster.' })
export class UpdateClusterPayload {
  @Field(() => Cluster, { description: 'The cluster as it is now, with its new version.' })
  cluster!: Cluster;
}

@ObjectType({ simpleResolvers: true, description: 'The result of changeClusterLevel.' })
export class ChangeClusterLevelPayload {
  @Field(() => Cluster, { description: 'The cluster at its new level; `levelHistory` shows the new period.' })
  cluster!: Cluster;
}

@ObjectType({ simpleResolvers: true, description: 'The result of endCluster.' })
export class EndClusterPayload {
  @Field(() => Cluster, { description: 'The ended cluster.' })
  cluster!: Cluster;
}
