import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';
import { recordEvent, type DomainEvent } from '../../../shared/domain-event';
import type { Permission } from './permissions';

/** A role an organization made from the catalogue; users hold it by name like a built-in one. */
@Entity({ tableName: 'custom_roles' })
@TenantOwned()
export class CustomRole {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Property({ type: 'json' })
  permissions!: Permission[];

  @Property({ type: 'integer', version: true })
  version!: number & Opt;

  @Property({ type: 'Date' })
  createdAt!: Date;

  @Property({ type: 'Date' })
  updatedAt!: Date;

  static create(input: { id: string; organizationId: string; name: string; description: string | null; permissions: Permission[]; now: Date }): CustomRole {
    const role = new CustomRole();
    role.id = input.id;
    role.organizationId = input.organizationId;
    role.name = input.name;
    role.description = input.description;
    role.permissions = [...new Set(input.permissions)].sort();
    role.createdAt = input.now;
    role.updatedAt = input.now;
    recordEvent(role, {
      type: 'role.created',
      organizationId: role.organizationId,
      subject: { type: 'role', id: role.id },
      payload: { name: role.name, permissions: role.permissions },
    });
    return role;
  }

  /** Applies an edit; returns whether anything changed. The name is fixed: users hold the role by it. */
  edit(changes: { description?: string | null; permissions?: Permission[] }, now: Date): boolean {
    const before = this.permissions;
    const permissions = changes.permissions ? [...new Set(changes.permissions)].sort() : this.permissions;
    const description = changes.description !== undefined ? changes.description : this.description;
    if (JSON.stringify(permissions) === JSON.stringify(before) && description === this.description) return false;
    this.permissions = permissions;
    this.description = description;
    this.updatedAt = now;
    recordEvent(this, {
      type: 'role.updated',
      organizationId: this.organizationId,
      subject: { type: 'role', id: this.id },
      payload: {
        name: this.name,
        added: permissions.filter((p) => !before.includes(p)),
        removed: before.filter((p) => !permissions.includes(p)),
        before,
        after: permissions,
      },
    });
    return true;
  }

  deletedEvent(replacement: string | null, reassigned: number): DomainEvent {
    return {
      type: 'role.deleted',
      organizationId: this.organizationId,
      subject: { type: 'role', id: this.id },
      payload: { name: this.name, replacement, reassignedUsers: reassigned },
    };
  }
}
