import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { recordEvent } from '../../../shared/domain-event';

/** The tenant. Its id scopes every tenant-owned record. */
@Entity({ tableName: 'organizations' })
export class Organization {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text', unique: true })
  slug!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'json' })
  settings: Record<string, unknown> & Opt = {};

  @Property({ type: 'integer', version: true })
  version!: number & Opt;

  @Property({ type: 'Date' })
  createdAt!: Date;

  @Property({ type: 'Date' })
  updatedAt!: Date;

  static create(input: { id: string; slug: string; name: string; now: Date; createdBy: string | null }): Organization {
    const organization = new Organization();
    organization.id = input.id;
    organization.slug = input.slug;
    organization.name = input.name.trim();
    organization.settings = {};
    organization.createdAt = input.now;
    organization.updatedAt = input.now;
    recordEvent(organization, {
      type: 'organization.created',
      organizationId: organization.id,
      subject: { type: 'organization', id: organization.id },
      payload: { slug: organization.slug, name: organization.name, createdBy: input.createdBy },
    });
    return organization;
  }
}
