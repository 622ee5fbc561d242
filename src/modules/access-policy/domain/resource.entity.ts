import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';
import { recordEvent, type DomainEvent } from '../../../shared/domain-event';

/** One of the platform's things (an application, a device…), known by its service's own id. */
@Entity({ tableName: 'resources' })
@TenantOwned()
export class Resource {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'text' })
  type!: string;

  @Property({ type: 'text' })
  externalId!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'uuid', nullable: true })
  teamId: string | null = null;

  @Property({ type: 'integer', version: true })
  version!: number & Opt;

  @Property({ type: 'Date' })
  createdAt!: Date;

  @Property({ type: 'Date' })
  updatedAt!: Date;

  static register(input: { id: string; organizationId: string; type: string; externalId: string; name: string; teamId: string | null; now: Date }): Resource {
    const resource = new Resource();
    Object.assign(resource, { ...input, createdAt: input.now, updatedAt: input.now });
    recordEvent(resource, {
      type: 'resource.registered',
      organizationId: resource.organizationId,
      subject: { type: 'resource', id: resource.id },
      payload: { type: resource.type, externalId: resource.externalId, teamId: resource.teamId },
    });
    return resource;
  }

  update(changes: { name?: string; teamId?: string | null }, now: Date): boolean {
    const fields: string[] = [];
    if (changes.name !== undefined && changes.name !== this.name) {
      this.name = changes.name;
      fields.push('name');
    }
    if (changes.teamId !== undefined && changes.teamId !== this.teamId) {
      this.teamId = changes.teamId;
      fields.push('teamId');
    }
    if (!fields.length) return false;
    this.updatedAt = now;
    recordEvent(this, {
      type: 'resource.updated',
      organizationId: this.organizationId,
      subject: { type: 'resource', id: this.id },
      payload: { fields, teamId: this.teamId },
    });
    return true;
  }

  deletedEvent(): DomainEvent {
    return {
      type: 'resource.deleted',
      organizationId: this.organizationId,
      subject: { type: 'resource', id: this.id },
      payload: { type: this.type, externalId: this.externalId },
    };
  }
}
