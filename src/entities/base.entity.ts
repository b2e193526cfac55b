import { OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** Surrogate key, timestamps and the optimistic-locking version every mutable entity has. */
export abstract class BaseEntity<Optional = never> {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'version' | Optional;

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ version: true })
  version!: number;
}
